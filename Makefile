# The two commands of the README: `make run` and `make test`. Everything installs through uv.
SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
PY := $(UV) run --frozen python
HOST ?= 127.0.0.1
PORT ?= 8000
# The local commands run with DEBUG on unless told otherwise: with DEBUG off the settings are
# the production ones and refuse to start without a real DJANGO_SECRET_KEY.
DEV := DJANGO_DEBUG=$${DJANGO_DEBUG:-1}

.PHONY: run install uv migrate demo test test-fast e2e bench bench-data load lint format worker beat messages plurals clean

uv:
	@command -v $(UV) >/dev/null 2>&1 || python3 -m pip install --quiet --user uv

install: uv
	$(UV) sync --frozen
	@mkdir -p var

migrate: install
	$(DEV) $(PY) manage.py migrate --noinput

demo: migrate
	$(DEV) $(PY) manage.py load_demo

# The site and, beside it, a Celery worker with beat on a filesystem broker (var/broker): PDFs
# and e-mails are built in the background as in production; both stop together.
run: demo
	@mkdir -p var/broker
	@export HOST=$(HOST) PORT=$(PORT) DJANGO_DEBUG=$${DJANGO_DEBUG:-1} CELERY_BROKER_URL=$${CELERY_BROKER_URL:-filesystem://}; \
	$(UV) run --frozen celery -A msu_portal worker -B -P solo -l warning \
	  -s var/celerybeat-schedule & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# pytest-xdist: one test process per core (the real-worker tests share one Redis queue and
# stay together on one process, see tests/worker/conftest.py). TEST_WORKERS=0 runs serially.
TEST_WORKERS ?= auto

test: install
	$(UV) run --frozen pytest -n $(TEST_WORKERS) --dist loadgroup

test-fast: install
	$(UV) run --frozen pytest -m "not e2e"

e2e: install
	$(UV) run --frozen pytest -m e2e

# The large-faculty data set (1 k, 10 k and 100 k dossiers) lives in a database of its own.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/msu_bench

# The benchmarks measure PostgreSQL, as production runs (on SQLite the report benchmark was
# skipped, and went red unseen); pytest-django makes its own test database beside the data set.
bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(UV) run --frozen pytest tests/bench -s -p no:cacheprovider -o addopts="" --ignore=tests/bench/scale
	DATABASE_URL=$(BENCH_DATABASE_URL) $(UV) run --frozen pytest tests/bench/scale -s -p no:cacheprovider -o addopts=""

bench-data: install
	$(DEV) DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m tests.bench.dataset

load: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) PATH="$(dir $(UV)):$$PATH" tests/load/run.sh

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen bandit -c pyproject.toml -r . --severity-level medium -q
	@# The production settings (DEBUG off, a random key): no deployment warning may be left.
	DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=msu.example.org \
	  DJANGO_SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") \
	  $(PY) manage.py check --deploy --fail-level WARNING

format: install
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

worker: install
	$(DEV) $(UV) run --frozen celery -A msu_portal worker -l info

beat: install
	$(DEV) $(UV) run --frozen celery -A msu_portal beat -l info

# The portal is French only (msgids are French). To start another language's catalogue:
# make messages LOCALE=xx — and add it to LANGUAGES once complete.
messages: install
	@test -n "$(LOCALE)" || { echo "usage: make messages LOCALE=xx"; exit 2; }
	$(DEV) $(PY) manage.py makemessages -l $(LOCALE) --ignore=.venv
	$(DEV) $(PY) manage.py compilemessages --ignore=.venv

# The French plural forms (« 0 jour », not « 0 jours »): after adding a plural message.
plurals: install
	$(PY) -m msu_portal.french_plurals

clean:
	rm -rf var .pytest_cache
