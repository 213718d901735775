"""A check when a Celery worker starts."""

import ctypes.util
import logging


def harfbuzz_subset_available() -> bool:
    return ctypes.util.find_library("harfbuzz-subset") is not None


def warn_without_harfbuzz_subset(**kwargs) -> None:
    """At worker start-up: without libharfbuzz-subset0 WeasyPrint subsets fonts
    in pure Python and every certificate renders about five times slower."""
    if not harfbuzz_subset_available():
        logging.getLogger("certificates").warning(
            "\n%s\nlibharfbuzz-subset0 is NOT installed: certificates will render about 5x "
            "slower (Debian/Ubuntu: apt-get install libharfbuzz-subset0).\n%s",
            "!" * 72,
            "!" * 72,
        )


def connect_worker_checks() -> None:
    from celery.signals import worker_init

    worker_init.connect(warn_without_harfbuzz_subset, weak=False)
