# Journeyline: `make run` sets up and runs the main job; `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo
DATA_DIR ?= journeyline-data
PORT ?= 8000
FRONTEND := frontend
# npm writes node_modules/.package-lock.json on every install: newer than package-lock.json = up to date.
NPM_STAMP := $(FRONTEND)/node_modules/.package-lock.json

.PHONY: run demo frontend test test-deps test-frontend lint typecheck system-deps bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

# The web app on SQLite in $(DATA_DIR): the first run creates the owner account and the demo
# workspace; every run prints the URL and a fresh one-time sign-in link. The front-end build
# is committed in src/journeyline/web/static/app, so this needs no Node (`make test` does:
# it runs the front-end's unit tests).
run: $(STAMP)
	$(BIN)/journeyline serve --demo --data-dir $(DATA_DIR) --port $(PORT)

# The static demo: every template rendered to HTML in $(DEMO_DIR), with what the analysis found.
demo: $(STAMP)
	$(BIN)/journeyline demo $(DEMO_DIR)

# Rebuild the front-end into src/journeyline/web/static/app (needs Node 20 and npm); commit
# the result. npm ci runs when node_modules is missing or package-lock.json changed. The
# model's TypeScript types are generated first from the JSON Schema (`journeyline schema`).
$(NPM_STAMP): $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

frontend: $(STAMP) $(NPM_STAMP)
	$(BIN)/journeyline schema | node $(FRONTEND)/scripts/model-types.mjs --out $(FRONTEND)/src/model.generated.ts
	cd $(FRONTEND) && npm run build

# The front-end's unit tests (Vitest, beside the code in frontend/src): Node 20 and npm.
test-frontend: $(NPM_STAMP)
	cd $(FRONTEND) && npx vitest run

system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src

# The suite runs against a throwaway PostgreSQL too (scripts/postgres-test.sh), and with
# the test-only extras (Spark, and pm4py/retentioneering for the cross-checks).
test: $(STAMP) system-deps test-deps lint typecheck test-frontend
	export JOURNEYLINE_TEST_DATABASE_URL="$${JOURNEYLINE_TEST_DATABASE_URL:-$$(bash scripts/postgres-test.sh)}"; \
	export SPARK_LOCAL_IP=127.0.0.1 RETENTIONEERING_NO_TRACK=1; \
	$(BIN)/python -m pytest -n 2 --dist loadgroup; status=$$?; \
	bash scripts/postgres-test.sh stop; exit $$status

test-deps: $(STAMP)
	@bash scripts/python-test-deps.sh $(VENV)

bench: $(STAMP)
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO_DIR) $(DATA_DIR) .pytest_cache .mypy_cache .ruff_cache
