"""Object storage settings: the ``S3_*`` variables (docs/configuration.md)
turned into Django's ``STORAGES["default"]``; read by the settings and by the
tests that start workers against a bucket of their own."""

from __future__ import annotations

from collections.abc import Mapping


def s3_storage(env: Mapping[str, str]) -> dict | None:
    """The S3 storage backend for these variables, or ``None`` without a
    bucket (local files under MEDIA_ROOT)."""
    bucket = env.get("S3_BUCKET", "")
    if not bucket:
        return None
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.get("S3_ENDPOINT_URL") or None,
            "region_name": env.get("S3_REGION") or None,
            "access_key": env.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": env.get("S3_SECRET_ACCESS_KEY") or None,
            "location": env.get("S3_PREFIX", ""),
            # MinIO and most self-hosted servers: bucket in the path.
            "addressing_style": env.get("S3_ADDRESSING_STYLE") or "path",
            "default_acl": None,  # the bucket's own policy: private
            "file_overwrite": False,  # a name taken gets a suffix, never replaced
            "querystring_expire": 60,
        },
    }
