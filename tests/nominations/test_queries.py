"""List endpoints run a fixed number of queries with 1 and with 50 rows."""

import pytest

from nominations.models import Assignment, Nomination, Review

from .helpers import move_to, nomination, submitted_review


def make(cycle, supervisor, subordinate, n):
    items = []
    for i in range(n):
        item = nomination(cycle, supervisor, [subordinate], title=f"Inovasi {i}")
        items.append(item)
    return items


@pytest.mark.parametrize("rows", [1, 50])
def test_nomination_list(
    api, supervisor, subordinate, secretariat, cycle, rows, django_assert_max_num_queries
):
    make(cycle, supervisor, subordinate, rows)
    for person in (supervisor, secretariat):
        with django_assert_max_num_queries(8):
            response = api.as_(person).get("/api/v1/nominations", {"page_size": 50})
        assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_assignment_list(
    api, supervisor, subordinate, reviewers, cycle, rows, django_assert_max_num_queries
):
    member = cycle.committee.get(employee=reviewers[0])
    for item in make(cycle, supervisor, subordinate, rows):
        a = Assignment.objects.create(
            nomination=item, member=member, status="draft", round=item.cycle.rounds.first()
        )
        Review.objects.create(assignment=a, scores={"novelty": 3})
    with django_assert_max_num_queries(8):
        response = api.as_(reviewers[0]).get("/api/v1/assignments", {"page_size": 50})
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_cycle_list(api, outsider, reviewers, chair, rows, django_assert_max_num_queries):
    from nominations import services

    for i in range(rows):
        services.cycle_create(name=f"Cycle {i}")
    with django_assert_max_num_queries(8):
        response = api.as_(outsider).get("/api/v1/cycles", {"page_size": 50})
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_ranking(
    api, supervisor, subordinate, chair, reviewers, cycle, rows, django_assert_max_num_queries
):
    members = list(cycle.committee.filter(is_chair=False))
    for i, item in enumerate(make(cycle, supervisor, subordinate, rows)):
        for j, member in enumerate(members):
            submitted_review(item, member, 50 + i % 40 + j)
    Nomination.objects.update(status="reviewed")
    move_to(cycle, "deciding")
    with django_assert_max_num_queries(16):
        response = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking")
    assert len(response.json()["results"]) == rows


def test_nomination_list_filters_by_status_and_cycle(api, supervisor, subordinate, cycle):
    first, _second = make(cycle, supervisor, subordinate, 2)
    Nomination.objects.filter(pk=first.pk).update(status="submitted")
    client = api.as_(supervisor)
    ids = [
        r["id"]
        for r in client.get("/api/v1/nominations", {"status": "submitted"}).json()["results"]
    ]
    assert ids == [first.pk]
    assert client.get("/api/v1/nominations", {"cycle": cycle.pk}).json()["count"] == 2
    response = client.get("/api/v1/nominations", {"status": "bogus"})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["status"])


@pytest.mark.parametrize("rows", [1, 50])
def test_nomination_list_with_a_real_token_runs_five_queries(
    supervisor, subordinate, cycle, rows, django_assert_num_queries
):
    """Token (user, employee, groups), involvement, the (capped) count, the
    page, its nominees, evidence and rounds — whatever the page holds."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    make(cycle, supervisor, subordinate, rows)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=supervisor.user)}")
    with django_assert_num_queries(5):
        response = client.get("/api/v1/nominations", {"page_size": 50})
    assert (response.json()["count"], len(response.json()["results"])) == (rows, rows)


def test_nomination_list_pages_by_its_links_newest_first(api, supervisor, subordinate, cycle):
    from nominations.models import Nomination

    make(cycle, supervisor, subordinate, 5)
    # Two made in the same instant: the id decides between them.
    Nomination.objects.filter(title__in=["Inovasi 1", "Inovasi 2"]).update(
        created_at=Nomination.objects.get(title="Inovasi 1").created_at
    )
    client = api.as_(supervisor)
    first = client.get("/api/v1/nominations", {"page_size": 2}).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (5, 2, None)
    last = client.get(first["last"]).json()
    assert [r["title"] for r in last["results"]] == ["Inovasi 1", "Inovasi 0"]
    assert last["next"] is None
    seen, url = [], first["next"]
    seen += [r["title"] for r in first["results"]]
    while url:
        page = client.get(url).json()
        seen += [r["title"] for r in page["results"]]
        url = page["next"]
    assert seen == [f"Inovasi {i}" for i in (4, 3, 2, 1, 0)]
    back = client.get(last["previous"]).json()
    assert [r["title"] for r in back["results"]] == ["Inovasi 3", "Inovasi 2"]
