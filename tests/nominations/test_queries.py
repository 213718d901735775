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
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Computed once (its inputs' version and the statistics), then read from
    # the cache with its version: the same answer, fewer queries, whatever
    # the cycle's size.
    with CaptureQueriesContext(connection) as first:
        response = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking")
    with CaptureQueriesContext(connection) as again:
        assert api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json() == response.json()
    assert (len(first), len(again)) == (22, 17)
    assert len(response.json()["results"]) == rows


def test_a_kept_ranking_follows_every_change_of_its_inputs(
    api, supervisor, subordinate, chair, reviewers, cycle
):
    """The ranking is kept under the version of its inputs: a review, a
    decision, an award level or a scoring setting changed shows at once."""
    from nominations.models import AwardLevel, Review

    members = list(cycle.committee.filter(is_chair=False))
    items = make(cycle, supervisor, subordinate, 2)
    for i, item in enumerate(items):
        for j, member in enumerate(members):
            submitted_review(item, member, 60 + 10 * i + j)
    Nomination.objects.update(status="reviewed")
    move_to(cycle, "deciding")

    def ranking():
        body = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()
        return {r["nomination"]: r for r in body["results"]}

    before = ranking()
    assert before[items[1].pk]["rank"] == 1
    # A review saved again with another score.
    review = Review.objects.filter(assignment__nomination=items[0]).first()
    review.score = 99
    review.save()
    assert ranking()[items[0].pk]["score"] != before[items[0].pk]["score"]
    # A score written without touching the review's updated_at (a queryset
    # update: the review-change trigger logs it all the same).
    score = ranking()[items[0].pk]["score"]
    Review.objects.filter(pk=review.pk).update(score=1)
    assert ranking()[items[0].pk]["score"] < score
    # A review reopened by the chair no longer counts.
    reviews_before = ranking()[items[0].pk]["reviews"]
    Review.objects.filter(pk=review.pk).update(submitted_at=None)
    assert ranking()[items[0].pk]["reviews"] == reviews_before - 1
    # A submitted review that goes with its assignment.
    other = Review.objects.filter(assignment__nomination=items[1]).first()
    other.assignment.delete()
    assert ranking()[items[1].pk]["reviews"] == len(members) - 1
    # An award level's threshold, and the cycle's scoring setting.
    level = AwardLevel.objects.filter(cycle=cycle).order_by("-min_score").first()
    proposals = {n: r["proposed_award_level"] for n, r in ranking().items()}
    AwardLevel.objects.filter(pk=level.pk).update(min_score=0, quota=5)
    assert {n: r["proposed_award_level"] for n, r in ranking().items()} != proposals
    cycle.refresh_from_db()
    cycle.adjust_scores = not cycle.adjust_scores
    cycle.save()
    assert api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()["adjusted"] is (
        cycle.adjust_scores
    )
    # A decision, through the service.
    response = api.as_(chair).post(
        f"/api/v1/nominations/{items[1].pk}/decide",
        {"award_level": "", "rationale": "Cukup"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert ranking()[items[1].pk]["status"] == "decided"


def test_pruning_the_review_change_log_keeps_every_ranking_s_version(
    supervisor, subordinate, chair, reviewers, cycle
):
    """The daily prune leaves each round its newest change: the versions the
    rankings are kept under stay as they were, and a later change still
    gives a new one."""
    from nominations import selectors, tasks
    from nominations.models import ReviewChange

    members = list(cycle.committee.filter(is_chair=False))
    items = make(cycle, supervisor, subordinate, 3)
    for i, item in enumerate(items):
        for j, member in enumerate(members):
            submitted_review(item, member, 60 + 10 * i + j)
    stage = cycle.rounds.first()
    logged = ReviewChange.objects.filter(round_id=stage.pk)
    assert logged.count() > 1
    versions = (selectors.ranking_version(cycle, stage), selectors.ranking_version(cycle, None))
    assert tasks.prune_review_changes() == len(items) * len(members) - 1
    assert logged.count() == 1
    assert (selectors.ranking_version(cycle, stage), selectors.ranking_version(cycle, None)) == (
        versions
    )
    Review.objects.filter(assignment__nomination=items[0]).update(score=1)
    assert selectors.ranking_version(cycle, stage) != versions[0]
    # One row a review written: all of them but the newest, and the row kept before.
    assert tasks.prune_review_changes() == len(members)
    assert logged.count() == 1


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
    """Token (user, employee, groups), involvement, the page's ids, their
    rows, their nominees, evidence and rounds — whatever the page holds. No
    count: a first page with no next one holds the whole list."""
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


def test_a_ranking_page_makes_only_its_rows_and_they_are_the_rankings(
    api, supervisor, subordinate, chair, reviewers, cycle
):
    """The API pages a kept ranking without making every row (``KeptRows``):
    each page holds exactly the rows ``cycle_ranking`` ranks there, filters
    included; the others stay tuples."""
    from nominations import selectors

    members = list(cycle.committee.filter(is_chair=False))
    items = [
        nomination(cycle, supervisor, [subordinate], title=f"Inovasi {i}", category=category)
        for i, category in enumerate(["technology", "service", "technology"] * 10)
    ]
    for i, item in enumerate(items):
        for j, member in enumerate(members):
            submitted_review(item, member, 50 + (i * 7) % 40 + j)
    Nomination.objects.filter(pk__in=Nomination.objects.order_by("pk")[:5]).update(status="decided")
    Nomination.objects.exclude(status="decided").update(status="reviewed")
    move_to(cycle, "deciding")
    whole = selectors.cycle_ranking(cycle=cycle)
    _ranking, rows = selectors.ranking_for_pages(cycle=cycle)
    assert isinstance(rows, selectors.KeptRows)
    assert rows[3:9] == whole.rows[3:9]
    undecided = selectors.ranking_rows_filtered(rows, decided=False)
    assert list(undecided[:]) == [r for r in whole.rows if r.status != "decided"]
    # The web page groups and sorts the tuples: the same as the rows made.
    for key in ("score", "adjusted_score"):
        kept = selectors.ranking_by_category(rows, key)
        made = selectors.ranking_by_category(whole.rows, key)
        assert {code: list(group[:]) for code, group in kept.items()} == made
        assert [selectors.ranking_column(group, key) for group in kept.values()] == [
            [getattr(row, key) for row in group] for group in made.values()
        ]
    client = api.as_(chair)
    url = f"/api/v1/cycles/{cycle.pk}/ranking"
    pages = [
        client.get(url, {"page_size": 10, "page": n, "decided": "false"}).json() for n in (1, 2, 3)
    ]
    assert [p["count"] for p in pages] == [25, 25, 25]
    assert [r["nomination"] for p in pages for r in p["results"]] == [
        r.nomination_id for r in whole.rows if r.status != "decided"
    ]
    assert pages[0]["results"][0]["score"] == next(
        r.score for r in whole.rows if r.status != "decided"
    )


def test_a_ranking_this_process_keeps_is_read_without_the_cache_and_never_changed(
    supervisor, subordinate, chair, reviewers, cycle
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nominations import selectors

    members = list(cycle.committee.filter(is_chair=False))
    for i, item in enumerate(make(cycle, supervisor, subordinate, 4)):
        for j, member in enumerate(members):
            submitted_review(item, member, 50 + 9 * i + j)
    Nomination.objects.update(status="reviewed")
    move_to(cycle, "deciding")
    first = selectors.cycle_ranking(cycle=cycle)
    order = [r.nomination_id for r in first.rows]
    # A request changes its rows as it likes (a page sorts, marks, rounds)...
    first.rows[0].score = -1
    first.rows[0].rounds[0]["score"] = -1
    first.rows.reverse()
    # ...and the shared cache is emptied: this process still has it, as made.
    cache.clear()
    with CaptureQueriesContext(connection) as read:
        again = selectors.cycle_ranking(cycle=cycle)
    assert [r.nomination_id for r in again.rows] == order
    assert again.rows[0].score != -1
    assert again.rows[0].rounds[0]["score"] == again.rows[0].final_score != -1
    selectors.kept_rankings_forget()
    with CaptureQueriesContext(connection) as computed:
        selectors.cycle_ranking(cycle=cycle)
    assert len(read) < len(computed)  # the version only, not the reviews again
