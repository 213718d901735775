"""Database connections stay bounded however many processes run: every web
process reaches PostgreSQL through PgBouncer in transaction mode (as in
docker-compose.yml), which holds a fixed pool of server connections. Two
gunicorn servers of four processes each answer forty requests at once — the
token check and the nomination list, the hottest queries — and PostgreSQL
never sees more than the pool's three connections."""

import concurrent.futures
import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time

import httpx
import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.core.test_many_nodes import web_process
from tests.fixtures import free_port

POOL = 3
# Debian's package (.ci/run installs it) puts it in /usr/sbin.
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


@contextlib.contextmanager
def pgbouncer(tmp_path):
    """PgBouncer on a spare port in front of the test PostgreSQL; its URL."""
    db = connection.settings_dict
    port = free_port()
    # PgBouncer will not run as root: as root (CI), it runs as the
    # PostgreSQL server's user, which must be able to read its files.
    tmp_path.chmod(0o755)
    as_user = ["-u", "postgres"] if os.geteuid() == 0 else []
    (tmp_path / "users.txt").write_text(f'"{db["USER"]}" ""\n')
    (tmp_path / "pgbouncer.ini").write_text(
        f"""[databases]
* = host={db["HOST"]} port={db["PORT"]}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {tmp_path / "users.txt"}
pool_mode = transaction
default_pool_size = {POOL}
max_client_conn = 500
application_name_add_host = 0
ignore_startup_parameters = extra_float_digits,options
"""
    )
    process = subprocess.Popen(
        [PGBOUNCER, *as_user, str(tmp_path / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("PgBouncer did not start")
            time.sleep(0.1)
        yield f"postgres://{db['USER']}@127.0.0.1:{port}/{db['NAME']}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextlib.contextmanager
def sampling_connections(name: str):
    """Counts PostgreSQL's connections to database ``name`` every 10 ms from
    a connection of its own, until the block ends; yields the list of counts."""
    import psycopg

    db = connection.settings_dict
    counts: list[int] = []
    stop = threading.Event()

    def sample() -> None:
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
        ) as own:
            while not stop.is_set():
                counts.append(
                    own.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                        [name],
                    ).fetchone()[0]
                )
                time.sleep(0.01)

    thread = threading.Thread(target=sample)
    thread.start()
    try:
        yield counts
    finally:
        stop.set()
        thread.join()


@pytest.mark.django_db(transaction=True)
def test_many_processes_share_a_fixed_pool_of_database_connections(
    tmp_path, cycle, supervisor, subordinate
):
    from tests.nominations.helpers import nomination

    for i in range(5):
        nomination(cycle, supervisor, [subordinate], title=f"Inovasi {i}")
    token = Token.objects.create(user=supervisor.user)
    name = connection.settings_dict["NAME"]
    connection.close()  # the test's own connection is not the pool's
    with pgbouncer(tmp_path) as url, contextlib.ExitStack() as stack:
        env = {
            "DATABASE_URL": url,
            "CONN_MAX_AGE": "60",  # each process keeps its (client) connection
            # PgBouncer before 1.21 cannot keep prepared statements across
            # transactions (Debian 12 ships 1.18; compose runs 1.21+ with them on).
            "DATABASE_PREPARED_STATEMENTS": "false",
            "DATABASE_DISABLE_SERVER_SIDE_CURSORS": "true",
        }
        servers = [stack.enter_context(web_process(env, workers=4)) for _ in range(2)]

        def ask(i: int) -> tuple[int, int]:
            response = httpx.get(
                f"{servers[i % 2]}/api/v1/nominations",
                headers={"Authorization": f"Token {token}"},
                timeout=30,
            )
            return response.status_code, response.json().get("count", -1)

        with (
            sampling_connections(name) as counts,
            concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool,
        ):
            results = list(pool.map(ask, range(40)))
    assert results == [(200, 5)] * 40
    # Eight processes, sixteen requests at a time: never more than the pool.
    assert 1 <= max(counts) <= POOL, counts
