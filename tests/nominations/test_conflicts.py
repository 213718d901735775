"""Conflicts of interest both ways along the reporting line, checked again
when a review is submitted, and a chair in conflict handing the decision to
the deputy chair (issue 11 §1.3)."""

import pytest
from django.test import Client

from nominations import services
from nominations.assignment import cycle_conflicts, reviewers_assign
from nominations.models import Assignment, Nomination
from tests.factories import EmployeeFactory
from tests.fixtures import _person

from .helpers import ALL_FIVE, advance, nomination
from .test_review import assignment_of, in_review, submit_all  # noqa: F401 (a fixture)


@pytest.fixture
def spare(cycle, committee_unit):
    """A fourth reviewer, to replace one in conflict."""
    person = _person("spare", committee_unit)
    services.committee_member_add(cycle=cycle, employee=person, load_cap=5)
    return person


def _eligible(cycle, supervisor, secretariat, nominees, title="Layanan izin satu hari"):
    item = nomination(cycle, supervisor, nominees, title=title)
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    services.nomination_screen(nomination_id=item.pk, actor=secretariat.user, eligible=True)
    return item


def test_a_reviewer_below_a_nominee_is_never_assigned(
    supervisor, subordinate, junior, secretariat, reviewers, cycle, spare
):
    # reviewer2 reports to junior, who reports to the nominee: two levels below.
    reviewers[1].supervisor = junior
    reviewers[1].save()
    item = _eligible(cycle, supervisor, secretariat, [subordinate])
    advance(cycle, "reviewing")
    member = cycle.committee.get(employee=reviewers[1])
    assert cycle_conflicts(cycle=cycle, nomination_ids=[item.pk])[item.pk] == {
        member.pk: "reports to the nominee"
    }
    assert reviewers_assign(cycle_id=cycle.pk).ok
    assigned = set(
        Assignment.objects.filter(nomination=item).values_list("member__employee_id", flat=True)
    )
    assert assigned == {reviewers[0].pk, reviewers[2].pk, spare.pk}


def test_a_conflict_that_arises_after_assignment_refuses_the_review_and_flags_it(
    api,
    supervisor,
    subordinate,
    secretariat,
    reviewers,
    cycle,
    in_review,  # noqa: F811
    spare,
):
    mover = next(r for r in reviewers if Assignment.objects.filter(member__employee=r).exists())
    assignment = assignment_of(mover, in_review)
    client = api.as_(mover)
    url = f"/api/v1/assignments/{assignment.pk}/review"
    assert client.put(url, {"scores": ALL_FIVE}, format="json").status_code == 200
    # The HR import moves the reviewer under the nominee.
    mover.supervisor = subordinate
    mover.save()
    # A draft is not checked again (a submission is): it is still saved.
    assert client.put(url, {"scores": ALL_FIVE}, format="json").status_code == 200
    response = client.put(url, {"scores": ALL_FIVE, "submit": True}, format="json")
    assert response.status_code == 409
    assert response.json()["message"] == (
        "A conflict of interest was found: the reviewer reports to the nominee. The review is "
        "not accepted; the secretariat will assign another reviewer."
    )
    assignment.refresh_from_db()
    assert (assignment.status, assignment.conflict) == ("draft", "reports to the nominee")
    assert assignment.conflict_found_at is not None
    assert assignment.review.submitted_at is None
    # Flagged, it stays refused, drafts too; the reviewer's queue says why.
    assert client.put(url, {"scores": ALL_FIVE}, format="json").status_code == 409
    listed = client.get("/api/v1/assignments").json()["results"]
    assert [a["conflict"] for a in listed] == ["reports to the nominee"]
    # The secretariat sees it and assigns again: the spare replaces the mover,
    # the other two reviews are kept, the flagged row stays for the record.
    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(secretariat.user)
    page = web.get(f"/cycles/{cycle.pk}/assignment").content.decode()
    assert "Conflicts found after assignment" in page
    assert f"{mover.name} reports to the nominee" in page
    result = reviewers_assign(cycle_id=cycle.pk)
    assert (result.ok, result.assigned, result.kept) == (True, 1, 2)
    assert Assignment.objects.filter(nomination=in_review).count() == 4
    # The nomination is reviewed once the three valid reviews are in.
    submit_all(api, [r for r in [*reviewers, spare] if r != mover], in_review)
    assert Nomination.objects.get(pk=in_review.pk).status == "reviewed"


@pytest.fixture
def reviewed_pair(api, supervisor, subordinate, junior, secretariat, reviewers, chair, cycle):
    """Two reviewed nominations; the chair reports to the first one's nominee."""
    chair.supervisor = junior
    chair.save()
    first = _eligible(cycle, supervisor, secretariat, [junior], title="Pertama")
    other = EmployeeFactory(org_unit=junior.org_unit, supervisor=supervisor)
    second = _eligible(cycle, supervisor, secretariat, [other], title="Kedua")
    advance(cycle, "reviewing")
    assert reviewers_assign(cycle_id=cycle.pk).ok
    for item in (first, second):
        submit_all(api, reviewers, item)
    advance(cycle, "deciding")
    return first, second


def _decide(api, person, item):
    return api.as_(person).post(
        f"/api/v1/nominations/{item.pk}/decide",
        {"award_level": "", "rationale": "Cukup"},
        format="json",
    )


def test_a_chair_in_conflict_hands_the_decision_to_the_deputy(
    api, chair, cycle, reviewed_pair, committee_unit
):
    first, second = reviewed_pair
    response = _decide(api, chair, first)
    assert response.status_code == 409
    assert response.json()["message"] == (
        "The chair reports to the nominee: name a deputy chair in the "
        "committee to decide this nomination."
    )
    deputy = _person("deputy", committee_unit)
    services.committee_member_add(cycle=cycle, employee=deputy, is_deputy_chair=True)
    assert _decide(api, chair, first).json()["message"] == (
        "The chair reports to the nominee: the deputy chair decides this nomination."
    )
    # The ranking says who decides, in the API and on the page.
    rows = {
        r["nomination"]: r
        for r in api.as_(deputy).get(f"/api/v1/cycles/{cycle.pk}/ranking").json()["results"]
    }
    assert (rows[first.pk]["decided_by"], rows[first.pk]["chair_conflict"]) == (
        "deputy_chair",
        "reports to the nominee",
    )
    assert (rows[second.pk]["decided_by"], rows[second.pk]["chair_conflict"]) == ("chair", None)
    web = Client(HTTP_ACCEPT_LANGUAGE="en")
    web.force_login(chair.user)
    page = web.get(f"/cycles/{cycle.pk}/ranking").content.decode()
    assert "The chair reports to the nominee: the deputy chair decides." in page
    # The deputy decides that one, and only that one.
    assert _decide(api, deputy, second).json()["message"] == "The chair decides this nomination."
    assert _decide(api, deputy, first).status_code == 200
    assert _decide(api, chair, second).status_code == 200
    assert set(Nomination.objects.values_list("status", flat=True)) == {"decided"}


def test_nobody_decides_while_the_deputy_is_in_conflict_too(
    api, chair, cycle, reviewed_pair, junior
):
    first, _second = reviewed_pair
    # The deputy reports to the nominee.
    deputy = _person("deputy", junior.org_unit, supervisor=junior)
    services.committee_member_add(cycle=cycle, employee=deputy, is_deputy_chair=True)
    response = _decide(api, deputy, first)
    assert response.status_code == 409
    assert response.json()["message"] == (
        "The chair and the deputy chair are both in conflict (the deputy reports to the nominee)."
    )
    assert Nomination.objects.get(pk=first.pk).status == "reviewed"


def test_the_deputy_chair_reviews_nothing(
    supervisor, subordinate, secretariat, reviewers, cycle, committee_unit
):
    deputy = EmployeeFactory(org_unit=committee_unit)
    services.committee_member_add(cycle=cycle, employee=deputy, is_deputy_chair=True, load_cap=9)
    _eligible(cycle, supervisor, secretariat, [subordinate])
    advance(cycle, "reviewing")
    assert reviewers_assign(cycle_id=cycle.pk).ok
    assert not Assignment.objects.filter(member__employee=deputy).exists()


def test_only_the_assigned_reviewer_triggers_the_conflict_check(
    supervisor,
    subordinate,
    reviewers,
    in_review,  # noqa: F811
):
    from core.errors import NotFoundError

    owner = next(r for r in reviewers if Assignment.objects.filter(member__employee=r).exists())
    other = next(r for r in reviewers if r != owner)
    assignment = assignment_of(owner, in_review)
    owner.supervisor = subordinate
    owner.save()
    with pytest.raises(NotFoundError):
        services.review_save(
            assignment_id=assignment.pk, actor=other.user, scores=ALL_FIVE, submit=True
        )
    assignment.refresh_from_db()
    assert assignment.conflict == ""


def test_chair_conflicts_find_every_kind_for_both_seats(
    cycle, chair, supervisor, subordinate, junior, committee_unit, org
):
    """Read from the seats' side (their paths), the chair's conflicts are
    the personal ones of ``cycle_conflicts``: nominator, nominee, above a
    nominee (two levels too), below one; the deputy's are checked alike."""
    from nominations.assignment import chair_conflicts

    deputy = _person("deputy", committee_unit)
    services.committee_member_add(cycle=cycle, employee=deputy, is_deputy_chair=True)
    top = EmployeeFactory(org_unit=org["dit"])
    supervisor.supervisor = top
    supervisor.save()
    chair.supervisor = supervisor  # top → supervisor → chair → deputy → far_below
    chair.save()
    deputy.supervisor = chair
    deputy.save()
    far_below = EmployeeFactory(org_unit=org["dit"], supervisor=deputy)
    made_by_chair = nomination(cycle, chair, [far_below], title="Dibuat ketua")
    chair_nominated = nomination(cycle, supervisor, [chair], title="Ketua dinominasikan")
    boss_nominated = nomination(cycle, top, [supervisor], title="Atasan ketua")
    below_both = nomination(cycle, supervisor, [far_below], title="Bawahan")
    deputy_nominated = nomination(cycle, supervisor, [deputy], title="Wakil")
    clear = nomination(cycle, supervisor, [junior], title="Bebas")
    ids = [n.pk for n in (made_by_chair, chair_nominated, boss_nominated, below_both,
                          deputy_nominated, clear)]  # fmt: skip
    above = "is in the nominee's supervisor chain"
    assert chair_conflicts(cycle=cycle, nomination_ids=ids) == {
        made_by_chair.pk: {"chair": "is the nominator", "deputy": above},
        chair_nominated.pk: {"chair": "is a nominee", "deputy": "reports to the nominee"},
        boss_nominated.pk: {"chair": "reports to the nominee", "deputy": "reports to the nominee"},
        below_both.pk: {"chair": above, "deputy": above},
        deputy_nominated.pk: {"chair": above, "deputy": "is a nominee"},
    }
    # The same reasons as the conflicts of the whole committee.
    seats = {m.pk: m.employee_id for m in cycle.committee.filter(employee__in=[chair, deputy])}
    everyone = cycle_conflicts(cycle=cycle, nomination_ids=ids, members=list(seats))
    for n, by_seat in chair_conflicts(cycle=cycle, nomination_ids=ids).items():
        assert set(by_seat.values()) == set(everyone[n].values()), n
    # Only the nominations asked about.
    assert chair_conflicts(cycle=cycle, nomination_ids=[clear.pk, made_by_chair.pk]) == {
        made_by_chair.pk: {"chair": "is the nominator", "deputy": above}
    }
