# Everything sets itself up from python3 and make alone.
# The interpreter the venv is made from: the first of these that is 3.11 or newer and can make a
# venv. The system's comes first: Debian's CPython is built with PGO and LTO and linked statically,
# a default pyenv build (this machine's python3 on PATH) with neither, and every command runs
# 5-15 % faster on the first (docs/performance.md, "The interpreter"). Another: make PYTHON=...
PYTHON ?= $(shell for p in /usr/bin/python3 python3; do $$p -c 'import sys, ensurepip, venv; \
	sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { echo $$p; exit; }; done; echo python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
AS_OF  := 2026-11-27

.PHONY: install demo test lint bench fuzz clean messages

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
	$(BIN)/ruff check salescrm tests tools fuzz bench
	$(BIN)/ruff format --check salescrm tests tools fuzz bench
	$(BIN)/mypy

# The message catalogues (salescrm/i18n.py): the template of every literal message in the code,
# then each language's .po compiled to the .mo that is shipped beside it.
messages: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel extract -F babel.cfg -k t:2c,3 -k N_:1c,2 -k Msg:1 --no-location --sort-output \
		-o build/salescrm.pot salescrm
	$(BIN)/pybabel compile -d salescrm/locale -D salescrm --statistics

# Builds the 10k data set once (bench/out/, git-ignored) and compares with taskwarrior.
bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

FUZZ_SECONDS ?= 60
fuzz: $(STAMP)  ## not in CI: runs each fuzz target (YAML loader, query parser, XLSX importer) for FUZZ_SECONDS
	$(BIN)/pip install --quiet atheris
	mkdir -p .fuzz/loader
	$(BIN)/python fuzz/fuzz_loader.py .fuzz/loader fuzz/corpus/loader -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048
	mkdir -p .fuzz/query
	$(BIN)/python fuzz/fuzz_query.py .fuzz/query fuzz/corpus/query -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048
	mkdir -p .fuzz/xlsx
	$(BIN)/python fuzz/fuzz_xlsx.py .fuzz/xlsx fuzz/corpus/xlsx -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048
