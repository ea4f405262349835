# pension-recon: `make` alone lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PY := .venv/bin/python
RECON := .venv/bin/recon
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export PYTHONDONTWRITEBYTECODE :=

DEMO_PEOPLE ?= 20000
DEMO_SEED ?= 7
AS_OF ?= $(shell date +%F)
INBOX ?= data/inbox
WAREHOUSE ?= data/warehouse/recon.duckdb

.PHONY: help setup demo run serve test bench bench-match bench-dask check clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: .venv/.installed ## create .venv with the locked dependencies

.venv/.installed: requirements.lock pyproject.toml
	test -x .venv/bin/python || python3 -m venv .venv
	test -x .venv/bin/uv || .venv/bin/python -m pip install -q "$$(grep -E '^uv==' requirements.lock)"
	.venv/bin/uv pip sync -q --python .venv/bin/python --compile-bytecode requirements.lock
	.venv/bin/uv pip install -q --python .venv/bin/python --no-deps --compile-bytecode -e .
	touch $@

demo: setup ## synthesise a small county, run the reconciliation, show where outputs are
	$(RECON) synth --people $(DEMO_PEOPLE) --seed $(DEMO_SEED) --as-of $(AS_OF) --out $(INBOX)
	$(RECON) run --inbox $(INBOX) --as-of $(AS_OF) --warehouse $(WAREHOUSE)

run: setup ## run the reconciliation on data/inbox (AS_OF=YYYY-MM-DD to override today)
	$(RECON) run --inbox $(INBOX) --as-of $(AS_OF) --warehouse $(WAREHOUSE)

serve: setup ## keep running, starting the flow nightly at 01:30 Asia/Shanghai
	$(RECON) serve --inbox $(INBOX) --warehouse $(WAREHOUSE)

test: setup ## run the test suite
	$(PY) -m pytest

bench: setup ## scale benchmark: ingest + run on a synthetic county, writes benchmarks/results/*.json
	$(PY) -m benchmarks.bench_run

bench-match: setup ## matching accuracy and speed against ground truth and Splink
	$(PY) -m benchmarks.bench_match

BENCH_DASK_PEOPLE ?= 2000000

bench-dask: setup ## local vs sharded on 2 Dask workers (BENCH_DASK_PEOPLE=…), writes benchmarks/results/dask.json
	$(PY) -m benchmarks.bench_dask --people $(BENCH_DASK_PEOPLE) --workers 2

check: setup ## lint
	.venv/bin/ruff check flows transforms synth expectations tests benchmarks

clean: ## remove generated data (keeps .venv)
	rm -rf data/inbox data/warehouse data/exports data/synth .prefect
