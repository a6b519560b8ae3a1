# socialaudit: `make demo` and `make test` work on a fresh machine with Python 3.11+.
# The environment is built from pyproject.toml + uv.lock only (uv is bootstrapped into .tools).

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

export UV_PYTHON_DOWNLOADS := never

.PHONY: venv axe demo test lint lint-imports format check-migrations eval eval-blind eval-blind3 eval-real train bench clean \
	bench-reports bench-collect bench-collect-x-mastodon bench-collect-pool bench-web bench-pipeline fuzz catalogues

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

venv: $(VENV)/.synced

# axe-core for the Chromium accessibility tests, from the npm registry at the version that
# package-lock.json pins (`npm ci`: the lock file or nothing), into .tools/npm.
AXE := $(TOOLS)/npm/node_modules/axe-core/axe.min.js
$(AXE): package.json package-lock.json
	mkdir -p $(TOOLS)/npm
	cp package.json package-lock.json $(TOOLS)/npm/
	npm ci --prefix $(TOOLS)/npm --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

axe: $(AXE)

# The whole pipeline on the local sandbox with the embedded database: four weeks of an
# invented world, then the weekly reports, the dashboard and the nudges (.eml, dry run).
demo: venv
	$(BIN)/socialaudit demo --output data/demo

test: venv axe
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# The person-facing messages (README "Languages"): extract them from the code, the templates
# and the policy (babel.cfg), merge them into each language's catalogue, compile the .mo
# files. The .po sources and the compiled .mo are both committed, so a fresh clone needs no
# step; tests/reports/test_catalogues.py fails when a .mo does not hold what its .po says.
catalogues: venv
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output -w 100 -k N_ --project=socialaudit \
		--copyright-holder="the socialaudit authors" -o reports/locale/messages.pot .
	$(BIN)/pybabel update -i reports/locale/messages.pot -d reports/locale -w 100 --no-fuzzy-matching \
		--ignore-obsolete
	$(BIN)/pybabel compile -d reports/locale --statistics

lint: venv lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The layering as import-linter contracts (pyproject.toml [tool.importlinter]; README "Layout").
lint-imports: venv
	$(BIN)/lint-imports --no-cache

# Precision and recall per rule over the labelled evaluation set (README: "Checks, measured").
eval: venv
	$(BIN)/python -m checks.evaluate tests/checks/eval

# The same over the second blind set (written before reading the matchers; README).
eval-blind: venv
	$(BIN)/python -m checks.evaluate --allow-missing tests/checks/eval/blind-2

# The third blind set, untuned (written and committed before its first run; README).
eval-blind3: venv
	$(BIN)/python -m checks.evaluate --allow-missing tests/checks/eval/blind-3

# Precision and recall of RSP501, NPT201, CNF305 and TRN101 on the real development data
# (../shared/data/real), 5-fold cross-validated, per language (README "Checks on real text").
eval-real: venv
	$(BIN)/python -m checks.eval_real

# Fit the learned scorers of RSP501 and NPT201 on the train_ok items of the real data (and
# OLID for RSP501) and write checks/models/<rule>.json.gz + .manifest.json (README).
train: venv
	$(BIN)/python -m checks.train

# Throughput of `socialaudit scan` over 100,000 generated posts and profiles, on one core;
# then the web app under load (bench-web).
bench: venv
	$(BIN)/python -m bench.scan
	$(BIN)/python -m bench.web $(if $(SOCIALAUDIT_BENCH_POSTGRES_URL),--postgres-url $(SOCIALAUDIT_BENCH_POSTGRES_URL))

# Review queue and dashboard under 50 concurrent signed-in clients (wrk, 3 runs of 30 s each),
# then the queue while 5 of the 50 write review decisions (60 s), on the bench-reports store in
# a scratch PostgreSQL database (README "The browser app"). The issue's target, two workers:
# .venv/bin/python -m bench.web --workers 2 --only-writes
bench-web: venv
	$(BIN)/python -m bench.web $(if $(SOCIALAUDIT_BENCH_POSTGRES_URL),--postgres-url $(SOCIALAUDIT_BENCH_POSTGRES_URL))

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Models and migrations agree (on a scratch SQLite database at head).
check-migrations: venv
	@tmp=$$(mktemp -d) && \
	SOCIALAUDIT_DATABASE_URL=sqlite:///$$tmp/check.db $(BIN)/alembic upgrade head && \
	SOCIALAUDIT_DATABASE_URL=sqlite:///$$tmp/check.db $(BIN)/alembic check; \
	status=$$?; rm -rf $$tmp; exit $$status

# Weekly report and 52-week dashboard on 1,000 people / 100,000 posts / 5,000 findings a week,
# on SQLite and a scratch PostgreSQL database (SOCIALAUDIT_BENCH_POSTGRES_URL or the test server).
bench-reports: venv
	$(BIN)/python -m bench.reports --backend both --runs 5 $(if $(SOCIALAUDIT_BENCH_POSTGRES_URL),--postgres-url $(SOCIALAUDIT_BENCH_POSTGRES_URL))

# `check` of 10,000 new posts over the bench-reports store (1x; `--scale 1 5 10` for larger
# stores), on SQLite and a scratch PostgreSQL database: CPU, wall, SQL per post, peak memory.
bench-pipeline: venv
	$(BIN)/python -m bench.pipeline --backend both --runs 3 $(if $(SOCIALAUDIT_BENCH_POSTGRES_URL),--postgres-url $(SOCIALAUDIT_BENCH_POSTGRES_URL))

# API calls per collection round against the sandbox (README "Collectors: measured").
bench-collect: venv
	$(BIN)/python -m bench.collect

# The fuzz pass over `scan` lines, the people CSV and X archive files (tests/test_fuzz.py):
# 10,000 generated inputs each (the suite runs 200), on SQLite and PostgreSQL; prints the
# figures. FUZZ_EXAMPLES=N changes the count.
FUZZ_EXAMPLES ?= 10000
fuzz: venv
	SOCIALAUDIT_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -n 0 -q -s tests/test_fuzz.py

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache

# API calls per round on X and Mastodon against the batch-size minimum (README "Collectors").
bench-collect-x-mastodon: venv
	$(BIN)/python -m bench.collect --platform x --platform mastodon

# A first collection of 1,000 Bluesky accounts against a sandbox answering in 150 ms a call,
# one account at a time against collection.concurrency 8 and 16 (README "Collection").
bench-collect-pool: venv
	$(BIN)/python -m bench.collect_pool
