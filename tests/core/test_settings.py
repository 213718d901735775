import ast
import os
import subprocess
import sys

from django.conf import settings

PRINT = (
    "import django, os; django.setup(); from django.conf import settings as s;"
    "print(repr((s.SECRET_KEY, s.DATABASES['default']['NAME'], s.CELERY_TASK_ALWAYS_EAGER)))"
)


def settings_in_child(**env):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "CELERY", "SECRET"))
    }
    clean.update(DJANGO_SETTINGS_MODULE="config.settings.base", **env)
    out = subprocess.run(
        [sys.executable, "-c", PRINT],
        env=clean,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    return ast.literal_eval(out.stdout)


def test_embedded_default_is_sqlite_with_in_process_jobs():
    _key, name, eager = settings_in_child()
    assert (str(name).endswith("db.sqlite3"), eager) == (True, True)


def test_secrets_can_come_from_files_without_their_trailing_newline(tmp_path):
    (tmp_path / "key").write_text("s3cret-from-file\n")
    (tmp_path / "db").write_text("postgres://u:p@db.example:5432/apresiasi\n")
    key, name, eager = settings_in_child(
        SECRET_KEY_FILE=str(tmp_path / "key"),
        DATABASE_URL_FILE=str(tmp_path / "db"),
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert (key, name, eager) == ("s3cret-from-file", "apresiasi", False)
