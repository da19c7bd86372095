# make run   — set up everything and serve the portal on $PORT (default 8000)
# make test  — set up the same way and run every test (unit, integration, browser)
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
GOVUK := node_modules/govuk-frontend/dist/govuk

.PHONY: run test setup venv npm assets migrate demo chromium lint bench bench-load check-deploy compose-check clean

run: setup demo
	@echo ""
	@echo "  Joint Commissioning Portal: http://127.0.0.1:$(PORT)/"
	@echo "  Sign in as <area>.<role>, e.g. derbyshire.commissioner, password: $${DEMO_PASSWORD:-portal-demo}"
	@echo "  areas: worcestershire llr derbyshire; roles: commissioner approver finance pooled-fund-manager"
	@echo "         board-secretary board-member parent-carer young-person admin viewer"
	@echo ""
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 0.0.0.0:$(PORT)

test: setup chromium
	bash scripts/test.sh

setup: venv npm assets migrate

venv: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev]"
	touch $@

npm: node_modules/.installed
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# GOV.UK Frontend's CSS and JS go to static/vendor/govuk; its fonts and images are
# served at /assets/ (where its compiled CSS expects them).
assets: npm
	mkdir -p static/vendor/govuk build/root build/staticfiles
	cp $(GOVUK)/govuk-frontend.min.css $(GOVUK)/govuk-frontend.min.js static/vendor/govuk/
	rm -rf build/root/assets && cp -r $(GOVUK)/assets build/root/assets
	cp node_modules/axe-core/axe.min.js static/vendor/ 2>/dev/null || true

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# Browser tests use Debian's Chromium; Playwright never downloads a browser here.
chromium:
	@test -x /usr/bin/chromium || { \
	  echo "Installing Chromium from Debian (needs root)..."; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: venv
	$(VENV)/bin/ruff check .

# Every bench/bench_*.py module, then a table of figure, target and verdict; exits non-zero
# when a target is missed by more than its noise margin. Set DATABASE_URL for PostgreSQL.
bench: setup
	$(PY) -m bench

# 20 signed-in people (two-factor) against gunicorn with 2 workers on PostgreSQL (locust,
# bench/locustfile.py): p95, errors and CPU per request against their targets.
bench-load: venv
	$(PY) bench/load.py

check-deploy: venv
	DJANGO_ENV=production DJANGO_SETTINGS_MODULE=portal.settings.production \
	SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(60))') \
	ALLOWED_HOSTS=portal.example.org SITE_URL=https://portal.example.org \
	$(PY) manage.py check --deploy --fail-level WARNING

compose-check:
	docker-compose -f docker-compose.yml config --quiet

clean:
	rm -rf $(VENV) node_modules static/vendor build db.sqlite3
