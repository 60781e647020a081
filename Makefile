# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The FHIR engine the export tests import into (Medplum, npm, pinned by package-lock.json).
FHIR_ENGINE := tests/fhir_engine
FHIR_ENGINE_STAMP := $(FHIR_ENGINE)/node_modules/.package-lock.json

.PHONY: demo test lint typecheck pytest bench fuzz services clean

$(STAMP): pyproject.toml requirements.lock
	scripts/ensure-swtpm
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev,tpm]'
	touch $(STAMP)

$(FHIR_ENGINE_STAMP): $(FHIR_ENGINE)/package.json $(FHIR_ENGINE)/package-lock.json
	scripts/ensure-node
	cd $(FHIR_ENGINE) && npm ci --prefer-offline --no-audit --no-fund --loglevel=error
	touch $(FHIR_ENGINE_STAMP)

services: $(STAMP) $(FHIR_ENGINE_STAMP)
	scripts/ensure-services
	scripts/ensure-chromium
	scripts/ensure-espeak

lint: $(STAMP)
	$(BIN)/ruff check kiosk sync tests bench
	$(BIN)/ruff format --check kiosk sync tests bench
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) services
	$(BIN)/pytest -n auto --dist loadgroup

test: lint typecheck pytest

bench: $(STAMP) services
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -m fuzz -p no:timeout -n auto

demo: $(STAMP)
	scripts/ensure-espeak || echo "warning: no espeak-ng: the demo kiosk will not offer read aloud" >&2
	$(BIN)/python -m kiosk.cli.demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache demo-data $(FHIR_ENGINE)/node_modules
