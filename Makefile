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

.PHONY: run test lint typecheck unit e2e messages makemessages install install-dev chromium clean bench bench-data

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

test: lint typecheck unit e2e

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
