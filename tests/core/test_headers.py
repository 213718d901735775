"""Headers and start-up guards (issue 11 §7)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client


def test_every_page_has_a_csp_without_inline_script_or_style(db, supervisor):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for path in ("/login", "/recognitions", "/verify", "/api/docs/"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy, path
        assert "style-src 'self'" in policy, path
        assert "unsafe-inline" not in policy, path
        assert "unsafe-eval" not in policy, path
        page = response.content.decode()
        assert "<script>" not in page, path  # every script is a file
        assert ' style="' not in page, path
        assert "camera=()" in response["Permissions-Policy"]
    client.force_login(supervisor.user)
    response = client.get("/team")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert ' style="' not in response.content.decode()


def test_authenticated_answers_are_never_cached(db, api, supervisor, hr):
    response = api.as_(supervisor).get("/api/v1/me")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    client = Client()
    client.force_login(hr.user)
    export = client.get("/career-events.csv")
    assert "no-store" in export["Cache-Control"]
    # Public pages may be cached.
    assert "no-store" not in Client().get("/recognitions").get("Cache-Control", "")


def test_the_evidence_download_keeps_its_own_sandbox_policy(db):
    """The stricter policy a download sets is not replaced by the site's."""
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.test import RequestFactory

    def view(request):
        response = HttpResponse(b"%PDF")
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response

    response = CSPMiddleware(view)(RequestFactory().get("/x"))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    "key",
    [
        "insecure-embedded-default-key-change-me-in-production",
        "short-key",
        "a" * 60,
    ],
)
def test_a_weak_secret_key_stops_the_service_with_debug_off(settings, key):
    from core.checks import refuse_weak_secret_key

    settings.DEBUG = False
    settings.SECRET_KEY = key
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        refuse_weak_secret_key()
    settings.DEBUG = True
    refuse_weak_secret_key()  # a developer's machine may use it


def test_check_deploy_flags_a_weak_secret_key(settings, capsys):
    from django.core.management.base import SystemCheckError

    settings.SECRET_KEY = "insecure-embedded-default-key-change-me-in-production"
    with pytest.raises(SystemCheckError, match=r"apresiasi\.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_a_strong_key_starts(settings):
    import secrets

    from core.checks import refuse_weak_secret_key

    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(60)
    refuse_weak_secret_key()


def test_weasyprint_progress_is_not_logged_at_info():
    import logging

    assert not logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
    assert logging.getLogger("weasyprint").isEnabledFor(logging.WARNING)
