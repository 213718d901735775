"""Settings for every environment, read from environment variables only.

Every variable may instead be given as ``<NAME>_FILE`` pointing at a file that
holds the value (Docker/Kubernetes secrets). With no variables set at all, the
service runs in its *embedded default*: SQLite, background jobs executed
in-process, local file storage and e-mail printed to the console.
"""

import datetime as dt
from pathlib import Path

import environ
from django_guid.integrations import CeleryIntegration
from environ.fileaware_mapping import FileAwareMapping
from kombu import Queue

from config.object_storage import s3_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class _SecretFiles(FileAwareMapping):
    """``NAME_FILE`` support whose values lose the trailing newline that ``echo``
    and editors leave in secret files."""

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key).rstrip("\r\n")


env = environ.FileAwareEnv()
env.ENVIRON = _SecretFiles()

DEBUG = env.bool("DEBUG", default=False)
# The embedded default is for a laptop; production must set its own key.
# With DEBUG off the service refuses to start with this default (core.checks);
# `make run` writes a random key to var/secret-key and uses SECRET_KEY_FILE.
SECRET_KEY = env.str("SECRET_KEY", default="insecure-embedded-default-key-change-me-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "csp",
    "axes",
    "django_guid",
    "django_prometheus",
    "core",
    "people",
    "nominations",
    "rewards",
    "certificates",
    "web",
    "demo",
]

MIDDLEWARE = [
    # First: an oversized body is refused before anything reads it.
    "core.middleware.BodyLimitMiddleware",
    # Every request gets an id (X-Request-ID, or a new one), in its logs, in
    # the response and in the logs of the jobs it starts.
    "django_guid.middleware.guid_middleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# Django turns psycopg's prepared statements off (for transaction-mode
# poolers). Django's own queries use client-side binding and are never
# prepared either way; this lets core.db.fetch_prepared prepare the few hottest
# raw queries. Set DATABASE_PREPARED_STATEMENTS=false behind PgBouncer in
# transaction mode before 1.21.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
# Behind PgBouncer in transaction mode (docker-compose.yml), a cursor cannot
# outlive its transaction: streamed exports read in chunks through client-side
# cursors instead.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several requests at once (and runs jobs in
    # them): write-ahead logging lets readers and one writer work together,
    # a writer waits up to 20 s for the lock instead of failing, and every
    # transaction takes the write lock when it begins (IMMEDIATE), so two
    # read-then-write transactions cannot deadlock into "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses logins from a locked-out username and address (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Brute-force lockout (django-axes), for the web login and the API token alike:
# after AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked.html"
AXES_VERBOSE = False
# Request bodies (core.middleware.BodyLimitMiddleware): the largest any
# request may declare, and smaller limits by path prefix. Evidence files are
# at most 10 MB each, 50 MB per nomination; a certificate to verify 20 MB.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=60 * 2**20)
REQUEST_BODY_LIMITS = {
    "/api/v1/verify": 21 * 2**20,
    "/verify": 21 * 2**20,
    "/api/v1/auth/": 64 * 2**10,
    "/login": 64 * 2**10,
}
# API tokens unused for this many days are refused (people.authentication).
API_TOKEN_IDLE_DAYS = env.int("API_TOKEN_IDLE_DAYS", default=30)
# Failed logins counted per client address and per username over a window
# (people.login_limits): spraying and distributed guessing. django-axes
# above locks one username at one address.
LOGIN_WINDOW_MINUTES = env.int("LOGIN_WINDOW_MINUTES", default=15)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=30)
LOGIN_FAILURES_PER_USERNAME = env.int("LOGIN_FAILURES_PER_USERNAME", default=10)
# The cache holds throttle and login counters: shared by every web process
# only when it is Redis (production: CACHE_URL=redis://…).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# The client address behind a reverse proxy (core.net.client_ip).
AXES_CLIENT_IP_CALLABLE = "core.net.client_ip"
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks,
# comma-separated). None by default: the header is ignored and the
# connection's own address is the client's. Set it to your proxy's address
# (docker-compose.yml sets the proxy's network).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Evidence, verification files and certificates in S3-compatible object
# storage (MinIO, Ceph, AWS) when a bucket is named, so every web and worker
# machine reads what another wrote; local files under MEDIA_ROOT otherwise.
# Downloads still go through the service, which checks the caller and
# streams the object: the bucket stays private.
STORAGES["default"] = s3_storage(env.ENVIRON) or STORAGES["default"]

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Apresiasi <noreply@apresiasi.local>")

# --- Security (production sets these through the environment) -------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# The container health check asks over plain HTTP from inside.
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_FAILURE_VIEW = "web.views.errors.csrf_failure"
# Content-Security-Policy (django-csp) on every page: scripts, styles, images
# and requests from this site only; no inline script or style (htmx is
# configured not to inject its own style, nor to evaluate code).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page of the service uses (core.middleware.SecurityHeadersMiddleware).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), browsing-topics=()"
)
X_FRAME_OPTIONS = "DENY"

# --- REST framework -------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a request without credentials is answered 401 with
        # WWW-Authenticate (DRF takes the header from the first class).
        "people.authentication.TokenAuthentication",
        # SessionAuthentication enforces CSRF for unsafe methods.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["core.filters.FilterBackend"],
    # Bodies are JSON; the uploads (evidence, verification, HR import) and the
    # token login take forms too (their views say so).
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"verify": env.str("VERIFY_RATE", default="30/min")},
    "DEFAULT_RENDERER_CLASSES": [
        "core.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Apresiasi API",
    "DESCRIPTION": "Recognition and reward service for Indonesian public servants (ASN).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI is served from the project itself (no CDN): works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "NominationStatusEnum": "nominations.models.Nomination.Status",
        "AssignmentStatusEnum": "nominations.models.Assignment.Status",
        "CyclePhaseEnum": "nominations.models.Cycle.Phase",
        "RoundKindEnum": "nominations.models.Round.Kind",
        "RoundRuleEnum": "nominations.models.Round.Rule",
        "RoundStatusEnum": "nominations.models.Round.Status",
        "IncentiveKindEnum": "rewards.models.IncentiveKind",
        "CareerEventKindEnum": "people.models.CareerEvent.Kind",
        "IncentiveStatusEnum": "rewards.models.IncentiveRecord.Status",
        "WebhookDeliveryStatusEnum": "rewards.models.WebhookDelivery.Status",
        "VerificationStatusEnum": [("valid", "valid"), ("revoked", "revoked")],
    },
    # Every operation's error answers, with the one error shape (core.openapi).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.document_errors",
    ],
}

# --- Celery -----------------------------------------------------------------
# "memory://" with eager execution is the embedded default: jobs run in-process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
# Redis re-delivers an unacknowledged task after the visibility timeout; it must
# be longer than the longest task time limit or a running task is duplicated.
#
# max_retries/interval_*: a publisher gives up on an unreachable broker in a
# fraction of a second instead of retrying for seconds inside a web request;
# the sweepers re-dispatch whatever could not be queued. (Workers reconnect
# under their own broker_connection_* settings.)
#
# unacked_restore_*: look for messages of dead workers every 10 s (kombu's
# default scans only every 100 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT * 4,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker waits for the broker for as long as it is away (Celery's default
# gives up after 100 attempts, about 45 minutes, and the worker exits).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Redis brokers use kombu's transport with a guard against unreadable
# messages (core.worker.RedisTransport): one is dropped, the worker lives on.
if CELERY_BROKER_URL.startswith("redis://"):
    CELERY_BROKER_TRANSPORT = "core.worker:RedisTransport"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Queues by the kind of work, so a slow webhook receiver or a mail outage never
# delays certificates: `certificates` (CPU: render and sign), `webhooks` and
# `mail` (I/O: waiting on other servers), `celery` (the rest: events,
# sweepers, assignment, rewards). A worker started without -Q consumes all
# four (the embedded default, a one-machine set-up); docker-compose runs a
# worker per queue (`-Q certificates`, …).
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name) for name in ("celery", "certificates", "webhooks", "mail")]
CELERY_TASK_ROUTES = {
    "certificates.issue": {"queue": "certificates"},
    "certificates.issue_batch": {"queue": "certificates"},
    "certificates.reissue_cycle": {"queue": "certificates"},
    "rewards.deliver_webhooks": {"queue": "webhooks"},
    "nominations.notify_nominees": {"queue": "mail"},
    "nominations.send_result_notices": {"queue": "mail"},
    "nominations.send_slot_notices": {"queue": "mail"},
    "nominations.send_reminders": {"queue": "mail"},
    "rewards.send_award_notices": {"queue": "mail"},
}
CELERY_BEAT_SCHEDULE = {
    "sweep-events": {
        "task": "core.sweep_events",
        "schedule": 60,
    },
    "refresh-award-window": {
        "task": "people.refresh_award_window",
        "schedule": 24 * 60 * 60,
    },
    "sweep-certificates": {
        "task": "certificates.sweep",
        "schedule": 5 * 60,
    },
    "sweep-notices": {
        "task": "nominations.sweep_notices",
        "schedule": 5 * 60,
    },
    "sweep-rewards": {
        "task": "rewards.sweep",
        "schedule": 60,
    },
    "advance-due-cycles": {
        "task": "nominations.advance_due_cycles",
        "schedule": 60 * 60,
    },
    # Deadline reminders, each sent once (nominations.reminders); hourly so a
    # worker that was down catches up the same day.
    "send-reminders": {
        "task": "nominations.send_reminders",
        "schedule": 60 * 60,
    },
    # The review-change log keeps only each round's newest row (the one a
    # ranking's version reads).
    "prune-review-changes": {
        "task": "nominations.prune_review_changes",
        "schedule": 24 * 60 * 60,
    },
}

# Background jobs (core.jobs): a job renews its claim on its rows every
# JOB_HEARTBEAT_SECONDS (a claim not renewed for four beats is taken over); a
# row left pending JOB_GRACE_SECONDS is re-sent by its sweeper. Every worker
# runs the sweepers below when it connects to the broker and every
# JOB_SWEEP_SECONDS (core.worker), so work left by an outage resumes within a
# minute of the broker's return without waiting for beat.
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=5.0)
JOB_GRACE_SECONDS = env.float("JOB_GRACE_SECONDS", default=15.0)
JOB_SWEEP_SECONDS = env.float("JOB_SWEEP_SECONDS", default=10.0)
JOB_SWEEPS = [
    "core.sweep_events",
    "certificates.sweep",
    "nominations.sweep_notices",
    "rewards.sweep",
]

# Events between apps and their handlers (core.events): one registry, in code.
EVENT_HANDLERS = "config.events.HANDLERS"

# --- Certificates -----------------------------------------------------------
# A PKCS#12 file (key + certificate) and its passphrase. `manage.py
# init_signing_key` creates a self-signed development key at the default path.
CERTIFICATE_SIGNING_KEY = env.path(
    "CERTIFICATE_SIGNING_KEY", default=BASE_DIR / "var" / "signing" / "dev-signing.p12"
)
CERTIFICATE_SIGNING_PASSPHRASE = env.str(
    "CERTIFICATE_SIGNING_PASSPHRASE", default="apresiasi-development"
)
# The public certificate (PEM) that verification checks signatures against;
# empty: read it from the key file. Set it where the key file is absent (the
# web service in docker-compose.yml: only the worker holds the key).
CERTIFICATE_SIGNING_CERT = env.str("CERTIFICATE_SIGNING_CERT", default="")
CERTIFICATE_ORGANISATION = env.str(
    "CERTIFICATE_ORGANISATION", default="Kementerian Pelayanan Publik (Demo)"
)
CERTIFICATE_SIGNATORY = env.str("CERTIFICATE_SIGNATORY", default="Hendra Wijaya")
CERTIFICATE_SIGNATORY_TITLE = env.str("CERTIFICATE_SIGNATORY_TITLE", default="Sekretaris Jenderal")
# The address the public uses; printed on certificates and in their QR codes.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# Cycles with more eligible nominations than this assign reviewers in a
# background task with progress, instead of within the request.
ASSIGNMENT_ASYNC_THRESHOLD = env.int("ASSIGNMENT_ASYNC_THRESHOLD", default=300)

# --- Webhooks ---------------------------------------------------------------
# Seconds to wait for a receiver (connect and each read).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
# Back-off after the n-th consecutive failure: base × 3^(n-1), at most max
# (±20 % jitter); a delivery is given up when older than the window (a day).
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=5.0)
WEBHOOK_RETRY_MAX_SECONDS = env.float("WEBHOOK_RETRY_MAX_SECONDS", default=6 * 60 * 60)
WEBHOOK_RETRY_WINDOW = env.int("WEBHOOK_RETRY_WINDOW", default=26 * 60 * 60)
# Receivers on loopback, link-local or private addresses are refused unless
# this is on (tests; an intranet receiver the security team has approved).
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)
# How long /health waits for the broker before calling it down.
HEALTH_BROKER_TIMEOUT = env.float("HEALTH_BROKER_TIMEOUT", default=2.0)

# Logs: one line per record, as JSON (LOG_FORMAT=json: time, level, logger,
# message, request_id) for a log collector, or as text. A request's id is on
# every record it logs and on those of the jobs it starts (django-guid).
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {
            "()": "django_guid.log_filters.CorrelationId",
            "correlation_id_field": "request_id",
        },
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every successful login at INFO (failures and lockouts
    # stay); pikepdf announces its logging bridge at INFO once per process.
    # WeasyPrint reports every rendering step at INFO ("Step 5 - Creating
    # layout"), flooding worker and bench output; django-guid each id it sets.
    "loggers": {
        "axes": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},
        "weasyprint": {"level": env.str("WEASYPRINT_LOG_LEVEL", default="WARNING")},
        "weasyprint.progress": {"level": env.str("WEASYPRINT_LOG_LEVEL", default="WARNING")},
    },
}
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,  # an id that is not a UUID is replaced by a new one
    "INTEGRATIONS": [CeleryIntegration(use_django_logging=True, log_parent=True)],
}

# Metrics (core.metrics) at /metrics, for these networks only (your
# Prometheus' address); anyone else gets 404.
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=["127.0.0.1/32", "::1/128"])
METRICS_COLLECTORS = ["core.metrics.JobsCollector", "certificates.metrics.CertificatesCollector"]
PROMETHEUS_EXPORT_MIGRATIONS = False
