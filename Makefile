# One obvious command per job. Each creates (or reuses) the virtual environment in .venv first.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
# The Prism mock server (npm) that tests/e2e/test_prism.py validates the SDK's requests with,
# installed in the project, not globally. A new PRISM_VERSION gets a new stamp, so a reinstall.
PRISM_VERSION ?= 5.16.x
PRISM_DIR := .tools/prism
PRISM_STAMP := $(PRISM_DIR)/.installed-$(PRISM_VERSION)

.PHONY: build test golden check prism

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

build: $(VENV)/.installed  ## install, then generate out/ from specs/
	$(VENV)/bin/gen build specs/

$(PRISM_STAMP):
	rm -f $(PRISM_DIR)/.installed-*
	SCARF_ANALYTICS=false npm install --no-audit --no-fund --prefix $(PRISM_DIR) @stoplight/prism-cli@$(PRISM_VERSION)
	touch $@

prism: $(PRISM_STAMP)  ## install the Prism mock server under .tools/prism (needs npm)

test: $(VENV)/.installed $(PRISM_STAMP)  ## install, then run the whole test suite
	GEN_REQUIRE_PRISM=1 $(PY) -m pytest

golden: $(VENV)/.installed  ## rewrite out/ and tests/golden/*/expected/ from the generator (never by hand)
	$(VENV)/bin/gen build specs/
	$(PY) tests/regen_golden.py
