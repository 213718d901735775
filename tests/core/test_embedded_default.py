"""The embedded default runs on SQLite: the raw SQL (recursive queries, the
importer's supervisor linking, the ledger triggers) must work there too."""

import os
import subprocess
import sys

from django.conf import settings

from tests.people.test_import import BOSS, JUNIOR, STAFF, row, write_csv

CHECK = """
import django; django.setup()
from django.db import connection, DatabaseError
from people.models import Employee
from people.selectors import employee_reporting_line, employee_supervisor_chain
from people.services import career_event_append
boss = Employee.objects.get(nip=%(boss)r); junior = Employee.objects.get(nip=%(junior)r)
print(sorted(e.nip for e in employee_reporting_line(employee=boss)))
print([e.nip for e in employee_supervisor_chain(employee=junior)])
event = career_event_append(employee=junior, kind="award")
try:
    with connection.cursor() as c:
        c.execute("UPDATE people_careerevent SET amount = 5 WHERE id = %%s", [event.pk])
except DatabaseError as exc:
    print(exc)
"""


def _sqlite_runner(tmp_path, **extra):
    """Run Python (``manage.py …`` or ``-c``) in a subprocess on a fresh
    SQLite database, as the embedded default does; returns its output."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE", "CELERY"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    }

    def run(*args):
        return subprocess.run(
            [sys.executable, *args],
            env=env,
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    return run


def test_import_and_reporting_lines_on_sqlite(tmp_path):
    run = _sqlite_runner(tmp_path)

    run("manage.py", "migrate", "-v0")
    run(
        "manage.py",
        "shell",
        "-c",
        "from people.models import OrgUnit; OrgUnit.objects.create(code='DIT', name='Dit')",
    )
    path = write_csv(
        tmp_path / "p.csv", [row(JUNIOR, supervisor=STAFF), row(STAFF, supervisor=BOSS), row(BOSS)]
    )
    assert "3 rows: 3 created" in run("manage.py", "import_employees", str(path))
    out = run("-c", CHECK % {"boss": BOSS, "junior": JUNIOR}).splitlines()
    assert out == [
        str(sorted([STAFF, JUNIOR])),
        str([STAFF, BOSS]),
        "career events are append-only: UPDATE is not allowed",
    ]


CONCURRENT = """
import django, threading; django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from nominations import services
from nominations.models import Cycle
from people.models import Employee
PDF = b"%PDF-1.4\\n1 0 obj<</Type/Catalog>>endobj\\ntrailer<</Root 1 0 R>>\\n%%EOF\\n"
boss = Employee.objects.get(user__username="supervisor")
staff = Employee.objects.get(user__username="staff")
cycle = Cycle.objects.get(phase="nominating")
draft = services.nomination_create(
    nominator=boss, cycle=cycle, category=cycle.categories.filter(team=False).first(),
    nominees=[staff], title="Uji serentak",
)
print(connection.cursor().execute("PRAGMA journal_mode").fetchone()[0])
results, start = [], threading.Barrier(8)
def upload(i):
    try:
        start.wait()
        services.evidence_add(nomination=draft, actor=boss.user,
                              upload=SimpleUploadedFile(f"{i}.pdf", PDF))
        results.append("ok")
    except Exception as exc:
        results.append(repr(exc))
    finally:
        connection.close()
threads = [threading.Thread(target=upload, args=(i,)) for i in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
print(sorted(results))
print(draft.evidence.count())
"""


def test_eight_concurrent_uploads_all_succeed_on_sqlite(tmp_path):
    """WAL, a busy timeout and IMMEDIATE transactions: no "database is locked"."""
    run = _sqlite_runner(tmp_path, MEDIA_ROOT=str(tmp_path / "media"))

    run("manage.py", "migrate", "-v0")
    run("manage.py", "seed_demo")
    out = run("manage.py", "shell", "-c", CONCURRENT).splitlines()
    assert out[-3:] == ["wal", str(["ok"] * 8), "8"]


REVIEW_CHANGES = """
import django; django.setup()
from nominations.models import Assignment, Review, ReviewChange
review = Review.objects.filter(submitted_at__isnull=False).select_related("assignment").first()
changes = ReviewChange.objects.filter(round_id=review.assignment.round_id)
seen = [changes.count()]
Review.objects.filter(pk=review.pk).update(score=1)  # no updated_at: counted all the same
seen.append(changes.count())
Review.objects.filter(pk=review.pk).update(submitted_at=None)  # reopened
seen.append(changes.count())
Review.objects.filter(pk=review.pk).update(score=2)  # a draft: not counted
seen.append(changes.count())
Review.objects.filter(pk=review.pk).update(submitted_at=review.submitted_at)
Assignment.objects.get(pk=review.assignment_id).delete()  # the review goes with it
seen.append(changes.count())
print([n - seen[0] for n in seen[1:]])
"""


def test_every_change_to_a_submitted_review_is_logged_on_sqlite(tmp_path):
    """The ranking's version rests on the review-change trigger (migration
    nominations 0013), written for SQLite as well as PostgreSQL."""
    run = _sqlite_runner(tmp_path, MEDIA_ROOT=str(tmp_path / "media"))

    run("manage.py", "migrate", "-v0")
    run("manage.py", "seed_demo")
    assert run("manage.py", "shell", "-c", REVIEW_CHANGES).splitlines()[-1] == "[1, 2, 2, 4]"
