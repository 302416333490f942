# One obvious command per job. Each creates (or reuses) the virtual environment in .venv first.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
# The Prism mock server (npm) that tests/e2e/test_prism.py validates the SDK's requests with,
# installed in the project, not globally. A new PRISM_VERSION gets a new stamp, so a reinstall.
PRISM_VERSION ?= 5.16.x
PRISM_DIR := .tools/prism
PRISM_STAMP := $(PRISM_DIR)/.installed-$(PRISM_VERSION)
# The oldest black gen supports (pyproject: black>=25.1): tests/test_formatters.py proves it formats gen's output as
# the pinned newest does. In a venv of its own, beside the project's.
BLACK_LOW ?= 25.1.0
BLACK_LOW_DIR := .tools/black-$(BLACK_LOW)

.PHONY: build test golden check prism black-low

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

$(BLACK_LOW_DIR)/.installed:
	$(PYTHON) -m venv $(BLACK_LOW_DIR)
	$(BLACK_LOW_DIR)/bin/python -m pip install --quiet black==$(BLACK_LOW)
	touch $@

black-low: $(BLACK_LOW_DIR)/.installed  ## install the oldest supported black under .tools/

test: $(VENV)/.installed $(PRISM_STAMP) $(BLACK_LOW_DIR)/.installed  ## install, then run the whole test suite
	GEN_REQUIRE_PRISM=1 GEN_BLACK_LOW=$(BLACK_LOW_DIR)/bin/python $(PY) -m pytest

golden: $(VENV)/.installed  ## rewrite out/ and tests/golden/*/expected/ from the generator (never by hand)
	$(VENV)/bin/gen build specs/
	$(PY) tests/regen_golden.py
