#!/usr/bin/env bash
# Runs pwk locally from a fresh clone: install, build, then the apiserver on the embedded file
# store (./data) and the controller against it. Prints a ready kubeconfig; Ctrl-C stops both.
# PWK_PORT (default 8443) picks the port; extra arguments go to the apiserver.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
npm run build

state=.pwk
port="${PWK_PORT:-8443}"
mkdir -p "$state"
if [[ ! -s "$state/tokens.csv" ]]; then
  # A random admin token for this checkout only (.pwk/ is git-ignored).
  printf '%s,admin,admin,"system:masters"\n' "$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('hex'))")" >"$state/tokens.csv"
fi
token="$(cut -d, -f1 "$state/tokens.csv")"

node packages/apiserver/dist/main.js \
  --bind-address 127.0.0.1 --secure-port "$port" \
  --data-dir ./data --cert-dir "$state/certs" \
  --token-auth-file "$state/tokens.csv" "$@" &
apiserver=$!
pids=("$apiserver")
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT

for _ in $(seq 1 100); do
  if node -e "require('https').get('https://127.0.0.1:$port/readyz', {rejectUnauthorized: false}, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"; then break; fi
  if ! kill -0 "$apiserver" 2>/dev/null; then echo "run-local: the apiserver exited" >&2; exit 1; fi
  sleep 0.2
done

cat >"$state/kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: pwk-local
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority: $PWD/$state/certs/apiserver.crt
users:
- name: admin
  user:
    token: $token
contexts:
- name: pwk-local
  context: {cluster: pwk-local, user: admin, namespace: default}
current-context: pwk-local
KUBECONFIG

if [[ -f packages/controller/dist/main.js ]]; then
  node packages/controller/dist/main.js --kubeconfig "$state/kubeconfig" --leader-elect=false &
  pids+=("$!")
fi

cat <<MSG

pwk is running on https://127.0.0.1:$port (data in ./data). In another terminal:
  export KUBECONFIG=$PWD/$state/kubeconfig
  kubectl api-resources | grep educative.io
  kubectl apply -f hack/foo.yaml
  kubectl get foo demo-foo -o yaml
Ctrl-C stops pwk.
MSG
wait "$apiserver"
