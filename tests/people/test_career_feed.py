"""The career feed HR systems consume: stable order, keyset cursor, no event
missed even when transactions commit out of order."""

import threading

import pytest
from django.db import connection, transaction

from people.services import career_event_append

URL = "/api/v1/career-events"


def append(employee, n, **kwargs):
    return [
        career_event_append(employee=employee, kind="credit_points", amount=i + 1, **kwargs)
        for i in range(n)
    ]


def test_hr_pages_through_the_feed_with_the_cursor(api, hr, subordinate):
    events = append(subordinate, 5)
    first = api.as_(hr).get(URL, {"limit": 2}).json()
    assert [e["id"] for e in first["results"]] == [events[0].pk, events[1].pk]
    assert first["has_more"] is True
    assert first["next"]
    second = api.as_(hr).get(URL, {"limit": 2, "after": first["next_cursor"]}).json()
    third = api.as_(hr).get(URL, {"limit": 2, "after": second["next_cursor"]}).json()
    assert [e["id"] for e in second["results"] + third["results"]] == [e.pk for e in events[2:]]
    assert (third["has_more"], third["next"]) == (False, None)
    # Polling again from the last cursor: nothing new, same cursor to keep.
    idle = api.as_(hr).get(URL, {"after": third["next_cursor"]}).json()
    assert (idle["results"], idle["next_cursor"]) == ([], third["next_cursor"])
    later = append(subordinate, 1)
    assert [
        e["id"] for e in api.as_(hr).get(URL, {"after": third["next_cursor"]}).json()["results"]
    ] == [later[0].pk]


def test_each_event_carries_nip_kind_amount_unit_source_and_time(api, hr, subordinate):
    career_event_append(
        employee=subordinate,
        kind="bonus",
        amount=5_000_000,
        unit="IDR",
        source={"cycle": 1, "nomination": 2, "award_level": "gold"},
        reference="incentive:9",
    )
    event = api.as_(hr).get(URL).json()["results"][0]
    assert {k: event[k] for k in ("employee", "kind", "amount", "unit", "source", "reference")} == {
        "employee": {"nip": subordinate.nip, "name": "Subordinate", "unit": "DIT"},
        "kind": "bonus",
        "amount": "5000000.00",
        "unit": "IDR",
        "source": {"cycle": 1, "nomination": 2, "award_level": "gold"},
        "reference": "incentive:9",
    }
    assert event["created_at"]
    assert event["cursor"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"after": "abc"}, "after"),
        ({"after": "-1-2"}, "after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "5000"}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"after": "99999999999999999999-1"}, "after"),
    ],
)
def test_a_bad_cursor_or_limit_is_a_400_naming_the_field(api, hr, params, field):
    response = api.as_(hr).get(URL, params)
    assert (response.status_code, list(response.json()["fields"])) == (400, [field])


def test_only_hr_reads_the_feed(api, secretariat, subordinate, outsider):
    append(subordinate, 1)
    for person in (secretariat, subordinate, outsider):
        assert api.as_(person).get(URL).status_code == 404


def test_feed_query_count_does_not_grow_with_events(
    api, hr, subordinate, junior, django_assert_max_num_queries
):
    append(subordinate, 1)
    with django_assert_max_num_queries(4):
        assert len(api.as_(hr).get(URL).json()["results"]) == 1
    append(junior, 30)
    with django_assert_max_num_queries(4):
        assert len(api.as_(hr).get(URL).json()["results"]) == 31


@pytest.mark.django_db(transaction=True)
def test_an_event_that_commits_late_is_not_skipped(api, hr, subordinate, junior):
    """Transaction A appends first (lower id) but commits after B. A consumer
    reading between the two commits must not move its cursor past A's event."""
    written, release = threading.Event(), threading.Event()
    late = {}

    def slow_transaction():
        try:
            with transaction.atomic():
                late["event"] = career_event_append(employee=junior, kind="training", amount=8)
                written.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_transaction)
    thread.start()
    written.wait(10)
    early = career_event_append(employee=subordinate, kind="training", amount=4)
    assert late["event"].pk < early.pk
    while_open = api.as_(hr).get(URL).json()
    # B is committed, but served only once A (older) is final.
    assert while_open["results"] == []
    release.set()
    thread.join()
    after = api.as_(hr).get(URL, {"after": while_open["next_cursor"] or ""}).json()
    assert [e["id"] for e in after["results"]] == [late["event"].pk, early.pk]
