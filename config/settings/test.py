"""Test settings: PostgreSQL and Redis over real connections.

``DATABASE_URL`` and ``CELERY_BROKER_URL`` may be overridden; the defaults are
the services on this machine (see ``.ci/run``).
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/apresiasi")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")

from .base import *  # noqa: F403
from .base import BASE_DIR

# Long and varied enough for the start-up check (the two-machine test serves
# the app with gunicorn through config.wsgi); for tests only.
SECRET_KEY = "test-secret-key-not-for-production-" + "Zq7_rTx9-kLm2" * 3
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The default storage as configured (object storage when S3_BUCKET is set: a
# worker the object storage tests start reads it from its environment).
STORAGES = {
    "default": STORAGES["default"],  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
HEALTH_BROKER_TIMEOUT = 1.0
# Serve static files straight from the apps (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Results go to Redis (the broker's database) so tests can wait for a real
# worker's answer.
CELERY_RESULT_BACKEND = os.environ["CELERY_BROKER_URL"]
CERTIFICATE_SIGNING_KEY = BASE_DIR / "var" / "test-signing" / "test-signing.p12"
# The webhook tests' receiver is a local HTTP server on 127.0.0.1; short
# back-off and timeout keep the retry tests quick.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
WEBHOOK_RETRY_BASE_SECONDS = 0.4
WEBHOOK_TIMEOUT = 2.0
# The live server (browser tests) answers each request on its own thread:
# close that thread's database connection when the request ends.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
