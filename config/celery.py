"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("apresiasi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Every worker sweeps for work left over when it (re)connects (core.worker).
from core.worker import Sweeps  # noqa: E402

app.steps["consumer"].add(Sweeps)
