# `make demo` and `make test` work on a fresh machine: they create the venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint format fixtures clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

demo: setup
	$(BIN)/bulletin extract fixtures/bulletins -o out/demo --force --format xlsx
	$(BIN)/bulletin report out/demo -o out/demo/report.html --force
	$(BIN)/bulletin compare out/demo --metric received --period-kind each -o out/demo/received.csv --chart out/demo/received.png --force

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -q

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rebuild the DOCX/PDF/HTML fixtures (needs LibreOffice and CJK fonts: installs them with apt when root).
fixtures: setup
	bash fixtures/install-tools.sh
	$(BIN)/python fixtures/build.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
