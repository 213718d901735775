import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from nominations import notifications, selectors, services
from nominations.models import Assignment, Cycle, Nomination, Review, Rubric
from tests.factories import EmployeeFactory

from .helpers import ALL_FIVE, advance, nomination


@pytest.fixture
def in_review(supervisor, subordinate, secretariat, reviewers, cycle):
    item = nomination(cycle, supervisor, [subordinate])
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
    advance(cycle, "reviewing")
    from nominations.assignment import reviewers_assign

    assert reviewers_assign(cycle_id=cycle.pk).ok
    return item


def history_of(obj):
    from core.lifecycle import history

    return history(obj)


def assignment_of(reviewer, item):
    return Assignment.objects.get(nomination=item, member__employee=reviewer)


def submit_all(api, reviewers, item, scores=ALL_FIVE):
    for reviewer in reviewers:
        a = assignment_of(reviewer, item)
        response = api.as_(reviewer).put(
            f"/api/v1/assignments/{a.pk}/review", {"scores": scores, "submit": True}, format="json"
        )
        assert response.status_code == 200, response.json()


def test_other_reviews_show_only_after_submitting_and_without_names(api, reviewers, in_review):
    first, second = (assignment_of(r, in_review) for r in reviewers[:2])
    api.as_(reviewers[0]).put(
        f"/api/v1/assignments/{first.pk}/review",
        {"scores": ALL_FIVE, "comments": {"novelty": "Bagus"}, "submit": True},
        format="json",
    )
    client = api.as_(reviewers[1])
    assert client.get(f"/api/v1/assignments/{second.pk}").json()["other_reviews"] == []
    client.put(
        f"/api/v1/assignments/{second.pk}/review",
        {"scores": {**ALL_FIVE, "novelty": 1}, "submit": True},
        format="json",
    )
    others = client.get(f"/api/v1/assignments/{second.pk}").json()["other_reviews"]
    assert others == [{"scores": ALL_FIVE, "comments": {"novelty": "Bagus"}, "score": "100.000"}]


def test_blind_cycle_hides_the_nominees(api, reviewers, in_review, cycle):
    a = assignment_of(reviewers[0], in_review)
    detail = api.as_(reviewers[0]).get(f"/api/v1/assignments/{a.pk}").json()
    assert detail["nomination_detail"]["nominees"][0]["name"] == "Subordinate"
    Cycle.objects.filter(pk=cycle.pk).update(blind_review=True)
    detail = api.as_(reviewers[0]).get(f"/api/v1/assignments/{a.pk}").json()
    assert detail["nomination_detail"]["nominees"] is None
    assert "Subordinate" not in str(detail)


def test_reviewer_cannot_see_an_unassigned_nomination(
    api, reviewers, supervisor, junior, in_review, cycle
):
    other = nomination(cycle, supervisor, [junior], title="Lain")
    Nomination.objects.filter(pk=other.pk).update(status="in_review", round=cycle.rounds.first())
    client = api.as_(reviewers[0])
    assert client.get(f"/api/v1/nominations/{other.pk}").status_code == 404
    foreign = Assignment.objects.create(
        nomination=other,
        member=cycle.committee.get(employee=reviewers[1]),
        round=cycle.rounds.first(),
    )
    assert client.get(f"/api/v1/assignments/{foreign.pk}").status_code == 404
    response = client.put(
        f"/api/v1/assignments/{foreign.pk}/review", {"scores": ALL_FIVE}, format="json"
    )
    assert response.status_code == 404


def test_the_chair_reopens_a_review(api, reviewers, chair, in_review):
    submit_all(api, reviewers, in_review)
    assert Nomination.objects.get(pk=in_review.pk).status == "reviewed"
    target = assignment_of(reviewers[0], in_review)
    assert api.as_(reviewers[1]).post(f"/api/v1/assignments/{target.pk}/reopen").status_code == 404
    response = api.as_(chair).post(f"/api/v1/assignments/{target.pk}/reopen")
    assert response.json()["status"] == "draft"
    assert Nomination.objects.get(pk=in_review.pk).status == "in_review"
    review = Review.objects.get(assignment=target)
    # Reopened: no longer submitted, its scores out of the ranking until resubmitted.
    assert (review.submitted_at, review.score, review.psm_score, review.innovation_score) == (
        None,
        None,
        None,
        None,
    )
    assert review.scores == ALL_FIVE  # the reviewer's draft is kept
    # The nomination's own history says which review sent it back.
    back = history_of(Nomination.objects.get(pk=in_review.pk)).last()
    assert (back.to_state, back.reason) == (
        "in_review",
        f"review {target.pk} reopened by the chair",
    )
    history = api.as_(chair).get(f"/api/v1/assignments/{target.pk}/history").json()["results"]
    assert (history[-1]["to_state"], history[-1]["reason"], history[-1]["actor"]["username"]) == (
        "draft",
        "reopened by the chair",
        "chair",
    )
    response = api.as_(reviewers[0]).put(
        f"/api/v1/assignments/{target.pk}/review",
        {"scores": {**ALL_FIVE, "novelty": 4}, "submit": True},
        format="json",
    )
    assert response.status_code == 200
    assert Nomination.objects.get(pk=in_review.pk).status == "reviewed"


def test_only_a_submitted_review_of_an_undecided_nomination_can_be_reopened(
    api, reviewers, chair, in_review, cycle
):
    target = assignment_of(reviewers[0], in_review)
    api.as_(reviewers[0]).put(
        f"/api/v1/assignments/{target.pk}/review", {"scores": ALL_FIVE}, format="json"
    )
    response = api.as_(chair).post(f"/api/v1/assignments/{target.pk}/reopen")
    assert (response.status_code, response.json()["message"]) == (
        409,
        "Only a submitted review can be reopened.",
    )
    submit_all(api, reviewers, in_review)
    advance(cycle, "deciding")
    decided = api.as_(chair).post(
        f"/api/v1/nominations/{in_review.pk}/decide", {"award_level": "gold", "rationale": "r"}
    )
    assert decided.status_code == 200
    response = api.as_(chair).post(f"/api/v1/assignments/{target.pk}/reopen")
    assert (response.status_code, response.json()["message"]) == (
        409,
        "The nomination is already decided.",
    )
    assert Assignment.objects.get(pk=target.pk).status == "submitted"


def test_nominee_never_sees_scores_or_decisions_before_publication(
    api, subordinate, reviewers, chair, in_review, cycle
):
    submit_all(api, reviewers, in_review)
    advance(cycle, "deciding")
    api.as_(chair).post(
        f"/api/v1/nominations/{in_review.pk}/decide", {"award_level": "gold", "rationale": "r"}
    )
    seen = api.as_(subordinate).get(f"/api/v1/nominations/{in_review.pk}").json()
    assert (seen["status"], seen["decision"]) == ("decided", None)
    assert api.as_(subordinate).get(f"/api/v1/cycles/{cycle.pk}/ranking").status_code == 404


def test_decision_against_the_proposal_is_an_override(api, reviewers, chair, in_review, cycle):
    submit_all(api, reviewers, in_review)
    advance(cycle, "deciding")
    response = api.as_(chair).post(
        f"/api/v1/nominations/{in_review.pk}/decide",
        {"award_level": "bronze", "rationale": "Small reach."},
    )
    assert response.json()["decision"] == {
        "award_level": "bronze",
        "rationale": "Small reach.",
        "override": True,
        "decided_at": response.json()["decision"]["decided_at"],
    }
    assert Nomination.objects.get(pk=in_review.pk).proposed_award_level.code == "gold"


def test_screening_findings(api, supervisor, subordinate, junior, secretariat, cycle):
    cycle.max_nominations_per_unit = 1
    cycle.save()
    young = nomination(cycle, supervisor, [subordinate], title="Aplikasi  antrean")
    young.started_on = timezone.localdate() - dt.timedelta(days=100)
    young.save()
    twin = nomination(cycle, supervisor, [junior], title="aplikasi antrean")
    junior.active = False
    junior.save()
    for item in (young, twin):
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    report = api.as_(secretariat).get(f"/api/v1/cycles/{cycle.pk}/screening").json()
    assert report["message"] == "2 of 2 submitted nominations have findings."
    assert {
        r["nomination"]: sorted(f["code"] for f in r["findings"]) for r in report["results"]
    } == {
        young.pk: ["duplicate_title", "too_young", "unit_over_quota"],
        twin.pk: ["duplicate_title", "inactive_nominee", "unit_over_quota"],
    }
    assert api.as_(supervisor).get(f"/api/v1/cycles/{cycle.pk}/screening").status_code == 404


def test_screening_says_so_when_there_is_nothing_to_find(
    api, supervisor, subordinate, secretariat, cycle
):
    url = f"/api/v1/cycles/{cycle.pk}/screening"
    empty = api.as_(secretariat).get(url).json()
    assert empty == {"message": "No submitted nominations wait for screening.", "results": []}
    item = nomination(cycle, supervisor, [subordinate])
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    report = api.as_(secretariat).get(url).json()
    assert report["message"] == (
        "No findings: every submitted nomination passes the automatic checks."
    )
    assert report["results"] == [{"nomination": item.pk, "title": item.title, "findings": []}]


def test_rubric_weights_must_sum_to_100(db):
    with pytest.raises(ValidationError) as info:
        services.rubric_create(
            name="R",
            criteria=[
                {"code": "a", "name": "A", "group": "psm", "weight": 60},
                {"code": "b", "name": "B", "group": "innovation", "weight": 30},
            ],
        )
    assert info.value.message_dict == {
        "criteria": ["The weights add up to 90; they must add up to 100."]
    }
    assert not Rubric.objects.filter(name="R").exists()


def test_a_rubric_in_use_is_immutable_and_changes_make_a_new_version(cycle, admin_client):
    rubric = cycle.rubric
    assert services.rubric_in_use(rubric)
    # Only an open cycle holds it: a draft may still change, a closed one is history.
    for phase, in_use in (("draft", False), ("closed", False), ("deciding", True)):
        Cycle.objects.filter(pk=cycle.pk).update(phase=phase)
        assert services.rubric_in_use(rubric) is in_use, phase
    response = admin_client.post(f"/admin/nominations/rubric/{rubric.pk}/change/", {})
    assert response.status_code == 403
    criteria = [
        {
            "code": c.code,
            "name_id": c.name_id,
            "name_en": c.name_en,
            "group": c.group,
            "weight": c.weight,
        }
        for c in rubric.criteria.all()
    ]
    newer = services.rubric_new_version(rubric=rubric, criteria=criteria)
    assert (newer.name, newer.version) == (rubric.name, rubric.version + 1)
    # A change made from the older version still goes on top of the newest.
    newest = services.rubric_new_version(rubric=rubric, criteria=criteria)
    assert (newest.name, newest.version) == (rubric.name, rubric.version + 2)


def test_one_chair_per_cycle(cycle, committee_unit):
    with pytest.raises(ValidationError):
        services.committee_member_add(
            cycle=cycle, employee=EmployeeFactory(org_unit=committee_unit), is_chair=True
        )


def test_auto_advance_moves_cycles_whose_date_has_come(cycle):
    # A day other than the calendar's today: the job uses the day it is given.
    today = timezone.localdate() + dt.timedelta(days=30)
    # Newer, so met first (cycles are listed newest first): it cannot open
    # without a chair, and must not stop the others.
    chairless = services.cycle_create(
        name="No chair", auto_advance=True, nominating_on=today - dt.timedelta(days=3)
    )
    Cycle.objects.filter(pk=cycle.pk).update(auto_advance=True, reviewing_on=today)
    manual = services.cycle_create(name="Manual", nominating_on=today)
    later = services.cycle_create(
        name="Later", auto_advance=True, nominating_on=today + dt.timedelta(days=1)
    )
    undated = services.cycle_create(name="Undated", auto_advance=True)
    assert services.cycles_advance_due(today=today) == [cycle.pk]  # due today: moved
    phases = dict(Cycle.objects.values_list("pk", "phase"))
    assert phases == {
        cycle.pk: "reviewing",
        chairless.pk: "draft",
        manual.pk: "draft",
        later.pk: "draft",
        undated.pk: "draft",
    }


def test_notifications_are_sent_once(supervisor, subordinate, cycle):
    subordinate.email = "s@example.test"
    subordinate.save()
    item = nomination(cycle, supervisor, [subordinate])
    assert notifications.nominees_notify(nomination_id=item.pk) == 1
    assert notifications.nominees_notify(nomination_id=item.pk) == 0
    assert len(mail.outbox) == 1


def test_ranking_ties_break_on_psm_then_submission_and_quotas_fill(
    supervisor, subordinate, reviewers, cycle
):
    member = cycle.committee.get(employee=reviewers[0])
    now = timezone.now()
    rows = [("A", 90, 70, 1), ("B", 90, 80, 2), ("C", 90, 80, 0), ("D", 80, 50, 3)]
    made = {}
    for title, score, psm, minutes in rows:
        item = nomination(cycle, supervisor, [subordinate], title=title)
        Nomination.objects.filter(pk=item.pk).update(
            status="reviewed", submitted_at=now + dt.timedelta(minutes=minutes)
        )
        a = Assignment.objects.create(
            nomination=item, member=member, status="submitted", round=cycle.rounds.first()
        )
        Review.objects.create(
            assignment=a,
            scores={},
            submitted_at=now,
            score=score,
            psm_score=psm,
            innovation_score=50,
        )
        made[item.pk] = title
    ranking = selectors.cycle_ranking(cycle=cycle)
    # gold: quota 1 (≥ 85), silver: quota 2 (≥ 75), bronze: quota 3 (≥ 65)
    assert [(made[r.nomination_id], r.rank, r.proposed_award_level) for r in ranking.rows] == [
        ("C", 1, "gold"),
        ("B", 2, "silver"),
        ("A", 3, "silver"),
        ("D", 4, "bronze"),
    ]


def test_a_submitted_review_stores_its_total_and_its_psm_and_innovation_scores(
    api, reviewers, in_review
):
    target = assignment_of(reviewers[0], in_review)
    scores = {
        "public_interest": 4,
        **dict.fromkeys(["compassion", "policy_making", "self_sacrifice"], 5),
        **dict.fromkeys(["novelty", "effectiveness", "benefit", "replicability"], 1),
        "sustainability": 3,
    }
    api.as_(reviewers[0]).put(
        f"/api/v1/assignments/{target.pk}/review", {"scores": scores, "submit": True}, format="json"
    )
    review = Review.objects.get(assignment=target)
    # PSM: public interest 3/4 of its 12 points, the other 28 in full: 37 of
    # 40 = 92.5. Innovation: only sustainability, half of its 10: 5 of 60 =
    # 8.333. Total: 42 of 100.
    assert (review.score, review.psm_score, review.innovation_score) == (
        Decimal("42.000"),
        Decimal("92.500"),
        Decimal("8.333"),
    )


def test_a_comment_with_a_nul_character_is_refused_naming_it(reviewers, in_review):
    """The API's text fields refuse NUL before the service; the service
    refuses it too, for any other caller."""
    target = assignment_of(reviewers[0], in_review)
    with pytest.raises(ValidationError) as refused:
        services.review_save(
            assignment_id=target.pk,
            actor=reviewers[0].user,
            scores=ALL_FIVE,
            comments={"novelty": "a\x00b"},
        )
    assert refused.value.message_dict == {
        "comments.novelty": ["Text may not contain NUL characters."]
    }
