# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench requirements schema install install-dev worker beat stack graphiql browser

# The graphql-http audit suite the tests run against a live server (pinned by its lockfile).
AUDIT_DIR := scripts/graphql-http-audit
$(AUDIT_DIR)/node_modules/.package-lock.json: $(AUDIT_DIR)/package-lock.json
	cd $(AUDIT_DIR) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

$(VENV)/.base-installed: requirements/base.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/.base-installed requirements/dev.txt
	$(BIN)/pip install --quiet -r requirements/base.txt -r requirements/dev.txt
	touch $@

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

## make run: SQLite, in-process cache, eager tasks and the local Stripe stand-in; no services needed.
## Without STRIPE_SECRET_KEY, localstripe runs on 127.0.0.1:8420 beside the server and stops with it.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@if [ -z "$$STRIPE_SECRET_KEY" ]; then \
	  $(BIN)/python manage.py localstripe --port 8420 \
	    --webhook-url http://$(HOST):$(PORT)/webhooks/stripe/ & stripe_pid=$$!; \
	  trap 'kill $$stripe_pid 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --no-proxy-headers; \
	else \
	  $(BIN)/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --no-proxy-headers; \
	fi

## make stack: the production shape on this machine, no containers: gunicorn with two uvicorn
## workers, a Celery worker, beat and localstripe on the local PostgreSQL, Redis and RabbitMQ
## (deploy/stack.env; its own database and ports). Ctrl-C stops them all; logs in var/stack/.
stack: install
	$(BIN)/python scripts/stack.py

## make test: ruff, the import contracts, the Dockerfile lint, then the whole suite against
## PostgreSQL and Redis (override by environment).
test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/food_delivery
test: export REDIS_URL ?= redis://127.0.0.1:6379/0
test: install-dev browser $(AUDIT_DIR)/node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/hadolint Dockerfile
	DB_POOL_MAX_SIZE=0 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

## The consoles' browser tests drive Debian's chromium through chromium-driver: installed with
## apt-get when missing (as root, or with passwordless sudo); a second run only checks they are
## there. When they cannot be installed the browser tests are skipped, and this says why.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; \
	  else echo "make test: chromium is missing and cannot be installed here (not root, no passwordless sudo): the browser tests will be skipped"; exit 0; fi; \
	  if ! command -v apt-get >/dev/null 2>&1; then echo "make test: chromium is missing and there is no apt-get: the browser tests will be skipped"; exit 0; fi; \
	  echo "make test: installing chromium and chromium-driver with apt-get"; \
	  $$sudo apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
	  { $$sudo apt-get update -q >/dev/null 2>&1 && $$sudo apt-get install -y -q chromium chromium-driver >/dev/null 2>&1; } || \
	  echo "make test: apt-get could not install chromium and chromium-driver: the browser tests will be skipped"; }

## make bench: the real workload on the production shape (gunicorn with 2 uvicorn workers, a
## Celery worker on RabbitMQ, beat, localstripe) against its own freshly seeded database, with
## the floor views beside it; tables on stdout and in var/bench/ (docs/performance.md). About
## 12 minutes; QUICK=1 stops at 10,000 restaurants with short loads (about 3). BENCH_* variables
## move its database, Redis, broker and ports (bench/stack.py).
bench: install-dev
	$(BIN)/python -m bench $(if $(QUICK),--quick)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## make requirements: re-pin requirements/*.txt from the short .in files (an upgrade is this step).
requirements: install-dev
	cd requirements && ../$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --upgrade base.in -o base.txt
	cd requirements && ../$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --upgrade dev.in -o dev.txt

## make graphiql: rebuild GraphiQL's browser files (graphql_api/static/graphiql/vendor) from the
## npm packages pinned in assets/graphiql/package-lock.json. The result is committed, so make run
## needs no npm; run this only to upgrade GraphiQL.
graphiql:
	cd assets/graphiql && npm ci --no-audit --no-fund --ignore-scripts && node build.mjs

## make schema: write schema.graphql from the code (a test fails when it is stale).
schema: install
	$(BIN)/python manage.py export_schema
