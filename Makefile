# The two commands a new user runs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup messages demo serve test lint format browser bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,postgres]'
	touch $(STAMP)

# Compiled translations are built from the committed .po files, not committed.
messages: $(STAMP)
	$(BIN)/pybabel compile --directory locale --domain django --statistics 2>&1 | grep -v '^compiling'

setup: $(STAMP) messages

demo: setup
	$(BIN)/luodi migrate --noinput
	$(BIN)/luodi load_demo
	$(BIN)/luodi collectstatic --noinput --verbosity 0
	@echo "luodi is serving on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -

serve: setup
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Debian packages the tests need: Chromium for the browser tests (Playwright
# cannot download a browser here), gettext to check the translation catalogue.
browser:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v xgettext >/dev/null 2>&1 || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "Installing Debian packages for the tests:$$missing"; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# SQLite always; PostgreSQL as well when LUODI_TEST_DATABASE_URL names one.
test: setup lint browser
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL= $(BIN)/luodi makemigrations --check --dry-run
	DATABASE_URL= $(BIN)/pytest
	@if [ -n "$$LUODI_TEST_DATABASE_URL" ]; then \
		echo "== the same suite on $$LUODI_TEST_DATABASE_URL"; \
		DATABASE_URL="$$LUODI_TEST_DATABASE_URL" $(BIN)/pytest; \
	fi

clean:
	rm -rf $(VENV) var

bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/rollup.py
