"""The chair's ranking through the real flow: a lenient reviewer's marks are
corrected, the reviewers' leniency is shown with its uncertainty, a split
decision is flagged and ordinary ones are not."""

import pytest

from nominations import services
from nominations.selectors import cycle_ranking, ranking_payload
from tests.fixtures import _person

from .helpers import ALL_FIVE, move_to, nomination, submitted_review

pytestmark = pytest.mark.django_db

# Each nomination's quality in rubric levels (1–5 on every criterion).
QUALITY = [4, 3, 4, 2, 3, 4, 3, 2, 3, 4, 2, 3]
CRITERIA = list(ALL_FIVE)


def marks(level, jitter):
    """Every criterion at ``level`` (kept within 1–5), one criterion off by ``jitter``."""
    scores = {code: max(1, min(5, level)) for code in CRITERIA}
    code = CRITERIA[abs(jitter) % len(CRITERIA)]
    scores[code] = max(1, min(5, scores[code] + (1 if jitter > 0 else -1 if jitter < 0 else 0)))
    return scores


@pytest.fixture
def reviewed(api, cycle, supervisor, subordinate, secretariat, committee_unit, reviewers):
    """Twelve nominations, six reviewers (three each); ``reviewer1`` marks
    everything one level higher; nomination 0 has a reviewer who marks it
    three levels below the others."""
    more = [_person(f"reviewer{i}", committee_unit) for i in (4, 5, 6)]
    for person in more:
        services.committee_member_add(
            cycle=cycle,
            employee=person,
            load_cap=10,
            expertise=cycle.categories.filter(code="technology"),
        )
    items = [
        nomination(cycle, supervisor, [subordinate], title=f"Inovasi {i}")
        for i in range(len(QUALITY))
    ]
    for item in items:
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
        services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
    move_to(cycle, "reviewing")
    answer = api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/assign-reviewers").json()
    assert answer["assigned"] == 36, answer
    quality = {item.pk: q for item, q in zip(items, QUALITY, strict=True)}
    lenient = reviewers[0]
    split_by = None
    for k, person in enumerate([*reviewers, *more]):
        client = api.as_(person)
        for j, a in enumerate(client.get("/api/v1/assignments").json()["results"]):
            level = quality[a["nomination"]] + (1 if person == lenient else 0)
            if a["nomination"] == items[0].pk and split_by is None and person != lenient:
                split_by, level = person, 1
            response = client.put(
                f"/api/v1/assignments/{a['id']}/review",
                {"scores": marks(level, (k + j) % 5 - 2), "submit": True},
                format="json",
            )
            assert response.status_code == 200, response.json()
    move_to(cycle, "deciding")
    # 1% of ordinary nominations flagged by chance: with eleven, rarely one
    cycle.disagreement_rate = 1
    cycle.save(update_fields=["disagreement_rate"])
    return items, lenient


def test_the_ranking_shows_adjusted_scores_leniency_and_disagreement(api, chair, cycle, reviewed):
    items, lenient = reviewed
    ranking = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()
    assert ranking["adjusted"] is True
    assert ranking["model"]["components"] == 1
    assert ranking["model"]["noise_sd"] > 0
    reviewers = ranking["reviewers"]
    assert len(reviewers) == 6
    # the lenient reviewer is found, about 25 points (one level) above the panel
    assert reviewers[0]["name"] == lenient.name
    assert 15 < reviewers[0]["leniency"] < 30
    assert all(r["leniency_se"] > 0 for r in reviewers)
    assert sum(r["leniency"] for r in reviewers) == pytest.approx(0, abs=0.1)
    rows = {r["nomination"]: r for r in ranking["results"]}
    # each nomination the lenient reviewer marked is adjusted down, the others up
    marked_by_lenient = set(
        cycle.nominations.filter(assignments__member__employee=lenient).values_list("pk", flat=True)
    )
    for pk, row in rows.items():
        assert row["adjusted_se"] > 0
        if pk in marked_by_lenient:
            assert row["adjusted_score"] < row["score"]
        else:
            assert row["adjusted_score"] > row["score"]
    # the split decision is flagged, and no ordinary nomination
    flagged = {pk for pk, row in rows.items() if row["flagged"]}
    assert flagged == {items[0].pk}


def test_the_ranking_comes_a_page_at_a_time_filtered_with_the_whole_cycle_s_ranks(
    api, chair, cycle, reviewed
):
    items, _lenient = reviewed
    url = f"/api/v1/cycles/{cycle.pk}/ranking"
    client = api.as_(chair)
    whole = client.get(url).json()
    assert (whole["count"], whole["next"], len(whole["results"])) == (12, None, 12)
    ranks = {r["nomination"]: r["rank"] for r in whole["results"]}
    # Five to a page: the same rows in the same order, ranked as in the whole.
    pages, link = [], f"{url}?page_size=5"
    while link:
        page = client.get(link).json()
        assert (page["count"], page["reviewers"]) == (12, whole["reviewers"])
        pages.append([(r["nomination"], r["rank"]) for r in page["results"]])
        link = page["next"]
    assert [len(p) for p in pages] == [5, 5, 2]
    assert [row for p in pages for row in p] == [(pk, ranks[pk]) for pk in ranks]
    # Filters: the flagged row keeps its rank; the decided ones.
    (flagged,) = client.get(url, {"flagged": "true"}).json()["results"]
    assert (flagged["nomination"], flagged["rank"]) == (items[0].pk, ranks[items[0].pk])
    assert client.get(url, {"flagged": "false"}).json()["count"] == 11
    services.nomination_decide(
        nomination_id=items[1].pk, actor=chair.user, award_level=None, rationale="Belum."
    )
    decided = client.get(url, {"decided": "true"}).json()["results"]
    assert [r["nomination"] for r in decided] == [items[1].pk]
    assert client.get(url, {"decided": "false", "flagged": "false"}).json()["count"] == 10
    assert client.get(url, {"category": "technology"}).json()["count"] == 12
    assert client.get(url, {"category": "service"}).json()["results"] == []
    for name in ("flagged", "decided"):
        for value in ("maybe", ""):
            refused = client.get(url, {name: value})
            assert refused.status_code == 400, (name, value)
            assert list(refused.json()["fields"]) == [name]
    assert list(client.get(url, {"page_size": "0"}).json()["fields"]) == ["page_size"]
    odd = client.get(url, {"category": "teknologi baru"})
    assert (odd.status_code, odd.json()["fields"]) == (
        400,
        {"category": ["A category's code: letters, digits, - and _."]},
    )


def test_the_raw_mean_ranks_when_adjustment_is_off(api, chair, cycle, reviewed):
    cycle.adjust_scores = False
    cycle.save(update_fields=["adjust_scores"])
    ranking = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()
    assert ranking["adjusted"] is False
    for category in {r["category"] for r in ranking["results"]}:
        means = [r["score"] for r in ranking["results"] if r["category"] == category]
        assert means == sorted(means, reverse=True)


def test_the_ranking_page_shows_the_same_numbers(client, chair, cycle, reviewed):
    _items, lenient = reviewed
    client.force_login(chair.user)
    page = client.get(f"/cycles/{cycle.pk}/ranking").content.decode()
    ranking = ranking_payload(cycle_ranking(cycle=cycle))
    assert "Kelonggaran penilai" in page
    assert lenient.name in page
    assert f"+{ranking['reviewers'][0]['leniency']:.1f}" in page  # the chart's label
    assert page.count("⚑") == sum(r["flagged"] for r in ranking["results"]) >= 1


def test_the_ranking_page_shows_a_page_of_a_category_filtered_with_each_row_s_place(
    client, chair, cycle, reviewed, monkeypatch
):
    import re

    from web.views import cycles as views

    items, _lenient = reviewed
    monkeypatch.setattr(views, "RANKING_PAGE", 5)
    client.force_login(chair.user)
    url = f"/cycles/{cycle.pk}/ranking"
    ranking = ranking_payload(cycle_ranking(cycle=cycle))
    order = [r["title"] for r in ranking["results"]]  # adjusted score, best first

    def rows(page: str) -> list[tuple[int, str]]:
        return [
            (int(place), title)
            for place, title in re.findall(r"<tr>\s*<td>(\d+)</td><td>([^<]+)", page)
        ]

    first = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert rows(first) == list(enumerate(order[:5], start=1))
    assert "All 12 of this category" in first
    last = client.get(url, {"category": "technology", "page": 3}, HTTP_ACCEPT_LANGUAGE="en")
    assert rows(last.content.decode()) == list(enumerate(order, start=1))[10:]
    assert "Page 3 of 3" in last.content.decode()
    place = order.index(items[0].title) + 1
    flagged = client.get(url, {"flagged": "1"}).content.decode()
    assert rows(flagged) == [(place, items[0].title)]
    services.nomination_decide(
        nomination_id=items[0].pk, actor=chair.user, award_level=None, rationale="Belum."
    )
    both = client.get(url, {"flagged": "1", "undecided": "1"}).content.decode()
    assert rows(both) == []
    assert rows(client.get(url, {"category": "service"}).content.decode()) == []


def test_groups_of_reviewers_that_share_nothing_are_named(
    api, client, chair, cycle, supervisor, subordinate, committee_unit, reviewers
):
    """Two panels that never meet: the ranking says that their adjusted
    scores cannot be compared across them."""
    from nominations.models import Nomination

    more = [_person(f"reviewer{i}", committee_unit) for i in (4, 5)]
    members = [*cycle.committee.filter(is_chair=False).order_by("pk")]
    members += [services.committee_member_add(cycle=cycle, employee=p) for p in more]
    items = [nomination(cycle, supervisor, [subordinate], title=f"Inovasi {i}") for i in range(4)]
    for i, item in enumerate(items):
        panel = members[:2] if i < 2 else members[3:5]
        for j, member in enumerate(panel):
            submitted_review(item, member, 40 + 10 * i + 5 * j)
    Nomination.objects.update(status="reviewed")
    move_to(cycle, "deciding")
    ranking = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()
    assert ranking["model"]["components"] == 2
    assert len({r["component"] for r in ranking["reviewers"]}) == 2
    client.force_login(chair.user)
    page = client.get(f"/cycles/{cycle.pk}/ranking").content.decode()
    assert "2 kelompok" in page
