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

REALDATA ?= ../shared/realdata
EVAL := data/eval

# Extraction precision/recall (generated county + hand-checked real documents), then check precision/recall
# on a generated county with labelled defects and on the real documents' known defects.
eval: setup
	@$(BIN)/python -m ingest.evaluation
	@rm -rf $(EVAL) && mkdir -p $(EVAL)/real
	@$(BIN)/juesuan sample-county --out $(EVAL)/county --departments 12 --years 2023,2024 --seed 1 --defect-rate 0.5 >/dev/null
	@$(BIN)/juesuan run --inbox $(EVAL)/county --warehouse $(EVAL)/county.duckdb >/dev/null
	@$(BIN)/python -m warehouse.check_eval --warehouse $(EVAL)/county.duckdb --truth $(EVAL)/county/truth.json
	@if [ -d "$(REALDATA)" ]; then \
	  cp $(REALDATA)/govbudgetchecker/*年度部门决算.pdf $(REALDATA)/seed_sichuan/*.txt \
	     $(REALDATA)/govbudgetchecker/page_texts_2025_final/*.json $(EVAL)/real/ && \
	  $(BIN)/juesuan run --inbox $(EVAL)/real --warehouse $(EVAL)/real.duckdb >/dev/null && \
	  $(BIN)/python -m warehouse.check_eval --warehouse $(EVAL)/real.duckdb --real; \
	else echo "real documents not found at $(REALDATA): real-document check eval skipped"; fi

lint: setup
	@$(BIN)/ruff check .

clean:
	rm -rf data dbt_project/target dbt_project/logs
