#!/usr/bin/env bash
# `systemd-analyze verify` on deploy/systemd/*.service, as installed: a copy whose
# /opt/fieldcrm/venv/bin/fieldcrm is this checkout's .venv/bin/fieldcrm (verify checks that
# ExecStart is executable) and whose EnvironmentFile is the example environment. Any
# message from systemd-analyze (an unknown key, a bad value, a missing binary) fails.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v systemd-analyze >/dev/null || { echo "verify-units: FATAL: systemd-analyze not found" >&2; exit 1; }
fieldcrm=${FIELDCRM_BIN:-$PWD/.venv/bin/fieldcrm}
[ -x "$fieldcrm" ] || { echo "verify-units: FATAL: $fieldcrm is not executable (make install)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp deploy/systemd/fieldcrm.env.example "$tmp/fieldcrm.env"
for unit in deploy/systemd/*.service; do
  sed -e "s#/opt/fieldcrm/venv/bin/fieldcrm#$fieldcrm#" \
      -e "s#^EnvironmentFile=/etc/fieldcrm/fieldcrm.env#EnvironmentFile=$tmp/fieldcrm.env#" \
      "$unit" >"$tmp/$(basename "$unit")"
done
out=$(cd "$tmp" && systemd-analyze verify --man=no ./*.service 2>&1) || { echo "$out" >&2; echo "verify-units: FAIL" >&2; exit 1; }
if [ -n "$out" ]; then echo "$out" >&2; echo "verify-units: FAIL (warnings)" >&2; exit 1; fi
echo "verify-units: OK ($(ls deploy/systemd/*.service | wc -l) units)"
