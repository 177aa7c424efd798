# The two commands of the README:
#   make serve   installs everything and serves Planstatus with Hallingdal's data
#   make test    installs the test tools and runs the whole suite (SQLite and PostgreSQL)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test install install-dev lint format messages clean

serve: install
	$(BIN)/planstatus serve --host $(HOST) --port $(PORT)

test: install-dev
	bin/test

install: $(VENV)/.installed node_modules/.installed messages

install-dev: install $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Stamp files make the second `make serve` start at once; a changed lock file reinstalls.
$(VENV)/.installed: $(VENV)/bin/python requirements/build.txt requirements/base.txt pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r requirements/build.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements/dev.txt
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Compiled catalogues are build output, not source.
messages: $(VENV)/.installed
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	cd planstatus && ../$(BIN)/django-admin compilemessages --ignore=.venv -v 0

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy planstatus tests bench
	$(BIN)/lint-imports

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Refresh the lock files after editing the dependencies in pyproject.toml.
lock: $(VENV)/.installed-dev
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --generate-hashes --allow-unsafe -o requirements/build.txt requirements/build.in
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --generate-hashes --strip-extras --allow-unsafe -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --generate-hashes --strip-extras --allow-unsafe --extra dev -o requirements/dev.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules
