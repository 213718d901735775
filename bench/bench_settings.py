"""Settings for bench/listing.py: the project plus two baseline views."""

from config.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
