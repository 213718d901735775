"""Import benchmark: 50,000 employees from CSV and XLSX into PostgreSQL.

Prints rows per second and peak memory (max RSS of the importing process) for
each file, and ratios against baselines measured in the same run, because this
machine is shared and absolute times are noisy:

* ``vs parse``  — import time / time to merely read and parse the same file
  with the same reader (the floor any importer pays);
* ``per-row vs 5k`` — seconds per row at 50,000 rows / seconds per row at
  5,000 rows (≈ 1.0 means the import scales linearly).

Each import runs in a fresh ``manage.py import_employees`` process against a
scratch database, created and dropped by this script.

    .venv/bin/python bench/import_employees.py [--rows 50000]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# people.importer.ALL_COLUMNS (not imported: this script runs before Django is set up)
HEADER = [
    "nip",
    "name",
    "org_unit",
    "position",
    "position_type",
    "employment_status",
    "rank",
    "supervisor_nip",
    "email",
    "active",
]


def nip(i: int) -> str:
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=i // 900)
    return f"{birth:%Y%m%d}199801{1 + i % 2}{i % 900 + 1:03d}"


def rows(n: int):
    for i in range(n):
        # A reporting tree: every row's supervisor is a later row (forward references).
        sup = nip(i + 1 + i % 7) if i + 1 + i % 7 < n else ""
        yield [
            nip(i),
            f"Pegawai {i}",
            f"U{i % 50:02d}",
            "Analis",
            "fungsional",
            "PNS",
            "III/b",
            sup,
            f"p{i}@example.test",
            "ya",
        ]


def write_csv(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows(n))


def write_xlsx(path: Path, n: int) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for r in rows(n):
        sheet.append(r)
    workbook.save(path)


def child(code: str, env: dict) -> tuple[float, float]:
    """Run Python code in a child; return (seconds, peak RSS in MB) of that child."""
    code += "\nimport resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    start = time.perf_counter()
    out = subprocess.run(
        [PY, "-c", code], check=True, env=env, cwd=ROOT, capture_output=True, text=True
    ).stdout
    seconds = time.perf_counter() - start
    return seconds, int(out.split()[-1]) / 1024  # ru_maxrss is in KiB on Linux


SETUP = """
import django, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
django.setup()
"""


def run_import(path: Path, env: dict) -> tuple[float, float]:
    return child(
        SETUP
        + f"""
from django.core.management import call_command
from people.models import Employee, OrgUnit
call_command("import_employees", {str(path)!r})
""",
        env,
    )


def parse_only(path: Path, env: dict) -> tuple[float, float]:
    return child(
        SETUP
        + f"""
from people.importer import _open_rows
with open({str(path)!r}, "rb") as f:
    n = sum(1 for _ in _open_rows(f, {path.name!r}))
""",
        env,
    )


def reset_db(env: dict) -> None:
    child(
        SETUP
        + """
from django.db import connection
from people.models import OrgUnit
with connection.cursor() as c:
    c.execute("TRUNCATE people_careerprofile, people_careerevent, people_employee CASCADE")
for i in range(50):
    OrgUnit.objects.get_or_create(code=f"U{i:02d}", defaults={"name": f"Unit {i}"})
""",
        env,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    small = max(args.rows // 10, 1)
    db = f"apresiasi_bench_{os.getpid()}"
    base_url = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    env = {**os.environ, "DATABASE_URL": f"{base_url}/{db}", "CELERY_BROKER_URL": "memory://"}
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], check=True)
    try:
        subprocess.run([PY, "manage.py", "migrate", "-v0"], check=True, env=env, cwd=ROOT)
        with tempfile.TemporaryDirectory() as tmp:
            print(
                f"{'file':<16}{'rows':>8}{'seconds':>9}{'rows/s':>9}{'peak MB':>9}"
                f"{'vs parse':>10}{'per-row vs 5k':>15}"
            )
            for kind, writer in (("csv", write_csv), ("xlsx", write_xlsx)):
                per_row = {}
                for n in (small, args.rows):
                    path = Path(tmp) / f"pegawai-{n}.{kind}"
                    writer(path, n)
                    parse_seconds, _ = parse_only(path, env)
                    reset_db(env)
                    seconds, peak = run_import(path, env)
                    per_row[n] = seconds / n
                    scale = per_row[n] / per_row[small]
                    print(
                        f"{path.name:<16}{n:>8}{seconds:>9.1f}{n / seconds:>9.0f}{peak:>9.0f}"
                        f"{seconds / parse_seconds:>10.1f}{scale:>15.2f}",
                        flush=True,
                    )
    finally:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", db], check=False)


if __name__ == "__main__":
    main()
