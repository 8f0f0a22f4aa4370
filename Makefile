# maqa: `make demo` and `make test` are the two commands a newcomer needs (README, Quick start).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.maqa-installed
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for test-unit and test-browser: auto is one per CPU core; 0 runs serially.
WORKERS ?= auto

.PHONY: docs help install system-deps static demo reset-demo serve test test-unit test-browser lint typecheck format bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install: system-deps $(STAMP) static ## install everything (idempotent; quick when nothing changed)

system-deps:
	@scripts/install-system-deps

$(STAMP): pyproject.toml uv.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --extra dev --inexact --quiet
	@touch $(STAMP)

static: ## build the GOV.UK Frontend assets into static/build
	@scripts/build-static

demo: install ## start the app with demo data on SQLite at http://127.0.0.1:8000
	@DEBUG=true $(BIN)/maqa check-database -v0
	DEBUG=true $(BIN)/maqa migrate --no-input -v0
	DEBUG=true $(BIN)/maqa demo
	@echo "maqa is starting at http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DEBUG=true $(BIN)/maqa runserver $(HOST):$(PORT)

reset-demo: install ## delete the demo database, its identifier keys and evidence under var/, then run make demo
	rm -rf var/maqa.sqlite3 var/maqa.sqlite3-wal var/maqa.sqlite3-shm var/keys var/evidence var/media
	$(MAKE) demo

test: install lint typecheck test-unit test-browser ## the whole suite, lint and type checks

test-unit: install ## every test except the browser ones, in parallel (WORKERS=auto)
	$(BIN)/pytest -m "not browser" -q -n $(WORKERS)

test-browser: install ## browser tests (Playwright driving Debian's chromium), in parallel
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -m browser -q -n $(WORKERS)

lint: install ## ruff lint and format check; the layers of the apps (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: install ## mypy with django-stubs
	$(BIN)/mypy .

format: install ## apply ruff's formatting and fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install ## run the benchmarks in bench/ (they print figures; not timed tests)
	$(BIN)/python bench/audit_chain.py

clean: ## remove what install built (not var/, which holds your data and dev secrets)
	rm -rf $(VENV) node_modules static/build

docs: install ## regenerate docs/commands.md from the commands' own help
	$(BIN)/python -c "import os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings_test'); from maqa.core.help import commands_markdown; open('docs/commands.md','w').write(commands_markdown())"
