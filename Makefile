# Golden Thread — every task starts here. `make run` and `make test` set everything up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# Django 6 needs Python >= 3.12; the machine's default python3 may be older, and pyenv
# shims fail unless a version is selected, so try each candidate by running it.
PYTHON_FOR_VENV := $(shell \
  for c in python3.14 python3.13 python3.12 \
           $$(ls -d $$(pyenv root 2>/dev/null || echo $$HOME/.pyenv)/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV) \
           python3; do \
    if $$c -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then \
      command -v $$c 2>/dev/null || echo $$c; break; fi; \
  done)

HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help venv install run demo test lint fmt bench clean-db

help:
	@echo "make run    set up and serve the demo council on http://$(HOST):$(PORT)"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   ruff check and format check;  make fmt  format the code"
	@echo "make demo   (re)load the demo council into an empty database"
	@echo "make bench  measure page speed and query counts against the demo council"

$(PY):
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
	  echo "Golden Thread needs Python 3.12 or newer, and none was found."; \
	  echo "Install one (e.g. 'pyenv install 3.13') and run make again."; exit 1; fi
	@echo "Creating .venv with $(PYTHON_FOR_VENV)"
	$(PYTHON_FOR_VENV) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py serve_demo --host $(HOST) --port $(PORT)

demo: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo --if-empty

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The scale bench runs on PostgreSQL too when one answers here (docs/performance.md).
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432/golden_thread_bench

bench: $(STAMP)
	$(PY) -m pytest bench -o python_files="bench_*.py" -q -s $(PYTEST_ARGS)
	@if [ -z "$$DATABASE_URL" ] && $(PY) -c "import psycopg; psycopg.connect('$(BENCH_POSTGRES)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3)" 2>/dev/null; then \
		DATABASE_URL=$(BENCH_POSTGRES) $(PY) -m pytest bench/bench_scale.py -o python_files="bench_*.py" -q -s $(PYTEST_ARGS); \
	else echo "No PostgreSQL at $(BENCH_POSTGRES) (or DATABASE_URL set): the scale bench ran on one database."; fi

clean-db:
	rm -f var/golden-thread.sqlite3 var/golden-thread.sqlite3-wal var/golden-thread.sqlite3-shm
