"""What a Celery worker does for certificates when it starts."""

import ctypes.util
import gc
import logging
import time

log = logging.getLogger("certificates")

QUEUE = "certificates"  # settings.CELERY_TASK_ROUTES sends certificate jobs here


def harfbuzz_subset_available() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is not None


def warn_without_harfbuzz_subset(**kwargs) -> None:
    """At worker start-up: without libharfbuzz-subset0 WeasyPrint subsets fonts
    in pure Python and every certificate renders about five times slower."""
    if not harfbuzz_subset_available():
        log.warning(
            "\n%s\nlibharfbuzz-subset0 is NOT installed: certificates will render about 5x "
            "slower (Debian/Ubuntu: apt-get install libharfbuzz-subset0).\n%s",
            "!" * 72,
            "!" * 72,
        )


def prepare_process(**kwargs) -> None:
    """In each worker process, before its first job: load the certificate's
    stylesheet, fonts and signing key, then move everything loaded so far out
    of the garbage collector's sight (``gc.freeze``). A layout allocates many
    small objects; each full collection then walked Django's, WeasyPrint's and
    pyHanko's hundreds of thousands of long-lived objects too, about a fifth of
    the layout time. Nothing frozen is ever freed, and it is only what a
    process keeps for its whole life anyway."""
    from . import rendering, signing

    started = time.perf_counter()
    rendering.warm_up()
    try:
        signing.warm_up()
    except (OSError, ValueError) as exc:  # a job says so again, and fails
        log.warning("certificate signing key not loaded: %s", exc)
    gc.collect()
    gc.freeze()
    log.info("certificate renderer ready in %.0f ms", (time.perf_counter() - started) * 1000)


def consumes_certificates(worker) -> bool:
    """Whether a starting worker takes certificate jobs: started without -Q
    (every queue) or with ``certificates`` among them. Celery has selected the
    worker's queues by the time it sends ``worker_init``."""
    return QUEUE in worker.app.amqp.queues.consume_from


def prepare_certificate_worker(sender, **kwargs) -> None:
    """``worker_init``: only a worker that renders certificates checks for
    HarfBuzz and loads WeasyPrint and the signing key into each of its
    processes. A webhook or mail worker (``-Q webhooks``) stays small."""
    from celery.signals import worker_process_init

    if not consumes_certificates(sender):
        return
    warn_without_harfbuzz_subset()
    worker_process_init.connect(prepare_process, weak=False, dispatch_uid="certificates.prepare")


def connect_worker_checks() -> None:
    from celery.signals import worker_init

    worker_init.connect(prepare_certificate_worker, weak=False)
