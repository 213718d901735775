"""One error shape everywhere (issue 11 §5): every answer under /api/ that is
an error is ``{message, code, fields}``, Django's own included; the site's
pages are its own, in both languages, and never show the error."""

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

SHAPE = {"message", "code", "fields"}


def _is_shaped(response) -> bool:
    body = response.json()
    return (
        response["Content-Type"].startswith("application/json")
        and set(body) == SHAPE
        and isinstance(body["message"], str)
        and body["message"]
        and isinstance(body["fields"], dict)
    )


@pytest.fixture
def staff_client(subordinate):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(subordinate.user)
    return client


def test_every_api_error_has_the_one_shape(db, staff_client, supervisor, cycle, monkeypatch):
    anonymous = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    session = APIClient(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    session.force_login(supervisor.user)
    answers = {
        400: staff_client.post("/api/v1/nominations", {}, format="json"),
        401: anonymous.get("/api/v1/me"),
        403: session.post("/api/v1/nominations", {}, format="json"),  # no CSRF token
        404: staff_client.get("/api/v1/no-such-thing"),
        405: staff_client.delete("/api/v1/cycles"),
        406: staff_client.get("/api/v1/me", HTTP_ACCEPT="text/csv"),
        413: anonymous.post(
            "/api/v1/verify",
            data=b"x",
            content_type="application/pdf",
            CONTENT_LENGTH=str(300 * 2**20),
        ),
        415: staff_client.post("/api/v1/auth/token", data="x", content_type="text/plain"),
    }
    # 409: a cycle that is not reviewing cannot get reviewers.
    secretariat_client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    from tests.factories import UserFactory

    secretariat_client.force_authenticate(UserFactory(groups=["secretariat"]))
    answers[409] = secretariat_client.post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers")
    # 429: the verification limit.
    from certificates.throttles import VerifyThrottle

    monkeypatch.setattr(VerifyThrottle, "rate", "1/min", raising=False)
    cache.clear()
    anonymous.get("/api/v1/verify/AAAABBBBCCCC")
    answers[429] = anonymous.get("/api/v1/verify/AAAABBBBCCCC")
    cache.clear()
    # 500: a crash inside a view.
    from people.api import views

    def crash(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(views.MeView, "get", crash)
    crashing = APIClient(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    crashing.force_authenticate(supervisor.user)
    answers[500] = crashing.get("/api/v1/me")
    for status, response in answers.items():
        assert response.status_code == status, (status, response.content[:200])
        assert _is_shaped(response), (status, response.content[:200])
    assert b"secret detail" not in answers[500].content
    assert answers[400].json()["fields"]  # validation errors name the fields


@pytest.mark.parametrize(("language", "text"), [("en", "Page not found"), ("id", "Halaman")])
def test_the_site_has_its_own_error_pages_in_both_languages(db, language, text):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert text in page
    assert f'<html lang="{language}"' in page


def test_a_crash_on_the_site_shows_the_sites_page_and_nothing_of_the_error(
    db, supervisor, monkeypatch
):
    def crash(*args, **kwargs):
        raise RuntimeError("secret detail")

    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(supervisor.user)
    from web.views import staff

    monkeypatch.setattr(staff, "render", crash)
    response = client.get("/my/certificates")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "secret detail" not in page
    assert "Traceback" not in page


def test_a_csrf_failure_on_the_site_is_the_sites_page(db, supervisor):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    client.force_login(supervisor.user)
    response = client.post("/my/preference", {})
    assert response.status_code == 403
    assert "The form expired" in response.content.decode()
