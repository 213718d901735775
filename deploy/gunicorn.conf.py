"""gunicorn's settings for the web service (``-c deploy/gunicorn.conf.py`` in
docker-compose.yml).

With ``PROMETHEUS_MULTIPROC_DIR`` set, every gunicorn process writes its
request metrics there and ``/metrics`` sums them (``core.metrics``): the
folder is emptied when gunicorn starts, and a process that exits is marked
dead so its gauges stop counting.
"""

import os
import shutil

from prometheus_client import multiprocess


def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
