"""A scratch PostgreSQL database for a benchmark, created and dropped around it.

from scratch import scratch_django
with scratch_django():
    ...  # Django is set up against a fresh, migrated database
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")


@contextlib.contextmanager
def scratch_django(name: str = "bench", *, keep: bool = False, reuse: str | None = None):
    """``keep``: leave the database for a look afterwards (its name is
    printed); ``reuse``: a kept database, migrated and kept again."""
    db = reuse or f"apresiasi_{name}_{os.getpid()}"
    keep = keep or reuse is not None
    if reuse is None:
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    os.environ["DATABASE_URL"] = f"{SERVER}/{db}"
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield db
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"kept the database {db}", file=sys.stderr)
        else:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", db], check=False)
