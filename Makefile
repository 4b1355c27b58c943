# juesuan — two commands: `make run` (a warehouse from the sample county) and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
INBOX ?= data/inbox
WAREHOUSE ?= data/warehouse.duckdb

.PHONY: setup bytecode run test test-fast check lint sample docs eval bench bench-marts server serve runs report clean

setup: $(STAMP)

# requirements.lock pins the core, the [sample] extra (the generator of `make run`'s county) and [dev] (tests).
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(BIN)/python -m pip install -qq --disable-pip-version-check --no-deps -e .
	@$(MAKE) -s bytecode
	@touch $(STAMP)

# The project's own modules compiled once (pip compiles site-packages, not an editable install's sources): a
# process started with PYTHONDONTWRITEBYTECODE otherwise recompiles ~50 modules on every start (~0.1 s of
# `juesuan run` / `juesuan check`). A stale .pyc is ignored by Python (source mtime), never wrong.
bytecode:
	@$(BIN)/python -m compileall -q flows warehouse ingest samplegen > /dev/null

$(INBOX):
	@$(BIN)/juesuan sample-county --out $(INBOX) --departments 12 --years 2023,2024 --seed 1 --defect-rate 0.3

sample: setup $(INBOX)

run: setup $(INBOX)
	@$(BIN)/juesuan run --inbox $(INBOX) --warehouse $(WAREHOUSE)

test: setup
	@$(BIN)/ruff check .
	@$(BIN)/pytest

# unit tests only (no test marked slow: those build warehouses, start dbt or Prefect); well under a minute
test-fast: setup
	@$(BIN)/ruff check .
	@$(BIN)/pytest -m "not slow"

# a department's self-check of its files against the published warehouse, nothing published:
#   make check FILE="a.pdf b.xlsx" [WAREHOUSE=…] [OUT=reports/]
check: setup
	@test -n "$(FILE)" || { echo "usage: make check FILE=path/to/file [OUT=folder for the page and workbook]"; exit 2; }
	@$(BIN)/juesuan check $(FILE) --warehouse $(WAREHOUSE) $(if $(OUT),--out $(OUT))

REALDATA ?= ../shared/realdata
EVAL := data/eval

# Extraction precision/recall (generated county + hand-checked real documents), then check precision/recall
# on a generated county with labelled defects and on the real documents' known defects, then mutation testing
# of the checks on the real documents (warehouse/mutation).
eval: setup
	@$(BIN)/python -m ingest.evaluation
	@rm -rf $(EVAL) && mkdir -p $(EVAL)/real
	@$(BIN)/juesuan sample-county --out $(EVAL)/county --departments 12 --years 2023,2024 --seed 1 --defect-rate 0.5 --budgets >/dev/null
	@$(BIN)/juesuan run --inbox $(EVAL)/county --warehouse $(EVAL)/county.duckdb >/dev/null
	@$(BIN)/python -m warehouse.check_eval --warehouse $(EVAL)/county.duckdb --truth $(EVAL)/county/truth.json
	@if [ -d "$(REALDATA)" ]; then \
	  cp $(REALDATA)/govbudgetchecker/*年度部门决算.pdf $(REALDATA)/seed_sichuan/*.txt \
	     $(REALDATA)/govbudgetchecker/page_texts_2025_final/*.json $(EVAL)/real/ && \
	  $(BIN)/juesuan run --inbox $(EVAL)/real --warehouse $(EVAL)/real.duckdb >/dev/null && \
	  $(BIN)/python -m warehouse.check_eval --warehouse $(EVAL)/real.duckdb --real; \
	else echo "real documents not found at $(REALDATA): real-document check eval skipped"; fi
	@# mutation testing of the checks on the real 决算 and 预算 (≈ 5–9 min, ~900 mutants): recall per kind for each,
	@# the undecidable mutants apart, misses, false alarms
	@$(BIN)/python -m warehouse.mutation --realdata $(REALDATA) --work $(EVAL)/mutation --out $(EVAL)/mutation.txt

# dbt docs (lineage, every model and column) into data/dbt/docs; open data/dbt/docs/index.html
docs: setup
	@cd dbt_project && JUESUAN_WAREHOUSE=../$(WAREHOUSE) ../$(BIN)/dbt docs generate --profiles-dir . \
	  --target-path ../data/dbt/docs --log-path ../data/dbt/logs --quiet
	@echo "dbt docs: data/dbt/docs/index.html"

# Benchmarks (not part of make test): counties of 10/100/1,000 departments, baselines, profile → bench/results.md
bench: setup bytecode
	@$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-marts: setup
	@$(BIN)/python bench/bench_marts.py

report: setup
	@$(BIN)/juesuan report --warehouse $(WAREHOUSE) --out data/reports

server: setup
	@$(BIN)/juesuan server

serve: setup
	@$(BIN)/juesuan serve --inbox $(INBOX) --warehouse $(WAREHOUSE)

runs: setup
	@$(BIN)/juesuan runs --warehouse $(WAREHOUSE)

lint: setup
	@$(BIN)/ruff check .
	@$(BIN)/mypy

clean:
	rm -rf data dbt_project/target dbt_project/logs
