import pytest
from rest_framework.test import APIClient

from tests.factories import PASSWORD, EmployeeFactory


def names(response):
    return sorted(e["name"] for e in response.json()["results"])


def test_supervisor_sees_their_whole_line(api, supervisor, subordinate, junior, outsider):
    response = api.as_(supervisor).get("/api/v1/employees")
    assert response.status_code == 200
    assert names(response) == ["Junior", "Subordinate"]


def test_secretariat_and_hr_see_everyone(api, supervisor, subordinate, secretariat, hr, outsider):
    everyone = ["Hr", "Outsider", "Secretariat", "Subordinate", "Supervisor"]
    assert names(api.as_(secretariat).get("/api/v1/employees")) == everyone
    assert names(api.as_(hr).get("/api/v1/employees")) == everyone


def test_anyone_else_gets_an_empty_list(api, subordinate, outsider):
    response = api.as_(outsider).get("/api/v1/employees")
    assert response.json() == {
        "count": 0,
        "count_exact": True,
        "next": None,
        "previous": None,
        "last": None,
        "results": [],
    }


def test_employee_payload_shape(api, supervisor, subordinate, org):
    row = api.as_(supervisor).get("/api/v1/employees").json()["results"][0]
    assert row == {
        "id": subordinate.pk,
        "nip": subordinate.nip,
        "name": "Subordinate",
        "org_unit": {"id": org["dit"].pk, "code": "DIT", "name": "Direktorat"},
        "position": "Analis Kebijakan",
        "position_type": "executor",
        "rank": "III/b",
        "employment_status": "pns",
        "supervisor": supervisor.pk,
        "active": True,
    }


def test_search_by_name_or_nip_and_unit_filter(api, secretariat, supervisor, subordinate, org):
    client = api.as_(secretariat)
    assert names(client.get("/api/v1/employees", {"search": "subord"})) == ["Subordinate"]
    assert names(client.get("/api/v1/employees", {"search": subordinate.nip})) == ["Subordinate"]
    nip = subordinate.nip
    spaced = f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    assert names(client.get("/api/v1/employees", {"search": spaced})) == ["Subordinate"]
    assert names(client.get("/api/v1/employees", {"unit": org["dit"].pk})) == [
        "Subordinate",
        "Supervisor",
    ]
    assert names(client.get("/api/v1/employees", {"unit": org["root"].pk})) == [
        "Secretariat",
        "Subordinate",
        "Supervisor",
    ]


def test_a_unit_filter_that_matches_no_unit_gives_an_empty_list(api, secretariat):
    """A schema-valid id is a valid filter (OpenAPI: an integer); one that is
    no unit matches nobody. Not an integer: 400 naming the field."""
    response = api.as_(secretariat).get("/api/v1/employees", {"unit": 999999})
    assert (response.status_code, response.json()["results"]) == (200, [])
    response = api.as_(secretariat).get("/api/v1/employees", {"unit": "abc"})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["unit"])


def test_page_size_outside_1_to_200_is_a_400_naming_it(api, secretariat):
    for value in ("0", "201", "abc", ""):
        response = api.as_(secretariat).get("/api/v1/employees", {"page_size": value})
        assert (response.status_code, list(response.json()["fields"])) == (400, ["page_size"])
    assert api.as_(secretariat).get("/api/v1/employees", {"page_size": "200"}).status_code == 200


def test_list_is_paginated_with_a_fixed_number_of_queries(
    api, secretariat, org, django_assert_max_num_queries
):
    EmployeeFactory.create_batch(3, org_unit=org["dit"])
    with django_assert_max_num_queries(5):
        small = api.as_(secretariat).get("/api/v1/employees", {"page_size": 2})
    EmployeeFactory.create_batch(40, org_unit=org["dit"])
    with django_assert_max_num_queries(5):
        large = api.as_(secretariat).get("/api/v1/employees", {"page_size": 200})
    assert (small.json()["count"], len(small.json()["results"])) == (4, 2)
    assert "cursor=" in small.json()["next"]
    assert "page_size=2" in small.json()["next"]
    assert len(large.json()["results"]) == 44


def walk(api, user, url, link="next"):
    """Every row of a list, following its links from ``url``."""
    seen, pages = [], 0
    while url:
        response = api.as_(user).get(url)
        assert response.status_code == 200, response.content
        seen += [row["name"] for row in response.json()["results"]]
        url, pages = response.json()[link], pages + 1
    return seen, pages


def test_the_links_walk_the_whole_list_in_name_order_both_ways(api, secretariat, org):
    # Several people share a name across page boundaries: the next page
    # starts after the last row's place, not after its name.
    for name in ["Wati"] * 5 + ["Andi", "Zaenal", "Budi"] * 2:
        EmployeeFactory(name=name, org_unit=org["dit"])
    everyone = sorted(
        ["Wati"] * 5 + ["Andi", "Zaenal", "Budi"] * 2 + ["Secretariat"],
    )
    forward, pages = walk(api, secretariat, "/api/v1/employees?page_size=3")
    assert (forward, pages) == (everyone, 4)
    first = api.as_(secretariat).get("/api/v1/employees?page_size=3").json()
    assert first["previous"] is None
    last = api.as_(secretariat).get(first["last"]).json()
    assert [row["name"] for row in last["results"]] == everyone[-3:]
    assert last["next"] is None
    assert last["last"] is None
    backward, _pages = walk(api, secretariat, first["last"], link="previous")
    assert sorted(backward) == everyone
    # Filters carry through the links.
    wati, pages = walk(api, secretariat, "/api/v1/employees?page_size=2&search=wati")
    assert (wati, pages) == (["Wati"] * 5, 3)


def test_a_long_list_says_its_count_is_capped(api, secretariat, org, monkeypatch):
    from core.pagination import KeysetPagination

    EmployeeFactory.create_batch(4, org_unit=org["dit"])
    monkeypatch.setattr(KeysetPagination, "count_cap", 5)
    exact = api.as_(secretariat).get("/api/v1/employees").json()
    assert (exact["count"], exact["count_exact"]) == (5, True)
    EmployeeFactory(org_unit=org["dit"])
    capped = api.as_(secretariat).get("/api/v1/employees").json()
    assert (capped["count"], capped["count_exact"], len(capped["results"])) == (5, False, 6)


@pytest.mark.parametrize("cursor", ["nonsense", "", "bz0tMQ==", "bz1hYmM=", "cj14"])
def test_a_cursor_that_is_not_one_of_the_lists_is_a_400(api, secretariat, cursor):
    response = api.as_(secretariat).get("/api/v1/employees", {"cursor": cursor})
    assert response.status_code == 400, response.content
    assert "cursor" in response.json()["fields"]


def test_unauthenticated_access_is_refused(db):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    for url in ("/api/v1/me", "/api/v1/employees"):
        response = client.get(url)
        assert response.status_code in (401, 403)
        assert response.json()["message"] == "Authentication credentials were not provided."


def test_token_login_then_me(db, supervisor, subordinate):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/auth/token", {"username": "supervisor", "password": PASSWORD})
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = client.get("/api/v1/me").json()
    assert (me["username"], me["roles"], me["employee"]["nip"]) == (
        "supervisor",
        ["staff", "supervisor"],
        supervisor.nip,
    )


def test_token_login_with_a_wrong_password_names_the_field(db, supervisor):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token", {"username": "supervisor", "password": "wrong"}
    )
    assert response.status_code == 400
    assert response.json() == {
        "message": "Unable to log in with the given username and password.",
        "code": "invalid",
        "fields": {"password": ["Wrong username or password."]},
    }


def test_token_login_without_fields_lists_them(db):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").post("/api/v1/auth/token", {})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


def test_me_for_a_user_without_employee_record(db):
    from tests.factories import UserFactory

    user = UserFactory(username="admin", groups=["secretariat"])
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    assert client.get("/api/v1/me").json() == {
        "username": "admin",
        "roles": ["secretariat"],
        "employee": None,
        "public_recognition": None,
        "career_profile": None,
    }


def test_session_auth_enforces_csrf(db, supervisor):
    client = APIClient(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(supervisor.user)
    response = client.post("/api/v1/me", {})
    assert response.status_code == 403
    assert response.json()["message"].startswith("CSRF Failed")


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_openapi_schema_and_docs_are_served(db, path):
    response = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(path)
    assert response.status_code == 200


def test_docs_page_uses_bundled_assets_not_a_cdn(db):
    html = APIClient(HTTP_ACCEPT_LANGUAGE="en").get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    assert "cdn.jsdelivr" not in html


def test_indonesian_is_the_default_language(db):
    response = APIClient().get("/api/v1/me")
    assert response.json()["message"] == "Data autentikasi tidak diberikan."


def test_token_authentication_loads_user_employee_and_groups_in_one_query(
    db, supervisor, secretariat, django_assert_num_queries
):
    from rest_framework.authtoken.models import Token

    from people.authentication import TokenAuthentication

    key = Token.objects.create(user=secretariat.user).key
    with django_assert_num_queries(1):
        user, token = TokenAuthentication().authenticate_credentials(key)
        assert (user.username, user.employee.nip, user._apresiasi_groups) == (
            "secretariat",
            secretariat.nip,
            {"secretariat"},
        )
    assert token.key == key
    assert token.user_id == user.pk


def test_token_authentication_refuses_unknown_keys_and_inactive_users(db, supervisor):
    from rest_framework.authtoken.models import Token

    key = Token.objects.create(user=supervisor.user).key
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get("/api/v1/me").json()["message"] == "Invalid token."
    type(supervisor.user).objects.filter(pk=supervisor.user.pk).update(is_active=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/me").json()["message"] == "User inactive or deleted."


def test_token_authentication_for_a_user_without_employee_record(db):
    from rest_framework.authtoken.models import Token

    from tests.factories import UserFactory

    user = UserFactory(username="admin", groups=["hr"])
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert client.get("/api/v1/me").json()["roles"] == ["hr"]


@pytest.mark.parametrize("text", ["ri", "rina", "RINA "])
def test_a_search_reads_its_matches_in_name_order_both_ways(api, secretariat, org, text):
    """A text of three letters or more is read in an order the trigram index
    can serve (the name, sorted after matching); a shorter one along the
    name index. Either way the links walk the matches by name, both ways."""
    names = ["Rina Zulkarnain", "Rina Abdullah", "Arina Putri", "Budi", "Karina Rina"] * 2
    for name in names:
        EmployeeFactory(name=name, org_unit=org["dit"])
    wanted = sorted(n for n in [*names, "Secretariat"] if text.strip().lower() in n.lower())
    assert len(wanted) == (9 if len(text.strip()) < 3 else 8)
    forward, _pages = walk(api, secretariat, f"/api/v1/employees?page_size=3&search={text}")
    assert forward == wanted
    first = api.as_(secretariat).get("/api/v1/employees", {"page_size": 3, "search": text})
    backward, _pages = walk(api, secretariat, first.json()["last"], link="previous")
    assert sorted(backward) == wanted
