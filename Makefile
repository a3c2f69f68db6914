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
# Jupyter Book's command line, minus a slow import it does not need (tools/run_jupyter_book.py).
JB     := $(PY) tools/run_jupyter_book.py
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
XDIST  := -n 2 --dist loadscope

.PHONY: help venv cache-guard book book-en book-zh locales test test-code test-notebooks lint unit nbval colab-kernel book-from-outputs book-en-from-outputs notebooks bench clean

help:
	@echo "make book       build the HTML book into $(BUILD)/html, 中文版 into $(BUILD)/html/zh (creates $(VENV) if needed)"
	@echo "make test       run every test (unit, nbval, build, built-HTML and browser checks)"
	@echo "make locales    extract the book's messages into the Chinese edition's catalogues (locales/)"
	@echo "make notebooks  re-execute every notebook in place to refresh committed outputs"
	@echo "make bench      run the benchmarks and rewrite benchmarks/results/results.json"
	@echo "                (BENCH_ARGS=--build-times also times make book and make test)"
	@echo "make pdf        build the whole book as one PDF into $(BUILD)/pdf/book.pdf (needs TeX; README \"PDF\")"
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

# Both editions: English into $(BUILD)/html, then the Chinese edition (中文版) into $(BUILD)/html/zh.
# The Chinese build reads the same notebooks through the catalogues in locales/ and takes every
# output from the execution cache the English build has just filled: it executes nothing.
# Jupyter Book executes notebooks one after another; tools/execute_notebooks.py first fills the
# execution cache two at a time, so that both builds (run side by side) only read from it.
book: cache-guard
	$(MAKE) --no-print-directory $(FILLED)
	$(MAKE) --no-print-directory -j2 book-en book-zh
	@echo; echo "Open the book: file://$(CURDIR)/$(BUILD)/html/index.html (中文版: $(BUILD)/html/zh/index.html)"

# The cache is filled once per change of a notebook (cache-guard empties it when bpkit changes).
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))
FILLED := $(BUILD)/.jupyter_cache/.filled
$(FILLED): $(NOTEBOOKS)
	$(PY) tools/execute_notebooks.py --cache $(BUILD)/.jupyter_cache book
	touch $@

book-en: cache-guard
	$(JB) build . -W -n --keep-going

# ZH_EXECUTE=off builds from the notebooks' committed outputs instead of the cache (make test).
ZH_EXECUTE ?= cache
book-zh: $(STAMP)
	$(PY) tools/book_config.py --edition zh --execute $(ZH_EXECUTE) $(BUILD)/config-zh.yml
	$(JB) build . --config $(BUILD)/config-zh.yml --path-output $(BUILD)/zh -W -n --keep-going
	rm -rf $(BUILD)/html/zh && mkdir -p $(BUILD)/html && cp -a $(BUILD)/zh/_build/html $(BUILD)/html/zh

# The Chinese edition's catalogues: extract the messages of the English sources again and merge
# them into locales/zh_CN/LC_MESSAGES/book/*.po (a changed message is marked fuzzy, a new one empty,
# for a translator; tools/i18n.py todo/fill/check).
locales: $(STAMP)
	$(PY) tools/i18n.py update

# Lint and type-check (configured in pyproject.toml): 0 findings, or the test run stops here.
lint: $(STAMP)
	$(VENV)/bin/ruff check bpkit tests tools benchmarks conftest.py
	$(VENV)/bin/mypy

# Unit tests, property tests and every docstring example in bpkit (doctests). -rs prints the
# reason of every skipped test, e.g. the PyTorch-parity tests when torch is not installed.
UNIT := -q -rs -m "not built_book and not browser and not colab" --doctest-modules $(XDIST) tests bpkit

unit: $(STAMP)
	$(PY) -m pytest $(UNIT)

nbval: $(STAMP)
	$(PY) -m pytest -q $(NBVAL) $(XDIST) book

# Colab has no myst-nb, no Jupyter Book and none of our test tools: a chapter must run with bpkit's
# own dependencies and a kernel, nothing else. This builds exactly that, fresh on every run: a new
# virtual environment with `pip install .` (not editable: the installed package, as on Colab) and
# ipykernel, versions held to requirements.txt's pins (-c: a constraint installs nothing by itself,
# it only fixes the version of what `.` and ipykernel pull in), and a kernel named bpkit-colab.
COLAB_VENV := $(BUILD)/colab-venv
COLAB_KERNEL := --nbval-kernel-name bpkit-colab --nbval-sanitize-with tests/nbval_sanitize.cfg
colab-kernel: $(STAMP)
	rm -rf $(COLAB_VENV) && mkdir -p $(BUILD)
	grep -v '^-e ' requirements.txt > $(BUILD)/constraints.txt
	$(PY) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet -c $(BUILD)/constraints.txt . ipykernel
	rm -rf build
	$(COLAB_VENV)/bin/python -m ipykernel install --prefix $(COLAB_VENV) --name bpkit-colab --display-name "bpkit (Colab-like)" >/dev/null

# The test run builds the book from the notebooks' committed outputs, which strict nbval has just
# compared with a fresh execution of every cell; executing them a third time would prove nothing.
# (`make book` executes them, through the cache.) Jupyter Book 1 takes no -D, so the build reads
# a generated copy of _config.yml with execution off and absolute extension paths.
book-from-outputs: $(STAMP)
	$(MAKE) --no-print-directory -j2 book-en-from-outputs book-zh ZH_EXECUTE=off

book-en-from-outputs: $(STAMP)
	$(PY) tools/book_config.py --execute off $(BUILD)/config-from-outputs.yml
	$(JB) build . --config $(BUILD)/config-from-outputs.yml -W -n --keep-going

# Stages that do not depend on each other run side by side, to use both cores through the waits
# (pip downloading the Colab kernel's packages, a test worker finishing a long notebook alone).
test: $(STAMP)
	$(MAKE) --no-print-directory -j2 test-code colab-kernel
	JUPYTER_PATH=$(CURDIR)/$(COLAB_VENV)/share/jupyter $(PY) -m pytest -q -rs -m colab tests
	$(MAKE) --no-print-directory -j2 test-notebooks book-from-outputs
	@# Two workers, each with its own server and browser: the pages are checked one test per page.
	$(PY) -m pytest -q -rs -m "built_book or browser" -n 2 --dist load tests

# Lint, then the unit tests and doctests.
test-code: lint
	$(PY) -m pytest $(UNIT)

# Strict nbval on every notebook in the Colab-like kernel, then chapter 11 again in the full
# environment, where its PyTorch cell runs (and asserts) too. Needs `make colab-kernel` first.
test-notebooks: $(STAMP)
	JUPYTER_PATH=$(CURDIR)/$(COLAB_VENV)/share/jupyter $(PY) -m pytest -q --nbval $(COLAB_KERNEL) $(XDIST) book
	$(PY) -m pytest -q $(NBVAL) book/11_frameworks.ipynb

# The whole book as one PDF, $(BUILD)/pdf/book.pdf (tools/pdf/build.py: XeLaTeX from the notebooks'
# committed outputs, nothing is executed). Needs the TeX packages listed in README.md, section "PDF".
.PHONY: pdf
pdf: $(STAMP)
	$(PY) tools/pdf/build.py
	@echo "Open the PDF: $(CURDIR)/$(BUILD)/pdf/book.pdf"

notebooks: $(STAMP)
	$(PY) tools/execute_notebooks.py book

bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(BUILD)
