import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rewards import services
from tests.nominations.helpers import decided, move_to, publish_results

GOLD = {
    "gold": [
        {"kind": "bonus", "amount": Decimal(5_000_000)},
        {"kind": "training", "amount": Decimal(20)},
        {"kind": "credit_points", "amount": Decimal("12.5")},
        {"kind": "talent_pool", "amount": Decimal(0)},
    ],
    "silver": [{"kind": "bonus", "amount": Decimal(2_500_000)}],
    "bronze": [{"kind": "recognition", "amount": Decimal(0)}],
}


@pytest.fixture
def policy(cycle, secretariat):
    """Gold earns a bonus of Rp 5,000,000, 20 training hours, 12.5 credit
    points and the talent pool; the budget is Rp 12,000,000."""
    services.incentive_policy_set(
        cycle_id=cycle.pk, actor=secretariat.user, bonus_budget=Decimal(12_000_000), levels=GOLD
    )
    return cycle


def decide(cycle, supervisor, nominees, level="gold", title="Layanan izin satu hari"):
    return decided(cycle, supervisor, nominees, level=level, title=title)


@pytest.fixture
def published(policy, supervisor, subordinate, junior, secretariat, cycle):
    """The cycle published with one gold nomination (subordinate) and one
    team nomination (junior lead + subordinate) at silver; the rewards job has
    run in-process."""
    from people.models import Employee

    for person in (subordinate, junior):
        person.email = f"{person.user.username}@example.test"
        Employee.objects.filter(pk=person.pk).update(email=person.email)
    gold = decide(cycle, supervisor, [subordinate])
    team = decide(cycle, supervisor, [junior, subordinate], level="silver", title="Antrian daring")
    move_to(cycle, "deciding")
    publish_results(cycle, secretariat)
    services.publication_process(cycle_id=cycle.pk)
    return {"gold": gold, "team": team, "cycle": cycle}


class Receiver:
    """A real HTTP server on 127.0.0.1 standing in for an outside webhook
    consumer. Paths choose its behaviour: ``/ok`` 200, ``/fail`` 500,
    ``/gone`` 410, ``/redirect`` 302 to ``/ok``, ``/hang`` never answers in
    time. Every request is recorded with its arrival time."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.requests.append(
                        {
                            "path": self.path,
                            "headers": {k.lower(): v for k, v in self.headers.items()},
                            "body": body,
                            "at": time.monotonic(),
                        }
                    )
                if self.path.startswith("/hang"):
                    time.sleep(5)
                code = {"/fail": 500, "/gone": 410, "/redirect": 302}.get(self.path, 200)
                try:
                    self.send_response(code)
                    if code == 302:
                        self.send_header("Location", "/ok")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the sender gave up waiting (the /hang case)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def to(self, path):
        with self.lock:
            return [r for r in self.requests if r["path"] == path]


@pytest.fixture
def receiver():
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def published_on_commit(policy, supervisor, subordinate, secretariat, cycle):
    """Publish one gold nomination for real: the jobs go to the broker after
    commit (use with ``transactional_db`` and ``celery_worker``)."""
    from nominations import services as nominations

    decide(cycle, supervisor, [subordinate])
    move_to(cycle, "deciding")

    def run():
        return nominations.cycle_publish(cycle_id=cycle.pk, actor=secretariat.user)

    return run
