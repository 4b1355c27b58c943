# juesuan — two commands: `make run` (a warehouse from the sample county) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
INBOX ?= data/inbox
WAREHOUSE ?= data/warehouse.duckdb

.PHONY: setup run test lint sample docs eval bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(BIN)/python -m pip install -qq --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

$(INBOX):
	@$(BIN)/juesuan sample-county --out $(INBOX) --departments 12 --years 2023,2024 --seed 1 --defect-rate 0.3

sample: setup $(INBOX)

run: setup $(INBOX)
	@$(BIN)/juesuan run --inbox $(INBOX) --warehouse $(WAREHOUSE)

test: setup
	@$(BIN)/ruff check .
	@$(BIN)/pytest

eval: setup
	@$(BIN)/python -m ingest.evaluation

lint: setup
	@$(BIN)/ruff check .

clean:
	rm -rf data dbt_project/target dbt_project/logs
