"""Webhook fan-out: 1,000 posts to 5 endpoints, one of which never answers.

A real Celery worker (prefork, 6 processes) on Redis sends the deliveries to
local HTTP receivers. The figure is the time until every delivery to the
four healthy endpoints is done, with the hanging fifth endpoint configured,
against the same four endpoints on their own (the baseline, measured in the
same run). One job per endpoint, and the back-off after the first timeout,
keep the hanging endpoint from holding up the others.

    .venv/bin/python bench/webhooks.py [--posts 1000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BROKER = "redis://127.0.0.1:6379/14"
os.environ["CELERY_BROKER_URL"] = BROKER
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ["WEBHOOKS_ALLOW_PRIVATE_ADDRESSES"] = "true"

from scratch import ROOT, scratch_django  # noqa: E402


class Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real receiver would

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


class Hang(Ok):
    def do_POST(self):
        time.sleep(3600)


def serve(handler) -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/"


def make_posts(n: int) -> None:
    from data import make_org
    from django.utils import timezone

    from nominations import services
    from nominations.models import Nomination
    from rewards.models import RecognitionPost

    _units, people = make_org(units=5, employees=50)
    cycle = services.cycle_create(name="Bench")
    category = cycle.categories.first()
    level = cycle.award_levels.first()
    nominations = Nomination.objects.bulk_create(
        Nomination(
            cycle=cycle,
            category=category,
            nominator=people[0],
            title=f"Inovasi {i}",
            status="published",
            award_level=level,
        )
        for i in range(n)
    )
    RecognitionPost.objects.bulk_create(
        RecognitionPost(
            nomination=nomination,
            cycle=cycle,
            category=category,
            award_level=level,
            org_unit=people[1].org_unit,
            lead=people[1],
            names=people[1].name,
            title=nomination.title,
            body="Inovasi untuk publik.",
            published_at=timezone.now(),
        )
        for nomination in nominations
    )


def run(healthy: list[str], failing: list[str]) -> float:
    """Deliver every post to the endpoints; seconds until the healthy ones are done."""
    from rewards import services, webhooks
    from rewards.models import WebhookDelivery, WebhookEndpoint
    from rewards.selectors import recognition_posts_public

    WebhookEndpoint.objects.update(active=False)  # earlier rounds (a hanging job may still run)
    good = [WebhookEndpoint.objects.create(url=url) for url in healthy]
    for url in failing:
        WebhookEndpoint.objects.create(url=url)
    services.webhook_deliveries_create(posts=recognition_posts_public())
    expected = len(good) * recognition_posts_public().count()
    started = time.perf_counter()
    webhooks.endpoints_dispatch()
    done = WebhookDelivery.objects.filter(endpoint__in=good, status="delivered")
    while done.count() < expected:
        time.sleep(0.05)
        assert time.perf_counter() - started < 600, "timed out"
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with scratch_django("webhooks") as db:
        from config.celery import app

        app.control.purge()
        make_posts(args.posts)
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--concurrency=6",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=WARNING",
                "--hostname=bench@%h",
            ],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}"},
        )
        try:
            while not app.control.ping(timeout=0.5):
                time.sleep(0.5)
            healthy = [serve(Ok) for _ in range(4)]
            hanging = serve(Hang)
            print(f"{args.posts} posts; healthy endpoints: 4; worker: prefork × 6")
            print(f"{'round':<7}{'4 healthy s':>13}{'+ 1 hanging s':>15}{'ratio':>8}")
            ratios = []
            for r in range(args.rounds):
                base = run(healthy, [])
                mixed = run(healthy, [hanging])
                ratios.append(mixed / base)
                print(f"{r + 1:<7}{base:>13.2f}{mixed:>15.2f}{mixed / base:>8.2f}")
            print(f"median ratio: {sorted(ratios)[len(ratios) // 2]:.2f} (goal ≤ 1.5)")
        finally:
            worker.terminate()
            worker.wait(timeout=60)
            app.control.purge()


if __name__ == "__main__":
    main()
