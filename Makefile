# Everything sets itself up from python3 and make alone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AS_OF  := 2026-11-27

.PHONY: install demo test lint bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@$(BIN)/python tools/demo.py --as-of $(AS_OF)

test: $(STAMP)
	$(BIN)/pytest -n 2

lint: $(STAMP)
	$(BIN)/ruff check salescrm tests tools bench
	$(BIN)/ruff format --check salescrm tests tools bench
	$(BIN)/mypy

# Builds the 10k data set once (bench/out/, git-ignored) and compares with taskwarrior.
bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
