"""A JSON value of the wrong type, or a filter value the schema does not
allow, is refused with a 400 naming the field, never reinterpreted (DRF
alone would take 0 for false, 123 for the text "123" and 5 for a decimal)."""

import pytest

from people.models import Employee


def test_a_boolean_must_be_true_or_false(api, subordinate):
    client = api.as_(subordinate)
    for wrong in (0, 1, "true", "yes", "1"):
        response = client.patch("/api/v1/me", {"public_recognition": wrong}, format="json")
        assert response.status_code == 400, wrong
        assert response.json()["fields"] == {"public_recognition": ["Must be true or false."]}
    assert (
        client.patch("/api/v1/me", {"public_recognition": False}, format="json").json()[
            "public_recognition"
        ]
        is False
    )
    assert Employee.objects.get(pk=subordinate.pk).public_recognition is False


def test_text_must_be_text(api, secretariat, cycle):
    client = api.as_(secretariat)
    url = f"/api/v1/cycles/{cycle.pk}/reissue-certificates"
    for wrong in (0, 1.5, True, ["why"], {"why": 1}):
        response = client.post(url, {"reason": wrong}, format="json")
        assert response.status_code == 400, wrong
        assert response.json()["fields"] == {"reason": ["Must be text."]}


def test_text_longer_than_the_schema_allows_is_refused_before_white_space_is_trimmed(
    api, secretariat, cycle
):
    # Schemathesis sent a newline and 2,000 more characters: DRF trimmed the
    # newline, counted 2,000 and accepted what the schema's maxLength refuses.
    client = api.as_(secretariat)
    url = f"/api/v1/cycles/{cycle.pk}/reissue-certificates"
    response = client.post(url, {"reason": "\n" + "x" * 2000}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "reason": ["Ensure this field has no more than 2000 characters."]
    }


@pytest.mark.parametrize(
    ("budget", "accepted"),
    [
        ("12000000", True),
        ("12000000.50", True),
        (".5", True),
        (12000000, False),  # a number: money travels as text
        (12000000.5, False),
        ("1e7", False),  # Decimal would take it; the schema's shape does not
        (" 5", False),
        ("-0", False),  # no sign where negatives are refused
        ("", False),
        ("123456789012345", False),  # more whole digits than the column holds
    ],
)
def test_a_decimal_is_text_of_the_documented_shape(api, secretariat, cycle, budget, accepted):
    url = f"/api/v1/cycles/{cycle.pk}/incentive-policy"
    response = api.as_(secretariat).put(url, {"bonus_budget": budget}, format="json")
    if accepted:
        assert response.status_code == 200, response.json()
    else:
        assert response.status_code == 400
        assert list(response.json()["fields"]) == ["bonus_budget"]


def test_ids_and_lists_must_be_of_their_type(api, supervisor, subordinate, cycle):
    client = api.as_(supervisor)
    category = cycle.categories.get(code="technology").pk
    base = {"cycle": cycle.pk, "category": category, "title": "T", "nominees": [subordinate.pk]}
    for field, wrong, message in [
        ("cycle", str(cycle.pk), "Must be a whole number."),
        ("cycle", True, "Must be a whole number."),
        ("nominees", subordinate.pk, "Must be a list."),
        ("nominees", [str(subordinate.pk)], "Must be a whole number."),
    ]:
        response = client.post("/api/v1/nominations", base | {field: wrong}, format="json")
        assert response.status_code == 400, (field, wrong)
        assert response.json()["fields"] == {field: [message]}
    assert not cycle.nominations.exists()  # nothing half-saved


def test_a_form_body_is_text_and_still_accepted_where_forms_are(db, supervisor, client):
    # The token endpoint takes a form (all text) as well as JSON.
    supervisor.user.set_password("a-long-password-1")
    supervisor.user.save()
    response = client.post(
        "/api/v1/auth/token",
        {"username": supervisor.user.username, "password": "a-long-password-1"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("active=null", "active"),
        ("active=maybe", "active"),
        ("active=", "active"),
        ("unit=", "unit"),
    ],
)
def test_a_filter_value_the_schema_does_not_allow_is_refused(api, secretariat, query, field):
    response = api.as_(secretariat).get(f"/api/v1/employees?{query}")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_true_and_false_filter_and_an_empty_choice_is_refused(api, secretariat, subordinate):
    client = api.as_(secretariat)
    Employee.objects.filter(pk=subordinate.pk).update(active=False)
    inactive = client.get("/api/v1/employees?active=false").json()["results"]
    assert [e["id"] for e in inactive] == [subordinate.pk]
    assert subordinate.pk not in [
        e["id"] for e in client.get("/api/v1/employees?active=true").json()["results"]
    ]
    response = client.get("/api/v1/nominations?status=")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["status"]
    response = client.get("/api/v1/nominations?category=1.5")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["category"]


@pytest.mark.parametrize("url", ["/api/v1/incentives", "/api/v1/cycles"])
@pytest.mark.parametrize("query", ["page=", "page=abc", "page=0", "page=1.5", "page=2&page="])
def test_a_page_number_must_be_a_whole_number_from_one(api, secretariat, hr, url, query):
    who = hr if "incentives" in url else secretariat
    response = api.as_(who).get(f"{url}?{query}")
    assert response.status_code == 400
    assert response.json()["fields"] == {"page": ["A whole number from 1."]}
    assert api.as_(who).get(f"{url}?page=1").status_code == 200
    assert api.as_(who).get(f"{url}?page=last").status_code == 200


@pytest.mark.parametrize(
    "url", ["/api/v1/certificates", "/api/v1/nominations", "/api/v1/employees"]
)
def test_a_list_read_by_its_links_refuses_a_page_number(api, secretariat, url):
    """A client written for page numbers is told, not sent page 1 again."""
    response = api.as_(secretariat).get(url, {"page": 2})
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "page": ["This list is read page by page through its links (cursor), not by number."]
    }


def test_every_id_filter_documents_the_64_bit_range_it_accepts(api, secretariat):
    """What the schema allows, the filter takes: an id filter documented as
    a bare integer let the contract run send an id beyond 64 bits that the
    filter refused (the org unit filter of the employee list)."""
    schema = api.as_(secretariat).get("/api/schema/", {"format": "json"}).json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                kind = parameter.get("schema", {})
                if parameter["in"] != "query" or kind.get("type") != "integer":
                    continue
                if parameter["name"] in ("page", "page_size", "limit", "after"):
                    continue  # bounded in their own way (pages, feed cursors)
                assert kind.get("maximum") == 2**63 - 1, (path, method, parameter["name"])
    response = api.as_(secretariat).get("/api/v1/employees", {"unit": 2**63 - 1})
    assert response.status_code == 200
    assert response.json()["results"] == []


HUGE, NUL, FAR = (
    "cD05OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ==",  # p=99999999999999999999999: past bigint
    "cD1hAGI=",  # p=a\x00b: a byte the database refuses
    "bz05OTk5OTk=",  # o=999999: beyond the offset a link can hold
)


@pytest.mark.parametrize(
    ("url", "cursor"),
    [
        ("/api/v1/certificates", NUL),
        ("/api/v1/nominations", HUGE),
        ("/api/v1/employees", NUL),
        ("/api/v1/recognitions", NUL),
        *((url, FAR) for url in ("/api/v1/certificates", "/api/v1/employees")),
    ],
)
def test_a_forged_cursor_is_a_400_never_a_500(api, secretariat, url, cursor):
    response = api.as_(secretariat).get(url, {"cursor": cursor})
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == ["cursor"]


@pytest.mark.parametrize(
    ("url", "name", "value"),
    [
        ("/api/v1/recognitions", "cycle", "1"),
        ("/api/v1/employees", "search", "Sari"),
        ("/api/v1/nominations", "status", "submitted"),
    ],
)
def test_a_filter_given_twice_is_a_400_naming_it(api, secretariat, url, name, value):
    """The schema takes one value; django-filter would quietly use the last
    (the contract run sent ``?cycle=0.0&cycle=0.0`` to the recognitions)."""
    response = api.as_(secretariat).get(f"{url}?{name}={value}&{name}={value}")
    assert response.status_code == 400, response.content
    assert response.json()["fields"] == {name: ["Give this parameter once."]}
    assert api.as_(secretariat).get(f"{url}?{name}={value}").status_code == 200
