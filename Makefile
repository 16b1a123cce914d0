# fieldcrm — every target sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint lint-imports bench migrate seed-demo clean install

install: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	@touch $(STAMP)

run: $(STAMP)
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

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) fieldcrm.db
