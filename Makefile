# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint typecheck pytest bench fuzz services clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

services: $(STAMP)
	scripts/ensure-services
	scripts/ensure-chromium

lint: $(STAMP)
	$(BIN)/ruff check kiosk sync tests bench
	$(BIN)/ruff format --check kiosk sync tests bench

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
	$(BIN)/python -m kiosk.demo

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache demo-data
