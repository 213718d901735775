"""Prepared statements for the hottest raw queries (PostgreSQL)."""

from __future__ import annotations

import functools
import time

from django.db import connection


@functools.cache
def _timestamptz_loader():
    import psycopg

    oid = psycopg.postgres.types["timestamptz"].oid
    return psycopg.adapters.get_loader(oid, psycopg.pq.Format.TEXT)


def fetch_prepared(sql: str, params) -> list[tuple]:
    """Run ``sql`` as a prepared statement on PostgreSQL (planned once per
    connection, then reused: the list pages run the same few queries on
    every request), through a plain cursor elsewhere. Logged like Django's
    own cursors when queries are recorded (tests, DEBUG), so query counts
    stay true.

    Timestamps are read by psycopg's C loader, not Django's: Django wraps
    psycopg's pure-Python loader (to attach the connection's time zone) and
    that cost more than the query on a 50-row page. Django sets the session
    time zone to UTC (``USE_TZ``), so the values are the same aware UTC
    datetimes.

    Not for PgBouncer in transaction mode before 1.21, which cannot keep
    prepared statements across transactions."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    connection.ensure_connection()
    started = time.monotonic()
    try:
        with psycopg.Cursor(connection.connection) as cursor:
            cursor.adapters.register_loader("timestamptz", _timestamptz_loader())
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall()
    finally:
        if connection.queries_logged:
            connection.queries_log.append(
                {"sql": f"{sql} -- {params!r}", "time": f"{time.monotonic() - started:.3f}"}
            )
