# Journeyline: `make run` sets up and runs the main job; `make test` sets up and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo

.PHONY: run test test-deps lint typecheck system-deps bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/journeyline demo $(DEMO_DIR)

system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy src

# The suite runs against a throwaway PostgreSQL too (scripts/postgres-test.sh), and with
# the test-only extras (Spark, and pm4py/retentioneering for the cross-checks).
test: $(STAMP) system-deps test-deps lint typecheck
	export JOURNEYLINE_TEST_DATABASE_URL="$${JOURNEYLINE_TEST_DATABASE_URL:-$$(bash scripts/postgres-test.sh)}"; \
	export SPARK_LOCAL_IP=127.0.0.1 RETENTIONEERING_NO_TRACK=1; \
	$(BIN)/python -m pytest -n 2 --dist loadgroup; status=$$?; \
	bash scripts/postgres-test.sh stop; exit $$status

test-deps: $(STAMP)
	@bash scripts/python-test-deps.sh $(VENV)

bench: $(STAMP)
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(DEMO_DIR) journeyline-data .pytest_cache .mypy_cache .ruff_cache
