"""Oversight of the panel (secretariat, chair): who reviews what, each
reviewer's progress, and manual changes — a reviewer added (refused with the
reason when in conflict), one removed before they submit."""

import datetime as dt

from django.utils import timezone

from nominations.models import Assignment, CommitteeMember, Cycle
from tests.factories import EmployeeFactory
from tests.nominations.helpers import ALL_FIVE
from tests.nominations.test_review import assignment_of


def test_the_secretariat_and_the_chair_see_who_reviews_what_and_who_is_late(
    in_review, cycle, reviewers, api, chair, secretariat, supervisor
):
    api.as_(reviewers[0]).put(
        f"/api/v1/assignments/{assignment_of(reviewers[0], in_review).pk}/review",
        {"scores": ALL_FIVE, "submit": True},
        format="json",
    )
    Cycle.objects.filter(pk=cycle.pk).update(
        deciding_on=timezone.localdate() - dt.timedelta(days=1)
    )
    rows = api.as_(chair).get(f"/api/v1/cycles/{cycle.pk}/assignments").json()
    assert sorted((r["reviewer"]["name"], r["status"], r["overdue"]) for r in rows) == [
        ("Reviewer1", "submitted", False),
        ("Reviewer2", "assigned", True),
        ("Reviewer3", "assigned", True),
    ]
    progress = api.as_(secretariat).get(f"/api/v1/cycles/{cycle.pk}/progress").json()
    assert [
        (p["reviewer"]["name"], p["assigned"], p["submitted"], p["overdue"]) for p in progress
    ] == [
        ("Reviewer1", 1, 1, 0),
        ("Reviewer2", 1, 0, 1),
        ("Reviewer3", 1, 0, 1),
    ]
    for path in ("assignments", "progress"):
        assert api.as_(supervisor).get(f"/api/v1/cycles/{cycle.pk}/{path}").status_code == 404
        assert api.as_(reviewers[1]).get(f"/api/v1/cycles/{cycle.pk}/{path}").status_code == 404


def test_a_reviewer_in_conflict_is_refused_with_the_reason_and_another_is_added(
    in_review, cycle, api, secretariat, subordinate, committee_unit, chair
):
    boss = EmployeeFactory(org_unit=committee_unit)
    subordinate.supervisor = boss
    subordinate.save()
    url = f"/api/v1/cycles/{cycle.pk}/assignments"
    boss_seat = CommitteeMember.objects.create(cycle=cycle, employee=boss, load_cap=5)
    refused = api.as_(secretariat).post(
        url, {"nomination": in_review.pk, "reviewer": boss_seat.pk}, format="json"
    )
    assert refused.status_code == 409
    assert "is in the nominee's supervisor chain" in refused.json()["message"]
    fresh = CommitteeMember.objects.create(cycle=cycle, employee=EmployeeFactory(), load_cap=5)
    added = api.as_(secretariat).post(
        url, {"nomination": in_review.pk, "reviewer": fresh.pk}, format="json"
    )
    assert added.status_code == 201, added.json()
    assert added.json()["status"] == "assigned"
    twice = api.as_(secretariat).post(
        url, {"nomination": in_review.pk, "reviewer": fresh.pk}, format="json"
    )
    assert twice.status_code == 409
    chair_seat = CommitteeMember.objects.get(cycle=cycle, employee=chair)
    not_a_reviewer = api.as_(secretariat).post(
        url, {"nomination": in_review.pk, "reviewer": chair_seat.pk}, format="json"
    )
    assert not_a_reviewer.status_code == 400
    assert "reviewer" in not_a_reviewer.json()["fields"]
    full = CommitteeMember.objects.create(cycle=cycle, employee=EmployeeFactory(), load_cap=0)
    capped = api.as_(secretariat).post(
        url, {"nomination": in_review.pk, "reviewer": full.pk}, format="json"
    )
    assert capped.status_code == 409
    assert "their cap" in capped.json()["message"]
    assert (
        api.as_(chair)
        .post(url, {"nomination": in_review.pk, "reviewer": fresh.pk}, format="json")
        .status_code
        == 404
    )


def test_a_reviewer_is_removed_before_submitting_and_the_nomination_completes(
    in_review, cycle, reviewers, api, secretariat
):
    extra = CommitteeMember.objects.create(cycle=cycle, employee=EmployeeFactory(), load_cap=5)
    fourth = Assignment.objects.create(
        nomination=in_review, member=extra, round=cycle.rounds.first()
    )
    for person in reviewers:
        api.as_(person).put(
            f"/api/v1/assignments/{assignment_of(person, in_review).pk}/review",
            {"scores": ALL_FIVE, "submit": True},
            format="json",
        )
    in_review.refresh_from_db()
    assert in_review.status == "in_review"  # the fourth reviewer has not submitted
    submitted = assignment_of(reviewers[0], in_review)
    assert api.as_(secretariat).delete(f"/api/v1/assignments/{submitted.pk}").status_code == 409
    assert api.as_(reviewers[0]).delete(f"/api/v1/assignments/{fourth.pk}").status_code == 404
    assert api.as_(secretariat).delete(f"/api/v1/assignments/{fourth.pk}").status_code == 204
    in_review.refresh_from_db()
    assert in_review.status == "reviewed"
    assert (
        api.as_(secretariat).delete("/api/v1/assignments/99999999999999999999").status_code == 404
    )
