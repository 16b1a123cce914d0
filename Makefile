# fieldcrm — every target sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint lint-imports bench migrate seed-demo clean install client client-check contract chaos

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
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

bench: $(STAMP)
	$(BIN)/python -m bench

# The outbox fault run (docs/operations.md#chaos): needs FIELDCRM_TEST_POSTGRES_URL and redis-server.
chaos: $(STAMP)
	PYTHONPATH=src:. $(BIN)/python -m tests.chaos

clean:
	rm -rf $(VENV) fieldcrm.db
