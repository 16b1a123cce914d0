# fieldcrm — every target sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint lint-imports bench migrate seed-demo clean install client client-check contract \
	lock wheel-smoke deploy-check eval chaos

install: $(STAMP)

# .venv gets the production lock plus the dev tools (requirements-dev.lock); an operator's
# install takes requirements.lock alone (docs/operations.md, tools/wheel_smoke.sh).
$(STAMP): requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(STAMP)

# The reference page (web/, served at /app/): rebuilt when its sources or the client changed,
# and only when Node.js is installed (without it /app/ says how to build it).
WEB_SOURCES := $(shell find web/src web/index.html web/package.json web/package-lock.json \
	web/vite.config.ts clients/typescript/src -type f 2>/dev/null)

web/dist/index.html: $(WEB_SOURCES)
	@if command -v node >/dev/null 2>&1; then \
		cd web && npm ci --no-audit --no-fund && npm run build; \
	else \
		echo "make: Node.js not found: /app/ will say how to build the page (web/)"; \
	fi

run: $(STAMP) web/dist/index.html
	$(BIN)/fieldcrm migrate
	$(BIN)/fieldcrm serve

migrate: $(STAMP)
	$(BIN)/fieldcrm migrate

seed-demo: $(STAMP)
	$(BIN)/fieldcrm migrate
	$(BIN)/fieldcrm seed-demo

# One test process per core (pytest-xdist); each file runs whole on one worker, each worker on
# its own PostgreSQL database and Redis db. TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15 $(PYTEST_ARGS)

lint: lint-imports
	$(BIN)/ruff check src tests migrations bench
	$(BIN)/mypy

# The layer rules: the import-linter contracts in pyproject.toml ([tool.importlinter]).
lint-imports: $(STAMP)
	$(BIN)/lint-imports

# The typed TypeScript client (clients/typescript): the OpenAPI document the server serves,
# then the types generated from it, then the strict type check of the client and its example.
client: $(STAMP)
	$(BIN)/fieldcrm openapi --output clients/typescript/openapi.json
	cd clients/typescript && npm ci --no-audit --no-fund && npm run generate && npm run typecheck

# CI: fails when the committed types differ from the committed document, or do not compile
# (tests/http/test_typescript_client.py checks the document against the served one).
client-check:
	cd clients/typescript && npm ci --no-audit --no-fund && npm run check-generated && npm run typecheck

# schemathesis --checks all against the live server on PostgreSQL (FIELDCRM_TEST_POSTGRES_URL).
contract: $(STAMP)
	tools/schemathesis_live.sh

# Both lock files from pyproject.toml (uv in a throwaway venv; existing pins kept).
lock:
	tools/lock.sh

# The production install: wheel + requirements.lock in a fresh venv, migrate, serve, sign in.
wheel-smoke:
	tools/wheel_smoke.sh

# The systemd units in deploy/ (systemd-analyze verify, with fieldcrm on the path they name).
deploy-check: $(STAMP)
	tools/verify_units.sh

# Offline insight quality (tests/evals): sentiment on the labelled set, the maintenance
# backtest, the technician-match agreement; exits non-zero below a target.
eval: $(STAMP)
	$(BIN)/python -m tests.evals

# The HTTP load (bench/http_load.py) drives the servers with wrk (Debian's package): installed
# here when missing and root can; otherwise that part of the bench says so and is skipped.
bench: $(STAMP)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& { apt-get install -y -qq wrk >/dev/null 2>&1 \
		|| { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }; } \
		|| echo "make bench: wrk is not installed (apt-get install -y wrk); the HTTP load is skipped"
	$(BIN)/python -m bench

# The outbox fault run (docs/operations.md#chaos): needs FIELDCRM_TEST_POSTGRES_URL and redis-server.
chaos: $(STAMP)
	PYTHONPATH=src:. $(BIN)/python -m tests.chaos

clean:
	rm -rf $(VENV) fieldcrm.db
