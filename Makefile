# Two commands do all set-up on a fresh Debian machine: `make demo` and `make test`.
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 ffmpeg chromium poppler-utils
PG_URL ?= postgresql://postgres@127.0.0.1:5432
PYTEST_ARGS ?=

.PHONY: demo test test-sqlite test-postgres setup apt bench clean

demo: setup
	$(BIN)/casework demo

test: setup
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	$(BIN)/pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# A fresh database per run on the local PostgreSQL server (trust auth).
test-postgres:
	@db=casework_test_$$$$_$$(date +%s); \
	if ! $(BIN)/python -m casework.devtools.pg create "$(PG_URL)" "$$db"; then \
	  echo "PostgreSQL at $(PG_URL) is not reachable: start it, or set PG_URL"; exit 1; fi; \
	CASEWORK_TEST_DATABASE_URL="$(PG_URL)/$$db" $(BIN)/pytest -q -p no:cacheprovider -m "not sqlite_only" tests/integration tests/e2e $(PYTEST_ARGS); rc=$$?; \
	$(BIN)/python -m casework.devtools.pg drop "$(PG_URL)" "$$db"; exit $$rc

setup: $(VENV)/.installed apt node_modules/.installed

# Browser libraries (htmx, bpmn-js, echarts) pinned in package-lock.json, served by web/vendor.py.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "needs node and npm (apt-get install nodejs npm)"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

$(VENV)/.installed: requirements.lock pyproject.toml
	@command -v $(PY) >/dev/null || { echo "needs $(PY) (python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

apt:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "please install as root: apt-get install$$missing"; exit 1; fi; fi

bench: setup
	for b in engine documents recorder calendar web flows; do $(BIN)/python -m bench.$$b --quick || exit 1; done

clean:
	rm -rf var .pytest_cache
