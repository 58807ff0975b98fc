#!/usr/bin/env bash
# Makes the apiserver's serving certificate for the default overlay (deploy/): a fresh CA, a
# certificate for pwk-apiserver.pwk-system.svc signed by it, and, for kustomize, the Secret that
# carries them plus the APIService patch whose caBundle lets the aggregator verify them.
# The CA's key is thrown away: rerun the script (and `kubectl apply -k deploy/`) to rotate.
#
#   hack/gen-certs.sh [output-dir]      (default: deploy/overlays/default/generated, git-ignored)
#
# PWK_NAMESPACE (pwk-system), PWK_SERVICE (pwk-apiserver) and PWK_CERT_DAYS (365) override the
# defaults; the first two must match the manifests.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-deploy/overlays/default/generated}"
namespace="${PWK_NAMESPACE:-pwk-system}"
service="${PWK_SERVICE:-pwk-apiserver}"
days="${PWK_CERT_DAYS:-365}"
# The aggregator dials <service>.<namespace>.svc and checks the certificate against that name.
host="$service.$namespace.svc"

if ! command -v openssl >/dev/null; then
  echo "gen-certs: openssl is required" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
umask 077

openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
  -keyout "$work/ca.key" -out "$work/ca.crt" -days "$days" -subj "/CN=pwk-apiserver-ca" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  2>/dev/null
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
  -keyout "$work/tls.key" -out "$work/tls.csr" -subj "/CN=$host" 2>/dev/null
cat >"$work/serving.ext" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=DNS:$host,DNS:$host.cluster.local,DNS:$service.$namespace,DNS:$service
EXT
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
  -set_serial "0x$(openssl rand -hex 16)" -days "$days" -extfile "$work/serving.ext" \
  -out "$work/tls.crt" 2>/dev/null

b64() { openssl base64 -A -in "$1"; }

mkdir -p "$out"
cat >"$out/serving-cert-secret.yaml" <<YAML
# Written by hack/gen-certs.sh: the serving certificate and key of pwk-apiserver. Secret.
apiVersion: v1
kind: Secret
metadata:
  name: pwk-apiserver-serving-cert
  namespace: $namespace
type: kubernetes.io/tls
data:
  tls.crt: $(b64 "$work/tls.crt")
  tls.key: $(b64 "$work/tls.key")
  ca.crt: $(b64 "$work/ca.crt")
YAML
# One patch per served version's APIService (deploy/base/apiserver/apiservice.yaml).
{
  echo "# Written by hack/gen-certs.sh: the CA that signed pwk-apiserver's serving certificate."
  for version in v1 v1beta1; do
    cat <<YAML
---
apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata:
  name: $version.bar.pwk.educative.io
spec:
  caBundle: $(b64 "$work/ca.crt")
YAML
  done
} >"$out/apiservice-ca-bundle.yaml"
cp "$work/ca.crt" "$out/ca.crt"
chmod 644 "$out/ca.crt" "$out/apiservice-ca-bundle.yaml"

echo "gen-certs: wrote a serving certificate for $host (valid $days days) to $out/"
