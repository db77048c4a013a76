# Newsroom: `make run` serves the site, `make test` runs the whole suite.
# Both set everything up first: virtualenv, locked dependencies, database.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test lint types migrations-check format install migrate bench profile load faults editor clean import

$(VENV)/.installed: requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
		{ echo "Newsroom needs Python 3.12 or newer (found $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

install: $(VENV)/.installed

# The translations (each app's locale/), compiled with gettext's
# msgfmt (Debian's gettext, installed when missing and possible). Without it the
# site is served in English only.
MO := $(patsubst %.po,%.mo,$(wildcard */locale/*/LC_MESSAGES/*.po))
.PHONY: messages translations
messages: $(MO)
# After changing a text readers or editors see: the catalogs brought up to date
# (new strings untranslated, for a translator; tests/test_translations.py fails
# until Chinese has them all).
MAKEMESSAGES := DEBUG=1 $(BIN)/python manage.py makemessages --locale=zh_Hans --locale=ar \
	--no-location --no-wrap --ignore=staticfiles --ignore=tests --ignore=bench --ignore=docs
translations: install
	$(MAKEMESSAGES)
	$(MAKEMESSAGES) --domain=djangojs
%.mo: %.po
	@if command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext; } >/dev/null 2>&1; then \
		msgfmt --check -o $@ $<; \
	else echo "msgfmt not found (apt-get install gettext): $@ not compiled, English only."; fi

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

# The web server and, beside it, the task worker that sends mail. Ctrl-C stops both;
# if the web server stops on its own (port taken), the worker is stopped too. The
# worker does not reload on code changes: restart `make run` after editing tasks.
run: migrate messages
	@echo "Newsroom at http://127.0.0.1:$(PORT)/ with its mail worker (Ctrl-C stops both)"
	@DEBUG=1 $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	DEBUG=1 PORT=$(PORT) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install axe messages
	DEBUG=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core, which the browser tests run in Chromium (tests/e2e/accessibility.py),
# from npm as locked in tests/a11y. Without npm the accessibility checks are
# skipped like the browser tests, and fail where the browser is required (CI).
AXE := tests/a11y/node_modules/axe-core/axe.min.js
.PHONY: axe
axe: $(AXE)
$(AXE): tests/a11y/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix tests/a11y --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility checks will be skipped (apt-get install npm)."; fi

# The inner loop: the suite without the browser tests and those marked slow (they
# start processes, stop servers or wait on the clock). `make test` runs them all.
.PHONY: test-fast
test-fast: install messages
	DEBUG=1 $(BIN)/python -m pytest -m "not slow and not e2e" $(PYTEST_ARGS)

# ruff, then the size rule ruff can't count (tests/code_size.py): no app module
# over 600 lines, no app function over 60.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m tests.code_size

# mypy with django-stubs (settings in pyproject.toml). Its Django plugin loads the
# settings, which start the embedded PostgreSQL when DATABASE_URL is unset.
types: install
	DEBUG=1 $(BIN)/mypy

# Fails when a model changed without its migration, as in djangoproject.com's CI.
# Loading the settings starts the embedded PostgreSQL when DATABASE_URL is unset.
migrations-check: install
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

# The documentation site, from the Markdown in docs/ (docs/conf.py), into
# docs/_build/html. Warnings are errors: a link to a page or a heading that isn't
# there fails it, as in CI.
.PHONY: docs
docs: install
	$(BIN)/sphinx-build -W --keep-going -q -b html docs docs/_build/html
	@echo "The documentation: docs/_build/html/index.html"

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The benchmark and the load test need wrk (Debian's package) for the former.
bench: install
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python -m bench.run

# import_wordpress on generated exports of 10,000 and 100,000 comments: comments per
# second and peak memory (bench/README.md, "Importing").
# Two commits measured in turns in the same run (bench/compare.py): what a change
# did, as ratios, e.g. `make compare BEFORE=main`.
.PHONY: compare
compare: install messages
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python -m bench.compare $(BEFORE) $(or $(AFTER),HEAD)

.PHONY: bench-import
bench-import: install
	$(BIN)/python -m bench.import_wordpress

# py-spy samples the workers under wrk: where each kind of request spends its time.
profile: install
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python -m bench.profile

# Comments under load, with PostgreSQL stopped, with Redis restarted (the harness
# runs its own redis-server for that, never the machine's), then the mail faults.
# See bench/README.md, "Load and faults".
load: install
	@command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server; }
	$(BIN)/python -m bench.load --posts 10000 --clients 32
	$(BIN)/python -m bench.load --posts 2000 --clients 16 --outage 10 \
		--output bench/results/load-outage.json
	$(BIN)/python -m bench.load --posts 2000 --clients 16 --outage 5 --fault redis \
		--output bench/results/load-redis.json
	$(MAKE) faults

# Notification mail with the SMTP server down for 60 s, and with the worker killed
# mid-send.
faults: install
	$(BIN)/python -m bench.faults

# Lighthouse (npm, locked in bench/lighthouse) in Debian's Chromium, offline, on
# the home page and the article with 1,000 comments: scores against their targets.
LIGHTHOUSE := bench/lighthouse/node_modules/lighthouse/cli/index.js
$(LIGHTHOUSE): bench/lighthouse/package-lock.json
	@command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm; }
	npm ci --prefix bench/lighthouse --no-audit --no-fund --silent
	@touch $@

.PHONY: audit
audit: install $(LIGHTHOUSE)
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium; }
	$(BIN)/python -m bench.audit

# By hand after changing the exporter: WordPress's own importer (its three
# parsers, under PHP) reads our WXR. Needs php-cli, php-xml and
# WORDPRESS_IMPORTER=<a checkout of the wordpress-importer plugin>.
.PHONY: check-wordpress-importer
check-wordpress-importer: install
	DEBUG=1 $(BIN)/python -m pytest -p no:cacheprovider bench/wordpress_importer

# Bring in another system's comments: `make import FILE=export.xml[.gz]` reads a
# WordPress export (WXR) or a Disqus export, whichever the file is, into the site
# `make run` serves (see docs/importing.md).
import: migrate
	@test -n "$(FILE)" || { echo "Say which file: make import FILE=export.xml"; exit 2; }
	DEBUG=1 $(BIN)/python manage.py import_comments "$(FILE)"

# The production shape on this machine, all on loopback: nginx with
# deploy/nginx.conf, two gunicorn app servers, the task worker, Redis, a PostgreSQL
# primary and its streaming replica (bench/cluster.py). Ctrl-C stops it all.
# `make cluster-check` starts it, posts and reads back through nginx, and stops.
# `make cluster-bench` drives it with wrk, against nginx serving the same page as
# a static file, then kills and restarts app servers under load (bench/README.md).
.PHONY: cluster cluster-check cluster-bench cluster-tools
cluster-tools:
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
		{ apt-get update -qq && apt-get install -y -qq nginx; }
	@test -f /usr/lib/nginx/modules/ngx_http_cache_purge_module.so || \
		{ apt-get update -qq && apt-get install -y -qq libnginx-mod-http-cache-purge; }
	@command -v redis-server >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq redis-server; }
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }

cluster: install cluster-tools
	$(BIN)/python -m bench.cluster

cluster-check: install cluster-tools
	$(BIN)/python -m bench.cluster --check

cluster-bench: install cluster-tools
	$(BIN)/python -m bench.cluster_bench $(CLUSTER_BENCH_ARGS)

editor: migrate
	DEBUG=1 $(BIN)/python manage.py createeditor

clean:
	rm -rf $(VENV) docs/_build staticfiles .pytest_cache .ruff_cache .mypy_cache tests/a11y/node_modules bench/lighthouse/node_modules
