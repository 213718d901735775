# Production image: gunicorn for web, the same image runs the Celery worker and beat.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango; libharfbuzz-subset0 makes font subsetting native
# (without it every PDF renders about 5x slower).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.lock .
RUN pip install --require-hashes -r requirements.lock

COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput --verbosity 0 \
 && useradd --system --uid 10001 --home /app apresiasi \
 && mkdir -p /app/var/media \
 && chown -R apresiasi /app/var

USER apresiasi
EXPOSE 8000
# Forwarded headers are believed from no one by default; docker-compose.yml
# names its proxy's address.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "127.0.0.1"]
