# Markedsplassen for skytjenester – the two commands a newcomer needs:
#   make run    set up everything and start the site with demo data and the test identity provider
#   make test   set up everything and run all tests
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app marketplace
export PORT

.PHONY: run test install vendor migrate seed index bench bench-deps bench-faults migration clean browser-deps translations

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
	$(BIN)/pybabel --quiet compile -d marketplace/translations  # .mo files are build output (git-ignored)

# htmx comes pinned from the npm registry (static/package-lock.json) into the git-ignored static/vendor/.
static/vendor/.installed: static/package.json static/package-lock.json
	cd static && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp static/node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	touch $@

vendor: static/vendor/.installed

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed demo
	$(FLASK) seed articles

# The search index is built from the database; then the supervisor (marketplace/supervisor.py)
# starts the web server and every background process, restarts any that dies, and stops them
# all with it (Ctrl+C). One NAME=COMMAND argument per process.
run: install vendor seed
	$(FLASK) index rebuild
	@echo "Markedsplassen kjører på http://127.0.0.1:$(PORT)/ (Ctrl+C avslutter); e-postene: http://127.0.0.1:$(PORT)/utvikling/e-post"
	@$(BIN)/python -m marketplace.supervisor \
	  'index=$(FLASK) index follow --no-build' \
	  'mail=$(FLASK) notify catcher' \
	  'notify=$(FLASK) notify follow' \
	  'retention=$(FLASK) retention follow' \
	  'register=$(FLASK) register follow' \
	  'web=$(BIN)/python -m marketplace.devserver --host 127.0.0.1 --port $(PORT)'

test: install vendor browser-deps
	bash tests/run_all.sh

# The browser suite drives Debian's chromium (never a browser downloaded by Playwright).
browser-deps:
	@test -x /usr/bin/chromium || { \
	  echo "Installerer chromium (Debian) for nettlesertestene …"; \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  log=$$(mktemp); \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core; } >"$$log" 2>&1 \
	    || { cat "$$log"; rm -f "$$log"; exit 1; }; rm -f "$$log"; }

# Scale benchmarks (bench/): 50 000 synthetic services on a scratch PostgreSQL database; writes
# docs/BENCHMARKS.md and bench/results.json. BENCH_SERVICES=2000 makes a quick dry run.
$(VENV)/.bench-installed: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@

bench: install vendor $(VENV)/.bench-installed bench-deps
	$(BIN)/python -m bench.run  # writes the whole note (issue 17's search section included): the others splice after it
	$(BIN)/python -m bench.relevance  # judged relevance beside PostgreSQL FTS (own section)
	$(BIN)/python -m bench.notify  # notifications: dispatch throughput, commit → arrival (own section)
	$(BIN)/python -m bench.contracts  # contracts: Bilag 10, terms-drift fan-out (own section)
	$(BIN)/python -m bench.faults
	$(BIN)/python -m bench.competitions  # competitions: publish to 300, evaluation page, record export (own section)

# Only the fault benchmark (bench/faults.py: outages and slow clients against nginx + gunicorn).
bench-faults: install vendor bench-deps
	$(BIN)/python -m bench.faults

# Debian's wrk (load), nginx (the production proxy of the fault benchmark, run on its own port
# from a config in a temporary directory) and redis-server (a Redis of its own to stop).
bench-deps:
	@command -v wrk >/dev/null && command -v nginx >/dev/null && command -v redis-server >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    --no-install-recommends wrk nginx redis-server >/dev/null; \
	  if [ -f /run/nginx.pid ]; then $$SUDO nginx -s quit || true; fi; }

# Translations: extract every marked string (babel.cfg), update the English catalogue
# (marketplace/translations/en/LC_MESSAGES/messages.po) and compile it. Translate the new
# entries in the .po file; tests/test_i18n.py fails while any entry is untranslated or fuzzy.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k lazy_gettext -k _l -k _lp:1c,2 -k _nl:1,2 -k N_ --sort-by-file --no-wrap \
	  -o marketplace/translations/messages.pot .
	$(BIN)/pybabel update -i marketplace/translations/messages.pot -d marketplace/translations \
	  --no-fuzzy-matching --ignore-obsolete --no-wrap
	$(BIN)/pybabel compile -d marketplace/translations --statistics

# Pre-release: regenerate the single initial migration from the models (run after changing catalogue/models.py).
migration: install
	bash marketplace/migrations/regenerate.sh

clean:
	rm -rf $(VENV) static/node_modules static/vendor instance .pytest_cache
