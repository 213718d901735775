"""Abuse limits (issue 11 §3): throttles key on the real client address, the
verification page counts like the API, malformed input answers 4xx."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from certificates.throttles import VerifyThrottle


@pytest.fixture
def two_checks_a_minute(monkeypatch, db):
    monkeypatch.setattr(VerifyThrottle, "rate", "2/min", raising=False)
    cache.clear()
    yield
    cache.clear()


def _codes(client, path, forwarded_for, remote="203.0.113.7"):
    return [
        client.get(path, HTTP_X_FORWARDED_FOR=f, REMOTE_ADDR=remote).status_code
        for f in forwarded_for
    ]


def test_a_forged_forwarded_for_does_not_escape_the_throttle(two_checks_a_minute):
    """No trusted proxy (the default): the header is ignored."""
    forged = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"]
    assert _codes(Client(), "/api/v1/verify/AAAABBBBCCCC", forged) == [404, 404, 429, 429]


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(two_checks_a_minute, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = Client()
    path = "/api/v1/verify/AAAABBBBCCCC"
    proxy = "10.1.2.3"
    # Two clients behind the proxy, two checks each.
    assert _codes(client, path, ["198.51.100.1"] * 2 + ["198.51.100.2"] * 2, proxy) == [404] * 4
    # A client that writes its own header: the proxy appends the real address,
    # which is what counts (the forged left part is ignored).
    forged = ["1.1.1.1, 198.51.100.1", "2.2.2.2, 198.51.100.1"]
    assert _codes(client, path, forged, proxy) == [429, 429]
    # The header from anyone but a trusted proxy is ignored.
    assert _codes(client, path, ["198.51.100.9"] * 3, "203.0.113.50") == [404, 404, 429]


def test_the_verification_page_counts_with_the_api(two_checks_a_minute):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get("/api/v1/verify/AAAABBBBCCCC").status_code == 404
    assert client.get("/verify/AAAABBBBCCCC").status_code == 404
    page = client.get("/verify/AAAABBBBCCCC")
    assert page.status_code == 429
    assert "Too many checks" in page.content.decode()


def test_a_code_that_cannot_be_one_is_not_found(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for typed in ("a/b", "../../etc", "%00"):
        assert client.get("/verify", {"code": typed}).status_code == 404, typed
    response = client.get("/verify", {"code": "abcd efgh-ijkl"})
    assert response.status_code == 302
    assert response["Location"] == "/verify/ABCDEFGHIJKL"


def test_the_login_lockout_keys_on_the_real_address(db, supervisor, settings):
    """Five wrong passwords lock the username at that address, whatever
    X-Forwarded-For says (django-axes through core.net.client_ip)."""
    from axes.models import AccessAttempt

    client = Client()
    for n in range(5):
        client.post(
            "/api/v1/auth/token",
            {"username": "supervisor", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            REMOTE_ADDR="203.0.113.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}


def test_an_oversized_body_is_refused_before_it_is_read(db):
    """300 MB declared to the verification upload: 413 at once, and the body
    is never read (the input stream here would fail the test if it were)."""
    from django.test import RequestFactory

    from core.middleware import BodyLimitMiddleware

    class Untouchable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    request = RequestFactory().post("/api/v1/verify", data=b"", content_type="application/pdf")
    request.META["CONTENT_LENGTH"] = str(300 * 2**20)
    request.META["wsgi.input"] = Untouchable()
    request._stream = Untouchable()
    response = BodyLimitMiddleware(lambda r: r.read())(request)
    assert response.status_code == 413
    assert json.loads(response.content) == {
        "message": "The request is too large: at most 21 MB.",
        "code": "too_large",
        "fields": {},
    }
    # Through the whole stack too, and for a web page.
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    big = {"CONTENT_LENGTH": str(300 * 2**20)}
    assert (
        client.post("/api/v1/verify", data=b"x", content_type="application/pdf", **big).status_code
        == 413
    )
    assert (
        client.post("/verify", data=b"x", content_type="application/pdf", **big).status_code == 413
    )
    # Within the limit, the request goes on.
    assert client.post("/api/v1/verify", {}).status_code == 400


def test_json_nested_too_deep_is_a_400_not_a_500(db, api, supervisor):
    body = "[" * 1000 + "]" * 1000
    anonymous = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    for response in (
        anonymous.post("/api/v1/auth/token", data=body, content_type="application/json"),
        api.as_(supervisor).generic(
            "POST", "/api/v1/nominations", body, content_type="application/json"
        ),
    ):
        assert response.status_code == 400
        assert "nested deeper than 64" in response.json()["message"]
    # 64 levels are fine (the parser is not what refuses them).
    body = "[" * 64 + "]" * 64
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token", data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested" not in response.json()["message"]


def test_nul_in_json_text_is_a_400_naming_the_field(db, api, supervisor, subordinate, cycle):
    """Text fields refuse NUL (DRF's validator), and so do free-form JSON
    values such as review comments (the review service)."""
    from nominations import services
    from tests.nominations.helpers import ALL_FIVE, payload

    body = payload(cycle, [subordinate], title="Judul\x00")
    response = api.as_(supervisor).post("/api/v1/nominations", body, format="json")
    assert (response.status_code, list(response.json()["fields"])) == (400, ["title"])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.reviews._validated_scores(
            list(cycle.rubric.criteria.all()), ALL_FIVE, {"novelty": "a\x00b"}, submit=False
        )
    assert error.value.message_dict == {
        "comments.novelty": ["Text may not contain NUL characters."]
    }


BIG = "99999999999999999999999"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (f"/api/v1/nominations?cycle={BIG}", "cycle"),
        (f"/api/v1/recognitions?cycle={BIG}", "cycle"),
        (f"/api/v1/certificates?cycle={BIG}", "cycle"),
        (f"/api/v1/incentives?employee={BIG}", "employee"),
        (f"/api/v1/employees?unit={BIG}", "unit"),
    ],
)
def test_integers_beyond_the_database_range_in_filters_are_400_naming_the_field(
    db, api, secretariat, path, field
):
    response = api.as_(secretariat).get(path)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/nominations/{BIG}",
        f"/api/v1/recognitions/{BIG}",
        f"/api/v1/incentives/{BIG}",
        f"/api/v1/cycles/{BIG}",
        f"/api/v1/cycles?page={BIG}",
        f"/recognitions?cycle={BIG}",
        f"/recognitions/{BIG}",
        f"/nominations/{BIG}",
    ],
)
def test_integers_beyond_the_database_range_in_paths_are_never_a_500(db, secretariat, path):
    client = Client(raise_request_exception=False)
    client.force_login(secretariat.user)
    assert client.get(path).status_code in (200, 404)
