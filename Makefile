# Quick start: `make demo` then `make test`. Everything runs from .venv (Python >= 3.11).
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench services clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (newscrawl needs Python >= 3.11; set PYTHON=...)" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench,parquet]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newscrawl demo

# Redis (Debian's redis-server) backs the distributed-mode tests; install it when missing.
services:
	@command -v redis-server >/dev/null 2>&1 || { \
	  (apt-get update -qq && apt-get install -y -qq redis-server >/dev/null) \
	  || echo "make: could not install redis-server; Redis tests fail under CI=true" >&2; }

lint: $(STAMP)
	$(BIN)/ruff check newscrawl tests bench
	$(BIN)/ruff format --check newscrawl tests bench

typecheck: $(STAMP)
	$(BIN)/mypy --strict newscrawl

pytest: $(STAMP) services
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/crawl.py

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache
