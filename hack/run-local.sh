#!/usr/bin/env bash
# Runs pwk locally from a fresh clone: install (only when package-lock.json changed since the last
# install), build, then the apiserver on the embedded file store (./data) and the controller
# against it. It says "running" only once *its own* apiserver answers /readyz over TLS verified
# with the CA it generated, and its own controller answers /healthz; otherwise it stops with a
# clear error and a non-zero exit. Ctrl-C stops both. Extra arguments go to the apiserver.
#   PWK_PORT                     the apiserver's HTTPS port on 127.0.0.1 (default 8443)
#   PWK_CONTROLLER_METRICS_PORT  the controller's /metrics on 127.0.0.1 (default 8080; 0 = off)
#   PWK_CONTROLLER_PROBE_PORT    the controller's /healthz and /readyz on 127.0.0.1 (default 8081; 0 = off)
#   PWK_START_TIMEOUT            seconds each may take to become ready (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "run-local: $*" >&2
  exit 1
}

port="${PWK_PORT:-8443}"
metrics_port="${PWK_CONTROLLER_METRICS_PORT:-8080}"
probe_port="${PWK_CONTROLLER_PROBE_PORT:-8081}"
timeout_s="${PWK_START_TIMEOUT:-60}"
for setting in "PWK_PORT=$port" "PWK_CONTROLLER_METRICS_PORT=$metrics_port" "PWK_CONTROLLER_PROBE_PORT=$probe_port"; do
  [[ "${setting#*=}" =~ ^[0-9]+$ && "${setting#*=}" -le 65535 ]] || fail "${setting%%=*} must be a port number, got \"${setting#*=}\""
done
[[ "$port" -ne 0 ]] || fail "PWK_PORT must be a port number from 1 to 65535, got 0"
[[ "$timeout_s" =~ ^[0-9]+$ && "$timeout_s" -gt 0 ]] || fail "PWK_START_TIMEOUT must be a number of seconds, got \"$timeout_s\""

# Before spending time on install and build: every port must be free, or what answers there
# would be some other server, not ours.
port_free() {
  node -e '
    const server = require("net").createServer();
    server.once("error", () => process.exit(1));
    server.listen(Number(process.argv[1]), "127.0.0.1", () => server.close(() => process.exit(0)));
  ' "$1"
}
for setting in "PWK_PORT=$port:the apiserver" "PWK_CONTROLLER_METRICS_PORT=$metrics_port:the controller's metrics" \
  "PWK_CONTROLLER_PROBE_PORT=$probe_port:the controller's probes"; do
  name="${setting%%=*}" rest="${setting#*=}"
  p="${rest%%:*}" what="${rest#*:}"
  [[ "$p" -eq 0 ]] || port_free "$p" ||
    fail "127.0.0.1:$p ($what) is already in use by another process; stop it, or pick a free port with $name=<port>"
done

state=.pwk
mkdir -p "$state"

sha256() { node -e 'process.stdout.write(require("crypto").createHash("sha256").update(require("fs").readFileSync(process.argv[1])).digest("hex"))' "$1"; }
lock_hash="$(sha256 package-lock.json)"
if [[ ! -d node_modules || "$(cat "$state/installed-lock.sha256" 2>/dev/null)" != "$lock_hash" ]]; then
  npm ci --no-audit --no-fund
  printf '%s\n' "$lock_hash" >"$state/installed-lock.sha256"
fi
npm run build

if [[ ! -s "$state/tokens.csv" ]]; then
  # A random admin token for this checkout only (.pwk/ is git-ignored).
  printf '%s,admin,admin,"system:masters"\n' "$(node -e "process.stdout.write(require('crypto').randomBytes(24).toString('hex'))")" >"$state/tokens.csv"
fi
token="$(cut -d, -f1 "$state/tokens.csv")"
ca="$PWD/$state/certs/apiserver.crt"

pids=()
stop_all() {
  if [[ ${#pids[@]} -gt 0 ]]; then kill -TERM "${pids[@]}" 2>/dev/null || true; fi
  wait
}
trap stop_all INT TERM EXIT

# Polls `probe` until it succeeds while `pid` runs; fails when the process exits or time is up.
wait_until_ready() {
  local what=$1 pid=$2 probe=$3 deadline=$((SECONDS + timeout_s)) code=0
  until "$probe"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" || code=$?
      fail "$what exited (code $code) before it was ready; its log is above"
    fi
    ((SECONDS < deadline)) || fail "$what did not become ready within ${timeout_s}s (PWK_START_TIMEOUT); its log is above"
    sleep 0.2
  done
  # What answered is ours only if ours still runs (it holds the port while it does).
  kill -0 "$pid" 2>/dev/null || fail "$what exited; whatever answered on its port is another process"
}

# /readyz over TLS verified with our own CA: another server on the port cannot pass, and one that
# never finishes the handshake is given up on after 2 s.
apiserver_ready() {
  node -e '
    const [port, caFile] = process.argv.slice(1);
    let ca;
    try { ca = require("fs").readFileSync(caFile); } catch { process.exit(1); }
    const req = require("https").get({ host: "127.0.0.1", port, path: "/readyz", ca, timeout: 2000 }, (res) => {
      res.resume();
      process.exit(res.statusCode === 200 ? 0 : 1);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => process.exit(1));
  ' "$port" "$ca"
}

controller_ready() {
  node -e '
    const req = require("http").get({ host: "127.0.0.1", port: process.argv[1], path: "/healthz", timeout: 2000 }, (res) => {
      res.resume();
      process.exit(res.statusCode === 200 ? 0 : 1);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => process.exit(1));
  ' "$probe_port"
}

node_modules/.bin/pwk-apiserver \
  --bind-address 127.0.0.1 --secure-port "$port" \
  --data-dir ./data --cert-dir "$state/certs" \
  --token-auth-file "$state/tokens.csv" "$@" &
apiserver=$!
pids+=("$apiserver")
wait_until_ready "the apiserver" "$apiserver" apiserver_ready

# Written only now that our own server is ready, and atomically: a kubectl reading it meanwhile
# never sees half of it.
cat >"$state/kubeconfig.tmp" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: pwk-local
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority: $ca
users:
- name: admin
  user:
    token: $token
contexts:
- name: pwk-local
  context: {cluster: pwk-local, user: admin, namespace: default}
current-context: pwk-local
KUBECONFIG
mv "$state/kubeconfig.tmp" "$state/kubeconfig"

bind() { if [[ "$1" -eq 0 ]]; then echo 0; else echo "127.0.0.1:$1"; fi; }
node_modules/.bin/pwk-controller --kubeconfig "$state/kubeconfig" --leader-elect=false \
  --metrics-bind-address "$(bind "$metrics_port")" --health-probe-bind-address "$(bind "$probe_port")" &
controller=$!
pids+=("$controller")
if [[ "$probe_port" -ne 0 ]]; then wait_until_ready "the controller" "$controller" controller_ready; fi

cat <<MSG

pwk is running on https://127.0.0.1:$port (data in ./data). In another terminal:
  export KUBECONFIG=$PWD/$state/kubeconfig
  kubectl api-resources | grep educative.io
  kubectl apply -f hack/foo.yaml
  kubectl get foo demo-foo -o yaml
Ctrl-C stops pwk.
MSG
wait "$apiserver"
