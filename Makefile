# Two commands do everything (see README.md):
#   make book   set up .venv, execute every notebook, build the HTML book into _build/html
#   make test   set up .venv, then run every test: bpkit unit tests, strict nbval on every
#               notebook, the book build, checks of the built HTML and a headless-browser test
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# One BLAS thread per process: the tests run two processes on two cores, and BLAS thread pools
# that outnumber the cores slow small matrix products down by an order of magnitude or more.
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
export MKL_NUM_THREADS := 1
# OpenBLAS picks its matrix kernels by CPU model, and different kernels round differently; the
# notebooks' committed outputs (compared by strict nbval) come from the Haswell kernels, which
# every x86-64 CPU since 2013 runs. Pin them so that the outputs are the same on every such machine.
ifeq ($(shell uname -m),x86_64)
export OPENBLAS_CORETYPE := Haswell
endif

# Notebook kernels must draw with Jupyter's inline backend; a caller's MPLBACKEND=Agg (common on
# headless machines) would make every figure cell's output differ from the committed one.
unexport MPLBACKEND

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
BUILD  := _build
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
XDIST  := -n 2 --dist loadscope

.PHONY: help venv cache-guard book test lint unit nbval notebooks bench clean

help:
	@echo "make book       build the HTML book into $(BUILD)/html (creates $(VENV) if needed)"
	@echo "make test       run every test (unit, nbval, build, built-HTML and browser checks)"
	@echo "make notebooks  re-execute every notebook in place to refresh committed outputs"
	@echo "make bench      run the benchmarks and rewrite benchmarks/results/results.json"
	@echo "                (BENCH_ARGS=--build-times also times make book and make test)"
	@echo "make clean      remove $(BUILD)"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

venv: $(STAMP)

# jupyter-cache keys a notebook on its code cells only, so a change in bpkit/ (or in the benchmark
# results the Performance appendix reads) would leave stale outputs in the book. Clear the
# execution cache whenever either changes.
cache-guard: $(STAMP)
	@mkdir -p $(BUILD)
	@new=$$(find bpkit benchmarks/results -type f \( -name '*.py' -o -name '*.gz' -o -name '*.json' \) | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-64); \
	old=$$(cat $(BUILD)/.bpkit-hash 2>/dev/null || true); \
	if [ "$$new" != "$$old" ]; then \
	  echo "bpkit or the benchmark results changed (or first build): clearing the notebook execution cache"; \
	  rm -rf $(BUILD)/.jupyter_cache; echo "$$new" > $(BUILD)/.bpkit-hash; \
	fi

book: cache-guard
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	@echo; echo "Open the book: file://$(CURDIR)/$(BUILD)/html/index.html"

# Lint and type-check (configured in pyproject.toml): 0 findings, or the test run stops here.
lint: $(STAMP)
	$(VENV)/bin/ruff check bpkit tests tools benchmarks conftest.py
	$(VENV)/bin/mypy

# Unit tests, property tests and every docstring example in bpkit (doctests). -rs prints the
# reason of every skipped test, e.g. the PyTorch-parity tests when torch is not installed.
UNIT := -q -rs -m "not built_book and not browser" --doctest-modules $(XDIST) tests bpkit

unit: $(STAMP)
	$(PY) -m pytest $(UNIT)

nbval: $(STAMP)
	$(PY) -m pytest -q $(NBVAL) $(XDIST) book

test: $(STAMP)
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest $(UNIT)
	$(PY) -m pytest -q $(NBVAL) $(XDIST) book
	$(MAKE) --no-print-directory book
	$(PY) -m pytest -q -rs -m "built_book or browser" tests

notebooks: $(STAMP)
	$(PY) tools/execute_notebooks.py book

bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(BUILD)
