"""Run several calls at the same moment, as two browser tabs or two
workers would: each in its own thread (its own database connection),
released together by a barrier."""

import threading

from django.db import connection


def together(*jobs) -> list:
    """Run each of ``jobs`` in its own thread, all released at once; their
    results, in the order they finished."""
    barrier = threading.Barrier(len(jobs))
    results = []

    def run(job):
        try:
            barrier.wait()
            results.append(job())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
