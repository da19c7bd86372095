# The image docker-compose.yml builds: Python 3.11, WeasyPrint's libraries, built assets.
FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml package.json package-lock.json ./
COPY . .
RUN pip install --no-cache-dir . && npm ci --omit=dev --no-audit --no-fund \
    && mkdir -p static/vendor/govuk build/root \
    && cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.* static/vendor/govuk/ \
    && cp -r node_modules/govuk-frontend/dist/govuk/assets build/root/assets \
    && SECRET_KEY=build-only-$(python -c 'print("x"*60)') DJANGO_SETTINGS_MODULE=portal.settings.production \
       python manage.py collectstatic --noinput
RUN useradd --create-home portal && mkdir -p /data/media && chown portal /data/media
USER portal
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000"]
