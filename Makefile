# Key Cities Tracker: `make run` starts everything on this machine, `make test` runs the suite.
# Both install what they need from nothing and reuse it the next time.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# Test processes (pytest-xdist): "auto" is one per core; each has its own database and Redis database.
PYTEST_WORKERS ?= auto
HOST ?= 127.0.0.1
PORT ?= 5000
# Without TRACKER_ENV the app runs as production and refuses the development secret key.
export TRACKER_ENV ?= development

.PHONY: run test lint assets install install-dev migrate seed clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Stamp files: reinstall only when the pinned lists change.
$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

tracker/static/dist/app.css: node_modules/.installed scripts/build-assets.mjs tracker/static/src/app.scss
	npm run --silent build

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
assets: tracker/static/dist/app.css

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed --demo

run: install assets seed
	@echo
	@echo "Key Cities Tracker: http://$(HOST):$(PORT)/  (sign in with a demo login above; Ctrl-C stops it)"
	@echo "Starting web, one Celery worker and beat (embedded Redis unless REDIS_URL is set);"
	@echo "reminder emails are written to instance/mail/*.eml unless MAIL_BACKEND=smtp."
	@echo "Health of web, Redis, worker and beat: http://$(HOST):$(PORT)/healthz"
	@echo
	$(BIN)/python -m tracker.devserver --host $(HOST) --port $(PORT)

test: install-dev assets
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install-dev
	@for script in pages sweep intake memory; do echo "== benchmarks/$$script.py"; $(BIN)/python benchmarks/$$script.py || exit 1; done

clean:
	rm -rf $(VENV) node_modules tracker/static/dist
