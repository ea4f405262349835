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
# the suite is mostly one core waiting (Prefect's API, subprocess runs): two workers
TEST_WORKERS ?= 2
# The run's defaults (inbox, warehouse, out, as-of) live in flows/defaults.py: an
# option is passed only when it is given here (make run INBOX=... AS_OF=...).
RUN_OPTS = $(if $(INBOX),--inbox $(INBOX)) $(if $(AS_OF),--as-of $(AS_OF)) \
           $(if $(WAREHOUSE),--warehouse $(WAREHOUSE)) $(if $(OUT),--out $(OUT))

.PHONY: help setup demo run serve test bench bench-province bench-run bench-startup bench-match bench-link bench-embedded bench-synth bench-dask check clean

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
	$(RECON) synth --people $(DEMO_PEOPLE) --seed $(DEMO_SEED) $(if $(AS_OF),--as-of $(AS_OF)) $(if $(INBOX),--out $(INBOX))
	$(RECON) run $(RUN_OPTS)

run: setup ## run the reconciliation on data/inbox (INBOX=, AS_OF=YYYY-MM-DD, WAREHOUSE=, OUT=)
	$(RECON) run $(RUN_OPTS)

serve: setup ## Prefect server on 127.0.0.1:4200 + the nightly (02:00) and weekly (Mon 07:00) deployments
	$(RECON) serve --start-server $(if $(INBOX),--inbox $(INBOX)) $(if $(WAREHOUSE),--warehouse $(WAREHOUSE))

test: setup ## run the test suite (TEST_WORKERS=2 processes; 0 runs it in one)
	$(PY) -m pytest -n $(TEST_WORKERS)

bench: setup ## scale benchmark: 0.5 M and 2 M people, per stage, writes benchmarks/results/scale.json
	$(PY) -m benchmarks.bench_scale --people 500000 2000000

bench-province: setup ## scale benchmark: a province of 25 M people, into benchmarks/results/scale.json
	$(PY) -m benchmarks.bench_scale --people 25000000 --no-startup --no-recon-run --memory-limit-gb 16 --warehouse-memory 6GB $(if $(KEEP),--keep $(KEEP)) $(if $(SCRATCH),--tmp $(SCRATCH))

bench-run: setup ## one synthetic county through the flow, writes benchmarks/results/run.json
	$(PY) -m benchmarks.bench_run

bench-startup: setup ## start-up of recon --help and recon run (empty inbox, sample), writes benchmarks/results/startup.json
	$(PY) -m benchmarks.bench_startup $(if $(PREFECT_API_URL),--server $(PREFECT_API_URL))

bench-link: setup ## the link task: recon run (fresh process) against Splink train + predict, writes benchmarks/results/link.json
	$(PY) -m benchmarks.bench_link $(if $(KEEP),--keep $(KEEP))

bench-embedded: setup ## the acceptance county inside 300,000 synthetic people: lists exact? recon run seconds; writes benchmarks/results/embedded.json
	$(PY) -m benchmarks.bench_embedded $(if $(KEEP),--keep $(KEEP))

bench-match: setup ## matching accuracy and speed against ground truth and Splink
	$(PY) -m benchmarks.bench_match

bench-synth: setup ## synthetic county of 2 M and 25 M people: wall time, peak memory (SYNTH_TMP=/tmp)
	$(PY) -m benchmarks.bench_synth --tmp $${SYNTH_TMP:-/tmp}

BENCH_DASK_PEOPLE ?= 2000000

bench-dask: setup ## local vs sharded on 2 Dask workers (BENCH_DASK_PEOPLE=…), writes benchmarks/results/dask.json
	$(PY) -m benchmarks.bench_dask --people $(BENCH_DASK_PEOPLE) --workers 2

check: setup ## lint
	.venv/bin/ruff check flows transforms synth expectations tests benchmarks

clean: ## remove generated data (keeps .venv)
	rm -rf data/inbox data/warehouse data/exports data/synth .prefect
