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
# The SDK's dependency floors, read from the one place they are written (the SDK pyproject's template, through
# out/mistral/pyproject.toml): `httpx>=0.24` becomes `httpx==0.24`. tests/test_floors.py runs the model-semantics
# tests and e2e calls on exactly these, in a venv of their own. New floors get a new stamp, so a reinstall.
SDK_FLOORS := $(shell sed -n 's/^ *"\(httpx\|pydantic\|typing-extensions\)>=\([0-9.]*\)",*$$/\1==\2/p' out/mistral/pyproject.toml)
SDK_FLOORS_DIR := .tools/sdk-floors
empty :=
SDK_FLOORS_STAMP := $(SDK_FLOORS_DIR)/.installed-$(subst $(empty) $(empty),_,$(SDK_FLOORS))

.PHONY: build test golden check prism black-low sdk-floors

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

# gen itself (for the golden builds the model-semantics tests make) and pytest, with the SDK's floors pinned.
$(SDK_FLOORS_STAMP): out/mistral/pyproject.toml
	rm -rf $(SDK_FLOORS_DIR)
	$(PYTHON) -m venv $(SDK_FLOORS_DIR)
	$(SDK_FLOORS_DIR)/bin/python -m pip install --quiet -e . pytest $(SDK_FLOORS)
	touch $@

sdk-floors: $(SDK_FLOORS_STAMP)  ## install the oldest httpx, pydantic, typing-extensions the SDKs accept under .tools/

test: $(VENV)/.installed $(PRISM_STAMP) $(BLACK_LOW_DIR)/.installed $(SDK_FLOORS_STAMP)  ## install, then run the whole test suite
	GEN_REQUIRE_PRISM=1 GEN_BLACK_LOW=$(BLACK_LOW_DIR)/bin/python GEN_SDK_FLOORS=$(SDK_FLOORS_DIR)/bin/python $(PY) -m pytest

golden: $(VENV)/.installed  ## rewrite out/ and tests/golden/*/expected/ from the generator (never by hand)
	$(VENV)/bin/gen build specs/
	$(PY) tests/regen_golden.py
