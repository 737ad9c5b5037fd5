# Hoeksteen. `make run` serves the demo; `make test` runs everything CI runs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
CONSTRAINTS := requirements/constraints.txt
export PYTHONPATH := $(CURDIR)/src
export DJANGO_SETTINGS_MODULE := hoeksteen.settings
export HOEKSTEEN_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test lint typecheck unit e2e audit load bench bench-data messages makemessages install install-dev chromium clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: pyproject.toml $(CONSTRAINTS) | $(BIN)/activate
	@echo "Installing Hoeksteen into $(VENV) …"
	$(PY) -m pip install --progress-bar on -c $(CONSTRAINTS) -e .
	@touch $@

$(VENV)/.dev: pyproject.toml $(CONSTRAINTS) $(VENV)/.runtime
	@echo "Installing the test tools into $(VENV) …"
	$(PY) -m pip install --progress-bar on -c $(CONSTRAINTS) -e '.[dev]'
	@touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# Compiled catalogues are build output, made from the .po files in git.
messages: $(VENV)/.runtime
	cd src/hoeksteen && $(abspath $(PY)) -m django compilemessages --verbosity 0

makemessages: $(VENV)/.runtime
	cd src/hoeksteen && $(abspath $(PY)) -m django makemessages -l nl --no-obsolete --no-location

run: install messages
	$(PY) -m hoeksteen migrate --verbosity 0
	$(PY) -m hoeksteen createcachetable
	$(PY) -m hoeksteen demo
	HOEKSTEEN_TICK_INTERVAL=$${HOEKSTEEN_TICK_INTERVAL:-30} $(PY) -m hoeksteen serve

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy src

unit: $(VENV)/.dev messages
	$(BIN)/pytest -m "not e2e" -q

# Playwright drives Debian's chromium: its own browser download needs a
# network this project does not assume.
chromium:
	@command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests …"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core; }

# axe-core, injected by the browser tests to check WCAG 2.1 AA.
tests/e2e/node_modules/axe-core/axe.min.js: tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

e2e: $(VENV)/.dev messages chromium tests/e2e/node_modules/axe-core/axe.min.js
	$(BIN)/pytest -m e2e -q tests/e2e

# Known vulnerabilities in every locked dependency (requirements/constraints.txt
# pins direct and transitive ones). tools/audit_dependencies.py first asks the
# service (AUDIT_SERVICE: osv, or pypi) about a release with known
# vulnerabilities: when it cannot answer that, the audit cannot run and says
# so loudly, failing only with AUDIT_REQUIRED=1. When it can, pip-audit runs
# with --strict and any known vulnerability fails the build.
AUDIT_SERVICE ?= osv
audit: $(VENV)/.dev
	$(PY) tools/audit_dependencies.py --service $(AUDIT_SERVICE) --requirements $(CONSTRAINTS)

test: lint typecheck unit e2e audit

# The load test, not part of `make test`: gunicorn on PostgreSQL on loopback,
# driven by bench/load.py for LOAD_SECONDS (5 minutes) at the highest rate a
# short ramp finds without errors. LOAD_DATABASE_URL names the server and the
# database, which is created for the run and dropped after it. Results go to
# bench/results/.
LOAD_SECONDS ?= 300
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/hoeksteen_load
load: install messages
	$(PY) bench/load.py --seconds $(LOAD_SECONDS) --database-url $(LOAD_DATABASE_URL)

# Benchmarks on PostgreSQL (bench/README.md): SCALE=1 (default), 10 or 100.
# The data sets go to hk_bench_<scale> on the local server unless
# BENCH_DATABASE_URL (for SCALE) or BENCH_DATABASE_PREFIX says otherwise.
SCALE ?= 1
SEED ?= 1
bench: install messages
	$(PY) bench/run.py --scale $(SCALE) --seed $(SEED)

bench-data: install
	$(PY) bench/generate.py --scale $(SCALE) --seed $(SEED) --if-missing \
	  $${BENCH_DATABASE_URL:+--database-url $$BENCH_DATABASE_URL}

clean:
	rm -rf $(VENV) var/hoeksteen.sqlite3*
