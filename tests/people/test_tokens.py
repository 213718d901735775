"""API tokens end: revoked by their owner, expired when idle, revoked by a
password change (issue 11 §3)."""

import datetime as dt

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from people.models import TokenUse


def _token(person) -> str:
    response = APIClient().post(
        "/api/v1/auth/token", {"username": person.user.username, "password": "pw-Apresiasi-1"}
    )
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def _with(token) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def _person(supervisor):
    supervisor.user.set_password("pw-Apresiasi-1")
    supervisor.user.save()
    return supervisor


def test_delete_revokes_the_callers_token(db, supervisor):
    person = _person(supervisor)
    token = _token(person)
    client = _with(token)
    assert client.get("/api/v1/me").status_code == 200
    assert client.delete("/api/v1/auth/token").status_code == 204
    assert client.get("/api/v1/me").status_code == 401
    assert not Token.objects.filter(key=token).exists()
    # Logging out needs a login.
    assert APIClient().delete("/api/v1/auth/token").status_code == 401


def test_a_token_idle_too_long_expires(db, supervisor, settings):
    settings.API_TOKEN_IDLE_DAYS = 30
    person = _person(supervisor)
    token = _token(person)
    client = _with(token)
    assert client.get("/api/v1/me").status_code == 200
    # Used 29 days ago: still good, and its use is noted.
    TokenUse.objects.update_or_create(
        token_id=token, defaults={"last_used_at": timezone.now() - dt.timedelta(days=29)}
    )
    assert client.get("/api/v1/me").status_code == 200
    assert TokenUse.objects.get(token_id=token).last_used_at > timezone.now() - dt.timedelta(
        minutes=1
    )
    # Unused for 31 days: refused, deleted, and a new login gives a new token.
    TokenUse.objects.filter(token_id=token).update(
        last_used_at=timezone.now() - dt.timedelta(days=31)
    )
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["message"] == (
        "The token expired after 30 days unused; ask for a new one."
    )
    assert not Token.objects.filter(key=token).exists()
    assert _token(person) != token


def test_a_password_change_revokes_the_tokens(db, supervisor, subordinate):
    person = _person(supervisor)
    token = _token(person)
    other = _token(_person(subordinate))
    person.user.last_login = timezone.now()
    person.user.save(update_fields=["last_login"])  # not a password change
    assert _with(token).get("/api/v1/me").status_code == 200
    person.user.set_password("another-Passw0rd")
    person.user.save()
    assert _with(token).get("/api/v1/me").status_code == 401
    assert _with(other).get("/api/v1/me").status_code == 200


def test_password_spraying_from_one_address_is_stopped(db, settings, org):
    """Many usernames, one wrong password each, from one address: after
    LOGIN_FAILURES_PER_ADDRESS the address is refused — even a right password."""
    from django.core.cache import cache

    from tests.fixtures import _person

    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    cache.clear()
    victim = _person("victim", org["dit"])
    victim.user.set_password("pw-Apresiasi-1")
    victim.user.save()
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    codes = [
        client.post("/api/v1/auth/token", {"username": f"user{n}", "password": "x"}).status_code
        for n in range(4)
    ]
    assert codes == [400] * 4
    right = client.post("/api/v1/auth/token", {"username": "victim", "password": "pw-Apresiasi-1"})
    assert right.status_code == 429
    # Another address is not affected.
    other = APIClient(REMOTE_ADDR="203.0.113.10").post(
        "/api/v1/auth/token", {"username": "victim", "password": "pw-Apresiasi-1"}
    )
    assert other.status_code == 200
    cache.clear()


def test_one_username_attacked_from_many_addresses_is_stopped(db, settings, supervisor):
    from django.core.cache import cache
    from django.test import Client

    settings.LOGIN_FAILURES_PER_USERNAME = 3
    cache.clear()
    person = _person(supervisor)
    for n in range(3):
        APIClient(REMOTE_ADDR=f"198.51.100.{n}").post(
            "/api/v1/auth/token", {"username": "supervisor", "password": "wrong"}
        )
    fresh = APIClient(REMOTE_ADDR="198.51.100.99", HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token", {"username": "supervisor", "password": "pw-Apresiasi-1"}
    )
    assert fresh.status_code == 429
    assert fresh.json()["message"] == "Too many failed logins; try again later."
    page = Client(REMOTE_ADDR="198.51.100.98", HTTP_ACCEPT_LANGUAGE="en").post(
        "/login", {"username": "supervisor", "password": "pw-Apresiasi-1"}
    )
    assert page.status_code == 429
    assert "Too many failed log-in attempts" in page.content.decode()
    assert person.user.username == "supervisor"
    cache.clear()


def test_a_username_longer_than_any_is_refused_before_the_login_limits_record_it(db):
    response = APIClient().post(
        "/api/v1/auth/token", {"username": "x" * 300, "password": "pw"}, format="json"
    )
    assert response.status_code == 400
    assert "username" in response.json()["fields"]
