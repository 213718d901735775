"""Prepared statements for the hottest raw queries (PostgreSQL)."""

from __future__ import annotations

import time

from django.db import connection


def fetch_prepared(sql: str, params) -> list[tuple]:
    """Run ``sql`` as a prepared statement on PostgreSQL (planned once per
    connection, then reused: the list pages run the same few queries on
    every request), through a plain cursor elsewhere. Logged like Django's
    own cursors when queries are recorded (tests, DEBUG), so query counts
    stay true.

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
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall()
    finally:
        if connection.queries_logged:
            connection.queries_log.append(
                {"sql": f"{sql} -- {params!r}", "time": f"{time.monotonic() - started:.3f}"}
            )
