# Skolmiljö: the two commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgresql://root@127.0.0.1:5432/test
DEMO_ENV := SKOLMILJO_MODE=demo

.PHONY: demo serve test test-server fuzz bench mobile lint format clean locale

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

# One stamp per set of extras, remade when pyproject.toml changes.
$(VENV)/.base: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -e .
	touch $@
$(VENV)/.mobile: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -e ".[mobile]"
	touch $@
$(VENV)/.test: pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -e ".[mobile,test]"
	touch $@ $(VENV)/.base $(VENV)/.mobile

## locale: compile the translations (.po -> .mo, with polib; the .mo files are not committed)
locale: $(VENV)/.base
	$(PY) -m server.core.locale

## demo: set up the embedded SQLite database with the Gothenburg demo and serve everything
demo: $(VENV)/.base locale
	$(DEMO_ENV) $(PY) manage.py migrate --no-input
	$(DEMO_ENV) $(PY) manage.py load_demo
	$(DEMO_ENV) $(PY) manage.py collectstatic --no-input --verbosity 0
	@$(MAKE) --no-print-directory serve

serve: $(VENV)/.base
	@echo ""
	@echo "Skolmiljö demo: http://$(HOST):$(PORT)/  (planners land on the dashboard map)"
	@echo "  Planners: http://$(HOST):$(PORT)/dashboard/  /ranking/  /plan/"
	@echo "  Admin:    http://$(HOST):$(PORT)/admin/"
	@echo "  API docs: http://$(HOST):$(PORT)/api/v1/docs"
	@echo "  Survey:   http://$(HOST):$(PORT)/s/ENKAT6  (the demo's open pupils' survey; campaigns at /enkater/)"
	@echo "  Sign-ins: admin / skolmiljo-admin, planner / skolmiljo-planner, inspector / skolmiljo-inspector"
	@echo "  (stop with Ctrl-C)"
	$(DEMO_ENV) $(PY) manage.py runserver --noreload $(HOST):$(PORT)

## test: the whole suite, on the database DATABASE_URL names (SQLite when unset)
test: $(VENV)/.test locale
	$(VENV)/bin/pytest

## test-server: everything but real-window and browser tests, e.g. against PostgreSQL
test-server: $(VENV)/.test locale
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(VENV)/bin/pytest -m "not window and not browser"

## fuzz: schemathesis against the API's OpenAPI document, as a planner and as a tablet, on
## SQLite; beside `make test`, not in it. Bounded: SKOLMILJO_FUZZ_EXAMPLES per operation
## (25) and SKOLMILJO_FUZZ_SECONDS in all (270).
fuzz: $(VENV)/.test locale
	env -u DATABASE_URL $(VENV)/bin/pytest tests/fuzz -m fuzz -q

## bench: benchmarks, each a ratio against a baseline measured in the same run;
## on SQLite, and again on PostgreSQL when one answers at PG_BENCH_URL's host
PG_BENCH_URL ?= postgresql://root@127.0.0.1:5432/skolmiljo_bench
bench: $(VENV)/.test
	$(PY) -m tests.bench
	@if pg_isready -h 127.0.0.1 -q 2>/dev/null; then \
	  createdb -h 127.0.0.1 -U root skolmiljo_bench 2>/dev/null || true; \
	  echo ""; echo "== The same on PostgreSQL =="; \
	  BENCH_DATABASE_URL=$(PG_BENCH_URL) $(PY) -m tests.bench; \
	fi

## mobile: the Kivy field app on the desktop (against the demo server by default)
mobile: $(VENV)/.mobile
	SKOLMILJO_SERVER=$${SKOLMILJO_SERVER:-http://$(HOST):$(PORT)} $(PY) -m mobile

lint: $(VENV)/.test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared
	$(VENV)/bin/lint-imports

format: $(VENV)/.test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf var test-output .pytest_cache .ruff_cache .mypy_cache
