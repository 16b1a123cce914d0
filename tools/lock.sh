#!/usr/bin/env bash
# Regenerate the two lock files from pyproject.toml with uv (installed into a throwaway
# virtual environment), keeping every pin that still satisfies the ranges:
#   requirements.lock      the production install (the wheel's dependencies only)
#   requirements-dev.lock  what `make install` puts in .venv (production + the dev extra)
# Add `--upgrade` (passed through) to move every pin to the newest allowed release.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install -q "uv==0.13.9"
uv=("$tmp/venv/bin/uv" pip compile pyproject.toml --python-version 3.11 -q "$@")
"${uv[@]}" --extra dev -o requirements-dev.lock
# The production lock starts from the dev pins, so both agree on every shared package.
cp requirements-dev.lock "$tmp/prod.lock"
"${uv[@]}" -o "$tmp/prod.lock"
sed "s#-o $tmp/prod.lock#-o requirements.lock#" "$tmp/prod.lock" >requirements.lock
echo "wrote requirements.lock ($(grep -c '==' requirements.lock) pins) and requirements-dev.lock ($(grep -c '==' requirements-dev.lock) pins)"
