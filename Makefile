# One obvious command per job. Each creates (or reuses) the virtual environment in .venv first.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python

.PHONY: build test golden check

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

build: $(VENV)/.installed  ## install, then generate out/ from specs/
	$(VENV)/bin/gen build specs/

test: $(VENV)/.installed  ## install, then run the whole test suite
	$(PY) -m pytest

golden: $(VENV)/.installed  ## rewrite out/ and tests/golden/*/expected/ from the generator (never by hand)
	$(VENV)/bin/gen build specs/
	$(PY) tests/regen_golden.py
