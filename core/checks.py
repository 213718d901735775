"""System checks of this project's own settings."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

# The key the embedded default falls back to when none is configured.
EMBEDDED_SECRET_KEY = "insecure-embedded-default-key-change-me-in-production"
# Django's own minimum (security.W009): 50 characters, 5 different ones.
MIN_SECRET_KEY_LENGTH = 50


def secret_key_problem() -> str | None:
    """Why the secret key may not sign sessions and tokens in production."""
    key = str(settings.SECRET_KEY)
    if key == EMBEDDED_SECRET_KEY:
        return "SECRET_KEY is the embedded development default"
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 5:
        return (
            f"SECRET_KEY is weaker than Django's minimum "
            f"({MIN_SECRET_KEY_LENGTH} characters, 5 different)"
        )
    return None


def refuse_weak_secret_key() -> None:
    """Stop the service at start (``config.wsgi``) when ``DEBUG`` is off and
    the secret key is the embedded default or too weak."""
    from django.core.exceptions import ImproperlyConfigured

    problem = None if settings.DEBUG else secret_key_problem()
    if problem:
        raise ImproperlyConfigured(
            f"{problem}. Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, e.g. "
            'python -c "import secrets; print(secrets.token_urlsafe(60))"'
        )


@register(Tags.security, deploy=True)
def check_secret_key(app_configs, **kwargs):
    problem = secret_key_problem()
    if problem:
        return [
            Error(
                problem,
                hint="Set SECRET_KEY or SECRET_KEY_FILE to a random value of 50+ characters.",
                id="apresiasi.E001",
            )
        ]
    return []
