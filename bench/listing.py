"""Nomination list under load, against two baselines on the same gunicorn.

A second process (``wrk``, Debian package ``wrk``) loads three URLs in turn,
each with the same token and 50 rows per page:

* ``/bench/hello`` — a hello-JSON Django view (the ceiling of the stack);
* ``/bench/bare`` — a bare DRF ``ListAPIView`` over the nominations table;
* ``/api/v1/nominations`` — ours: nominees, category, nominator, evidence,
  decision visibility and the caller's scoping included.

The three are loaded in turn, round after round (the machine is shared and
its load drifts; interleaving gives each view the same conditions), and the
figures are the medians over the rounds: requests per second and the ratios
against both baselines.

    .venv/bin/python bench/listing.py [--seconds 4 --rounds 5 --nominations 500]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from scratch import ROOT, scratch_django

HERE = Path(__file__).resolve().parent


def populate(n: int) -> str:
    from data import make_org
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from nominations import services
    from nominations.models import Cycle, Evidence, Nomination, Nominee
    from people.models import Employee
    from tests.factories import UserFactory

    make_org(units=20, employees=400)
    cycle = services.cycle_create(name="Bench")
    Cycle.objects.filter(pk=cycle.pk).update(phase="nominating")
    boss = Employee.objects.filter(subordinates__isnull=False).first()
    team = list(boss.subordinates.all()[:10])
    categories = list(cycle.categories.all())
    items = Nomination.objects.bulk_create(
        Nomination(
            cycle=cycle,
            category=categories[i % 6],
            nominator=boss,
            title=f"Inovasi {i}",
            problem="p" * 200,
            solution="s" * 200,
            impact="i" * 200,
            status="submitted",
            submitted_at=timezone.now(),
            psm_statements={"a": "b"},
        )
        for i in range(n)
    )
    Nominee.objects.bulk_create(
        Nominee(nomination=item, employee=team[(i + k) % len(team)], is_lead=k == 0)
        for i, item in enumerate(items)
        for k in range(2)
    )
    Evidence.objects.bulk_create(
        Evidence(
            nomination=item,
            file=f"evidence/{item.pk}/x",
            original_name="laporan.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
        )
        for item in items
    )
    from django.db import connection

    with connection.cursor() as cursor:  # as autovacuum would after a bulk load
        cursor.execute("ANALYZE")
    user = UserFactory(username="bench-supervisor")
    boss.user = user
    boss.save()
    return Token.objects.create(user=user).key


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, token: str, seconds: int) -> float:
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Authorization: Token {token}", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--nominations", type=int, default=500)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    with scratch_django("listing"):
        token = populate(args.nominations)
        port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "bench_settings",
            "PYTHONPATH": f"{HERE}:{ROOT}",
            "DEBUG": "false",
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            views = (
                ("hello-JSON", "/bench/hello"),
                ("bare DRF list", "/bench/bare?page_size=50"),
                ("nomination list", "/api/v1/nominations?page_size=50"),
            )
            for _name, path in views:
                wrk(base + path, token, 1)  # warm up
            rounds = []
            for _ in range(args.rounds):
                rounds.append({name: wrk(base + path, token, args.seconds) for name, path in views})
            median = statistics.median
            print(f"{'view':<18}{'req/s':>9}{'× hello':>9}{'× bare DRF':>12}", end="")
            print(f"   (medians of {args.rounds} rounds)")
            for name, _path in views:
                rate = median(r[name] for r in rounds)
                by_hello = median(r[name] / r["hello-JSON"] for r in rounds)
                by_bare = median(r[name] / r["bare DRF list"] for r in rounds)
                print(f"{name:<18}{rate:>9.0f}{by_hello:>9.2f}{by_bare:>12.2f}")
            ours = [round(r["nomination list"] / r["bare DRF list"], 2) for r in rounds]
            print(f"nomination list × bare DRF, round by round: {ours}")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
