#!/usr/bin/env bash
# Contract run: `schemathesis run --checks all` (examples, coverage, fuzzing and stateful
# phases) against the real server under uvicorn (`fieldcrm serve`) on a fresh PostgreSQL
# database. Exits non-zero on any failure, or when it runs longer than
# $SCHEMATHESIS_TIMEOUT seconds (600). A CI gate: .ci/run runs it after `make test`.
# Configuration (one documented adjustment, no check excluded): tools/schemathesis.toml.
#
#   tools/schemathesis_live.sh [postgresql://.../base_db]   (default: $FIELDCRM_TEST_POSTGRES_URL)
#
# The database `<base_db>_st` is dropped and created anew. Seeded and deterministic, so a
# failure reproduces; the report (JUnit XML, failing cases as pytest) goes to
# $SCHEMATHESIS_REPORT_DIR (default: schemathesis-report/).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
BASE_URL_PG=${1:-${FIELDCRM_TEST_POSTGRES_URL:?pass a PostgreSQL URL or set FIELDCRM_TEST_POSTGRES_URL}}
ST_DB="${BASE_URL_PG##*/}_st"
ST_URL="${BASE_URL_PG%/*}/${ST_DB}"
ADMIN_URL="${BASE_URL_PG%/*}/postgres"
PORT=${SCHEMATHESIS_PORT:-$($BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
API="http://127.0.0.1:${PORT}"
REPORT_DIR=${SCHEMATHESIS_REPORT_DIR:-schemathesis-report}
MAX_EXAMPLES=${SCHEMATHESIS_MAX_EXAMPLES:-30}

psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -qc "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS \"${ST_DB}\" WITH (FORCE)"
psql "$ADMIN_URL" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE \"${ST_DB}\""

# A default install (no Twilio, offline LLM, console sender, in-process broker) with the
# per-user limits raised so the fuzzer reaches the handlers behind them (their 429 stays
# documented and is tested in tests/http).
export FIELDCRM_ENV=test
export DATABASE_URL="$ST_URL"
export JWT_SECRET=${JWT_SECRET:-$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(48))')}
export LLM_RATE_LIMIT_PER_MINUTE=10000 MESSAGE_RATE_LIMIT_PER_MINUTE=10000
export LOGIN_FAILURES_PER_USERNAME=1000 LOGIN_FAILURES_PER_ADDRESS=100000
unset REDIS_URL TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN OPENAI_API_KEY OPENAI_BASE_URL || true

PASSWORD=$($BIN/python -c 'import secrets; print("st-" + secrets.token_urlsafe(24))')
$BIN/fieldcrm migrate >/dev/null 2>&1
# A small demo shop, so generated ids (1, 2, ...) often name a real record.
$BIN/fieldcrm seed-demo --customers 20 --technicians 4 --jobs 60 >/dev/null 2>&1
$BIN/fieldcrm create-user --username st-admin --password "$PASSWORD" >/dev/null 2>&1
# The fuzzer edits and disables users by small ids; the run's admin lives far from them.
psql "$ST_URL" -v ON_ERROR_STOP=1 -qc "UPDATE users SET id = 1234567890 WHERE username = 'st-admin'"

LOG="$REPORT_DIR/server.log"
mkdir -p "$REPORT_DIR"
$BIN/fieldcrm serve --host 127.0.0.1 --port "$PORT" --no-workers >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fs "$API/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { echo "schemathesis: server died" >&2; cat "$LOG" >&2; exit 1; }
  sleep 0.5
done

TOKEN=$(curl -fs "$API/auth/login" -H 'Content-Type: application/json' \
  -d "{\"username\": \"st-admin\", \"password\": \"${PASSWORD}\"}" \
  | $BIN/python -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])')

rm -f "$REPORT_DIR"/ndjson-*.ndjson
status=0
timeout "${SCHEMATHESIS_TIMEOUT:-600}" \
  $BIN/schemathesis --config-file tools/schemathesis.toml run "$API/schema/openapi.json" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$MAX_EXAMPLES" \
  --generation-deterministic \
  --workers 1 \
  --request-timeout 30 \
  --suppress-health-check all \
  --no-color \
  -H "Authorization: Bearer ${TOKEN}" \
  --report junit,pytest,ndjson --report-dir "$REPORT_DIR" \
  ${SCHEMATHESIS_EXTRA_ARGS:-} || status=$?
$BIN/python tools/schemathesis_phases.py "$REPORT_DIR"/ndjson-*.ndjson || true
exit "$status"
