# Quick start: `make demo` then `make test`. Everything runs from .venv (Python >= 3.11).
# Each target installs only what it needs; a stamp file per set of extras.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet

.PHONY: demo test lint typecheck pytest bench services clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: $(PYTHON) not found (newscrawl needs Python >= 3.11; set PYTHON=...)" >&2; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the package alone: what `make demo` (and any user) needs
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(PIP) -e .
	@touch $@

# the test suite: pytest, hypothesis, mypy, ruff, stubs, pyarrow (merge --parquet tests)
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[test,parquet]'
	@touch $@

# the benchmarks' peers and tools (trafilatura, newspaper4k, datasketch, atheris, py-spy)
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[bench]'
	@touch $@

# everything at once (a development checkout)
$(VENV)/.installed: $(VENV)/.installed-test $(VENV)/.installed-bench
	@touch $@

demo: $(VENV)/.installed-base
	$(BIN)/newscrawl demo

# Redis (Debian's redis-server) backs the distributed-mode tests; install it when missing.
services:
	@command -v redis-server >/dev/null 2>&1 || { \
	  (apt-get update -qq && apt-get install -y -qq redis-server >/dev/null) \
	  || echo "make: could not install redis-server; Redis tests fail under CI=true" >&2; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check newscrawl tests bench
	$(BIN)/ruff format --check newscrawl tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy --strict newscrawl

# the layer rules (tests/test_layers.py) run with the rest of the suite
pytest: $(VENV)/.installed-test services
	$(BIN)/python -m pytest -q --durations=20

test: lint typecheck pytest

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/quality.py
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/crawl.py

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache
