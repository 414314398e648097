# Lianxin — two commands: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
WORKERS ?= 3
SCAN_EVERY ?= 600
# util-linux's setpriv: a background loop's supervisor ends when `make run`'s shell does.
PDEATHSIG := $(shell command -v setpriv > /dev/null && echo setpriv --pdeathsig TERM)
export DJANGO_SETTINGS_MODULE := lianxin.settings

.PHONY: run test install install-test vendor system-deps lint format migrate demo serve bench clean public-address

# The address the server listens on. Unless LIANXIN_PUBLIC_BASE_URL is set, the settings derive
# the public address (QR codes on printed cards, tracking links, SMS) from it
# (lianxin/core/addresses.py): `PORT=8080 make run` prints cards pointing at port 8080.
run public-address: export LIANXIN_BIND = $(HOST):$(PORT)

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "需要 Python 3.11 或更高版本 (Python >= 3.11 is required)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

# ECharts for the dashboards' charts, from npm into var/vendor/ (gitignored; scripts/vendor.sh).
vendor:
	@bash scripts/vendor.sh

install: $(VENV)/.installed vendor
install-test: $(VENV)/.installed-test vendor

# Chromium (browser tests), pango (PDFs) and Noto CJK fonts (Chinese in PDFs) from Debian.
system-deps:
	@bash scripts/system-deps.sh $(SYSTEM_DEPS)

migrate: install
	$(PY) manage.py migrate --noinput

# A demo instance: load_demo and the demo password are allowed (accounts.production). Under
# production settings (LIANXIN_DEBUG=0 LIANXIN_DEMO=0) the demo is refused and so is starting
# while an account still has the demo password.
demo run: export LIANXIN_DEMO ?= 1
demo: migrate
	$(PY) manage.py load_demo --if-empty
	@$(PY) manage.py rebuild_metrics --if-empty

# Static files are collected again only when one of them (or the installed packages) changed
# since the last collection: the stamp in the static folder records it.
STATIC_STAMP := $(or $(LIANXIN_VAR_DIR),var)/static/.collected
$(STATIC_STAMP): $(shell find lianxin -path '*/static/*' -type f 2>/dev/null) $(VENV)/.installed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@touch $@

# A restart skips what is done (docs/benchmarks.md, "Restart"): prepare_start migrates only when
# a migration is unapplied, loads the demo only into an empty database and prints the public
# address, in one process.
run: SYSTEM_DEPS = pdf
run: system-deps install $(STATIC_STAMP)
	@$(PY) manage.py prepare_start
	@echo "连心已启动，监听 $(HOST):$(PORT)  (演示账号见 README / demo accounts in README)"
	@# The background worker (notifications), the intake loop (registration entries of API
	@# submissions), the deadline scan and the hotline's pull and webhook loops (sources that
	@# have none configured cost one query a step) run beside the web server and stop with it. Each
	@# waits out database outages itself (lianxin/core/loops.py) and is started again by
	@# scripts/supervise.sh if it ever exits.
	@# Each supervisor gets SIGTERM when this shell dies, even by SIGKILL (setpriv --pdeathsig),
	@# and each gunicorn worker when its master dies (gunicorn.conf.py): nothing outlives `make run`.
	@trap 'kill $$(jobs -p) 2>/dev/null' EXIT; \
	$(PDEATHSIG) scripts/supervise.sh $(PY) manage.py run_tasks --every 2 & \
	$(PDEATHSIG) scripts/supervise.sh $(PY) manage.py complete_intake --every 1 > /dev/null & \
	$(PDEATHSIG) scripts/supervise.sh $(PY) manage.py scan_deadlines --every $(SCAN_EVERY) > /dev/null & \
	$(PDEATHSIG) scripts/supervise.sh $(PY) manage.py pull_work_orders --every 60 > /dev/null & \
	$(PDEATHSIG) scripts/supervise.sh $(PY) manage.py deliver_webhooks --every 10 > /dev/null & \
	$(VENV)/bin/gunicorn lianxin.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --timeout 120

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/bandit -c pyproject.toml -r lianxin -ll -q || { echo "bandit 发现中或高风险问题，见 docs/security.md (bandit found a medium or high issue)"; exit 1; }

format: install-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: SYSTEM_DEPS = pdf browser testtools
test: system-deps install-test lint
	$(VENV)/bin/lint-imports --no-logo || { echo "模块导入违反了分层约定，见 docs/architecture.md (imports break the layers contract)"; exit 1; }
	$(PY) scripts/check_imports.py
	$(PY) manage.py makemigrations --check --dry-run > /dev/null || { echo "模型有改动但没有迁移 (missing migrations)"; exit 1; }
	$(PY) manage.py workflow_docs --check || { echo "docs/workflows 与流程定义不一致，请运行 manage.py workflow_docs (workflow diagrams are stale)"; exit 1; }
	$(PY) -m pytest $(PYTEST_ARGS)

# The public address `make run` would give the cards, with the same HOST and PORT.
public-address:
	@$(PY) manage.py public_address

bench: install-test
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var/static
