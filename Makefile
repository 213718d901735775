# The README's commands. `make run` needs nothing but Python 3.11+ and the
# WeasyPrint system libraries; `make test` also needs PostgreSQL and Redis.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench bench-scale mutation contract messages messages-check setup services clean

$(VENV)/.installed: requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

setup: $(VENV)/.installed

# Static files are collected (and compressed) once, again only when the
# dependencies or a file under an app's static/ folder change.
var/static/staticfiles.json: requirements-dev.lock $(shell find . -path ./var -prune -o -path ./.venv -prune -o -path ./mutants -prune -o -path "*/static/*" -type f -print) | setup
	$(PY) manage.py collectstatic --noinput --verbosity 0

## Embedded default: SQLite, jobs in-process, demo data, http://127.0.0.1:8000
run: export SECRET_KEY_FILE = $(CURDIR)/var/secret-key
# Links on certificates, in e-mails and webhooks point where this server runs.
run: export PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)
run: setup var/secret-key var/static/staticfiles.json
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py init_signing_key
	$(PY) manage.py seed_demo
	@echo "Apresiasi on http://$(HOST):$(PORT)/  (API docs: /api/docs/, admin: /admin/)"
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

# A random secret key for this installation, made once (the service refuses
# to start with the embedded default).
var/secret-key: | setup
	@mkdir -p var
	@$(PY) -c "import secrets; print(secrets.token_urlsafe(60))" > $@
	@chmod 600 $@

## The whole suite, on PostgreSQL and Redis (started if they are not running)
test: setup services
	$(VENV)/bin/pytest

services:
	@scripts/ensure-services

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run

# Lists, pages and jobs at 1,000,000 employees against 10,000 (about half an
# hour; needs 10 GB of free disk for the scratch database). Not part of `bench`.
bench-scale: setup services
	$(PY) bench/scale.py

bench: setup services
	$(PY) bench/import_employees.py
	$(PY) bench/assignment.py
	$(PY) bench/ranking.py
	$(PY) bench/listing.py
	$(PY) bench/certificates.py
	$(PY) bench/career_feed.py
	$(PY) bench/webhooks.py
	$(PY) bench/fairness.py
	$(PY) bench/schedule.py

## Refresh the Indonesian catalogue after changing user-facing strings
messages: setup
	$(PY) manage.py makemessages -l id --ignore=.venv --ignore=mutants --ignore=var --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages -l id --ignore=.venv --ignore=var --ignore=mutants

## Fail if a user-facing string lacks its Indonesian translation
messages-check: setup
	$(PY) manage.py makemessages -l id --ignore=.venv --ignore=mutants --ignore=var --ignore=tests --ignore=bench --verbosity 0
	$(PY) -c "import polib, sys; po = polib.pofile('locale/id/LC_MESSAGES/django.po'); \
	  missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]; \
	  print('untranslated:', missing) if missing else print('all', len(po), 'strings translated'); \
	  sys.exit(1 if missing else 0)"

clean:
	rm -rf $(VENV) var db.sqlite3

## The API contract checked by Schemathesis against a live server (scripts/schemathesis)
contract: setup services
	scripts/schemathesis

## Mutation testing of workflows, rules and services, then of core's lifecycle,
## jobs and events (scripts/mutation); long: its own test databases and Redis
## databases, so the suite can run beside it
mutation: setup services
	scripts/mutation
