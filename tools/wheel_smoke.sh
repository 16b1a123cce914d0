#!/usr/bin/env bash
# The production install, as an operator does it: build the wheel, install it into a fresh
# virtual environment with the production lock (requirements.lock: no dev tools), then, from
# an empty folder (no source checkout on the path), `fieldcrm --version`, `fieldcrm migrate`
# and `fieldcrm serve` on SQLite: /health, /ready, and the first admin signs in with the
# one-time password the first start printed. Fails loudly at the first step that breaks.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
work=$(mktemp -d /tmp/fieldcrm-wheel.XXXXXX)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "wheel-smoke: FAIL: $*" >&2; [ -f "$work/serve.log" ] && tail -20 "$work/serve.log" >&2; exit 1; }

echo "wheel-smoke: building the wheel"
"$PYTHON" -m pip wheel -q --no-deps -w "$work/dist" . || fail "pip wheel"
wheel=$(ls "$work"/dist/fieldcrm-*.whl)
"$PYTHON" -m venv "$work/venv"
echo "wheel-smoke: installing $(basename "$wheel") with requirements.lock"
"$work/venv/bin/python" -m pip install -q -r requirements.lock || fail "pip install -r requirements.lock"
"$work/venv/bin/python" -m pip install -q --no-deps "$wheel" || fail "pip install the wheel"
for tool in pytest hypothesis schemathesis mypy ruff; do
  if "$work/venv/bin/python" -c "import $tool" 2>/dev/null; then
    fail "the production install contains the dev tool '$tool'"
  fi
done

mkdir "$work/run" && cd "$work/run"
export PATH="$work/venv/bin:$PATH"
unset DATABASE_URL REDIS_URL JWT_SECRET ENVIRONMENT OPENAI_API_KEY TWILIO_ACCOUNT_SID \
  TWILIO_AUTH_TOKEN SMTP_HOST PYTHONPATH 2>/dev/null || true
[ "$(command -v fieldcrm)" = "$work/venv/bin/fieldcrm" ] || fail "fieldcrm is not the installed one"
version=$(fieldcrm --version) || fail "fieldcrm --version"
echo "wheel-smoke: $version"
export DATABASE_URL="sqlite+aiosqlite:///$work/run/smoke.db"
fieldcrm migrate || fail "fieldcrm migrate"
port=$("$work/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fieldcrm serve --port "$port" >"$work/serve.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 60); do
  curl -fsS "$base/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || fail "fieldcrm serve exited"
  sleep 0.5
done
curl -fsS "$base/health" >/dev/null || fail "GET /health"
curl -fsS "$base/ready" >/dev/null || fail "GET /ready"
password=$(sed -n '/one-time password/{n;s/^ *//;p;q}' "$work/serve.log")
[ -n "$password" ] || fail "the first start printed no one-time admin password"
token=$(curl -fsS "$base/auth/login" -H 'content-type: application/json' \
  -d "{\"username\": \"admin\", \"password\": \"$password\"}" \
  | "$work/venv/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])') \
  || fail "POST /auth/login as the first admin"
curl -fsS "$base/auth/me" -H "authorization: Bearer $token" | grep -q '"admin"' || fail "GET /auth/me"
curl -fsS "$base/customers" -H "authorization: Bearer $token" >/dev/null || fail "GET /customers"
echo "wheel-smoke: OK (installed wheel migrated, served, signed the first admin in)"
