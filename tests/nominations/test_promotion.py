"""Promotion (DESIGN §3.11, §7.3): an agency cycle's winners put forward to
the national cycle its cycle names, once each, within the national cycle's
rules, with every refusal said."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.lifecycle import history
from nominations import services
from nominations.models import Cycle, Evidence, Nomination
from tests.concurrency import together

from .helpers import PDF_BYTES, decided, move_to, publish_results


@pytest.fixture
def national(cycle):
    """The higher-level cycle: the shared ``cycle`` fixture, nominating."""
    return cycle


@pytest.fixture
def agency(org, national, reviewers, chair):
    """An agency's cycle for the directorate, naming ``national`` as parent,
    taking nominations."""
    agency = services.cycle_create(
        name="Anugerah Inovasi Direktorat", parent=national, scope_unit=org["dit"]
    )
    for reviewer in reviewers:
        services.committee_member_add(cycle=agency, employee=reviewer, load_cap=10)
    services.committee_member_add(cycle=agency, employee=chair, is_chair=True)
    return services.cycle_set_phase(cycle_id=agency.pk, phase="nominating")


@pytest.fixture
def winners(agency, supervisor, subordinate, junior, secretariat):
    """Three decided nominations of the agency (gold with an evidence file,
    silver, bronze) and one without an award; the agency then published."""
    gold = decided(agency, supervisor, [subordinate], level=None, title="Izin satu hari")
    # Evidence is added while a draft; ``decided`` built it as one.
    Nomination.objects.filter(pk=gold.pk).update(status="draft")
    services.evidence_add(
        nomination=gold,
        actor=supervisor.user,
        upload=SimpleUploadedFile("laporan.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    Nomination.objects.filter(pk=gold.pk).update(
        status="decided", award_level=agency.award_levels.get(code="gold")
    )
    levels = {
        "gold": gold,
        "silver": decided(agency, supervisor, [junior], level="silver", title="Antrean daring"),
        "bronze": decided(agency, supervisor, [subordinate], level="bronze", title="Arsip"),
        "none": decided(agency, supervisor, [junior], level=None, title="Surat elektronik"),
    }
    move_to(agency, "deciding")
    publish_results(agency, secretariat)
    return {k: Nomination.objects.get(pk=v.pk) for k, v in levels.items()}


def promote(api, who, item, **body):
    return api.as_(who).post(f"/api/v1/nominations/{item.pk}/promote", body, format="json")


def problems(response):
    assert response.status_code == 409, response.json()
    assert response.json()["code"] == "not_promotable"
    return [p["code"] for p in response.json()["problems"]]


def test_a_winner_is_put_forward_once_as_a_submitted_nomination_of_the_national_cycle(
    api,
    secretariat,
    supervisor,
    subordinate,
    national,
    agency,
    winners,
    eager_jobs,
    django_capture_on_commit_callbacks,
):
    gold = winners["gold"]
    subordinate.email = "subordinate@example.test"
    subordinate.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = promote(api, secretariat, gold)
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["cycle"] == national.pk
    assert body["status"] == "submitted"
    assert body["origin"] == {"cycle": agency.pk, "nomination": gold.pk, "award_level": "gold"}
    assert [n["id"] for n in body["nominees"]] == [subordinate.pk]
    assert body["nominator"]["id"] == supervisor.pk
    assert (body["title"], body["impact"]) == (gold.title, gold.impact)
    assert body["category"]["code"] == gold.category.code
    assert body["psm_statements"] == gold.psm_statements
    assert body["submitted_at"] is not None

    # The evidence is a copy: the same bytes in a file of its own.
    [copy] = Evidence.objects.filter(nomination_id=body["id"])
    [original] = gold.evidence.all()
    assert copy.file.name != original.file.name
    with copy.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    assert (copy.sha256, copy.original_name) == (original.sha256, "laporan.pdf")

    # Who put it forward, when and from where: the history says so.
    promoted = Nomination.objects.get(pk=body["id"])
    [change] = history(promoted)
    assert (change.actor, change.from_state, change.to_state) == (
        secretariat.user,
        "draft",
        "submitted",
    )
    assert "Anugerah Inovasi Direktorat" in change.reason

    # The nominee is told where their innovation went (in the service's language).
    [message] = mail.outbox
    assert message.to == [subordinate.email]
    assert "telah diteruskan ke Anugerah Inovasi Uji" in message.body

    # Again: the same nomination, nothing new.
    again = promote(api, secretariat, gold)
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Nomination.objects.filter(cycle=national).count() == 1
    assert Evidence.objects.filter(nomination__cycle=national).count() == 1

    # The national cycle's secretariat screens it as any other.
    screened = api.as_(secretariat).post(
        f"/api/v1/nominations/{body['id']}/screen", {"eligible": True}, format="json"
    )
    assert screened.status_code == 200
    assert screened.json()["origin"]["nomination"] == gold.pk


def test_the_lists_show_where_a_promoted_nomination_comes_from(api, secretariat, national, winners):
    made = promote(api, secretariat, winners["gold"]).json()
    rows = api.as_(secretariat).get(f"/api/v1/nominations?cycle={national.pk}").json()["results"]
    assert [(r["id"], r["origin"]) for r in rows] == [(made["id"], made["origin"])]
    own = api.as_(secretariat).get(f"/api/v1/nominations/{winners['gold'].pk}").json()
    assert own["origin"] is None


def test_winners_below_the_national_level_are_refused_and_those_above_taken(
    api, secretariat, national, winners
):
    services.cycle_update(cycle_id=national.pk, promotion_min_award_level="silver")
    assert problems(promote(api, secretariat, winners["bronze"])) == ["below_level"]
    assert promote(api, secretariat, winners["silver"]).status_code == 201
    assert promote(api, secretariat, winners["gold"]).status_code == 201


def test_a_level_the_agency_cycle_does_not_have_is_said(api, secretariat, national, winners):
    services.cycle_update(cycle_id=national.pk, promotion_min_award_level="platinum")
    assert problems(promote(api, secretariat, winners["gold"])) == ["unknown_level"]


def test_a_nomination_without_an_award_is_refused(api, secretariat, national, winners):
    assert problems(promote(api, secretariat, winners["none"])) == ["not_awarded"]
    assert not Nomination.objects.filter(cycle=national).exists()


def test_the_national_quota_per_agency_cycle_holds(api, secretariat, national, winners):
    services.cycle_update(cycle_id=national.pk, promotion_quota=1)
    assert promote(api, secretariat, winners["silver"]).status_code == 201
    refused = promote(api, secretariat, winners["gold"])
    assert problems(refused) == ["quota_full"]
    assert "takes 1 nomination from each cycle" in refused.json()["message"]
    # The one already taken is still answered as before.
    assert promote(api, secretariat, winners["silver"]).status_code == 200


def test_only_while_the_national_cycle_takes_nominations(api, secretariat, national, winners):
    move_to(national, "reviewing")
    assert problems(promote(api, secretariat, winners["gold"])) == ["parent_not_nominating"]


def test_only_after_the_agency_publishes(
    api, secretariat, supervisor, subordinate, national, agency
):
    item = decided(agency, supervisor, [subordinate], level="gold")
    move_to(agency, "deciding")
    assert problems(promote(api, secretariat, item)) == ["not_published"]


def test_a_cycle_without_a_higher_level_cycle_promotes_nothing(api, secretariat, agency, winners):
    Cycle.objects.filter(pk=agency.pk).update(parent=None)
    assert problems(promote(api, secretariat, winners["gold"])) == ["no_parent"]


def test_nominees_outside_the_national_cycle_s_unit_are_refused(
    api, secretariat, org, national, winners
):
    Cycle.objects.filter(pk=national.pk).update(scope_unit=org["set"])
    assert problems(promote(api, secretariat, winners["gold"])) == ["outside_scope"]


def test_without_a_category_of_the_same_code_the_secretariat_chooses_one(
    api, secretariat, national, winners
):
    national.categories.filter(code="technology").update(code="digital")
    assert problems(promote(api, secretariat, winners["gold"])) == ["no_category"]
    digital = national.categories.get(code="digital")
    made = promote(api, secretariat, winners["gold"], category=digital.pk)
    assert made.status_code == 201
    assert made.json()["category"]["code"] == "digital"


def test_a_team_goes_into_a_team_category_only(api, secretariat, national, winners, junior):
    from nominations.models import Nominee

    gold = winners["gold"]
    Nominee.objects.create(nomination=gold, employee=junior)  # the winner was a team
    Nomination.objects.filter(pk=gold.pk).update(
        category=gold.cycle.categories.get(code="technology-team")
    )
    alone = national.categories.get(code="technology")
    assert problems(promote(api, secretariat, gold, category=alone.pk)) == ["not_team_category"]
    made = promote(api, secretariat, gold)  # the team category of the same code
    assert made.status_code == 201
    assert len(made.json()["nominees"]) == 2


def test_a_category_of_another_cycle_is_refused_naming_the_field(api, secretariat, agency, winners):
    other = agency.categories.first()
    response = promote(api, secretariat, winners["gold"], category=other.pk)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["category"]


def test_statements_the_national_rubric_asks_for_and_the_winner_lacks_are_said(
    api, secretariat, national, winners
):
    gold = winners["gold"]
    Nomination.objects.filter(pk=gold.pk).update(psm_statements={"public_interest": "x"})
    codes = problems(promote(api, secretariat, gold))
    assert codes == ["statements_missing"]


def test_every_reason_is_given_at_once(api, secretariat, national, winners):
    services.cycle_update(cycle_id=national.pk, promotion_min_award_level="gold")
    move_to(national, "reviewing")
    assert problems(promote(api, secretariat, winners["silver"])) == [
        "below_level",
        "parent_not_nominating",
    ]


@pytest.mark.parametrize("who", ["supervisor", "subordinate", "outsider", "hr"])
def test_only_the_secretariat_promotes(request, api, national, winners, who):
    person = request.getfixturevalue(who)
    response = promote(api, person, winners["gold"])
    assert response.status_code == 404
    assert not Nomination.objects.filter(cycle=national).exists()


def test_the_secretariat_cannot_submit_someone_else_s_draft(
    api, secretariat, supervisor, subordinate, national
):
    """Submitting a promotion is the secretariat's; an ordinary draft stays
    its nominator's to submit."""
    from .helpers import nomination

    draft = nomination(national, supervisor, [subordinate])
    response = api.as_(secretariat).post(f"/api/v1/nominations/{draft.pk}/submit")
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_two_promotions_at_once_into_a_quota_of_one_take_one(
    transactional_db, secretariat, national, winners
):
    services.cycle_update(cycle_id=national.pk, promotion_quota=1)

    def tab(item):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(secretariat.user)
        return client.post(f"/api/v1/nominations/{item.pk}/promote").status_code

    answers = together(lambda: tab(winners["gold"]), lambda: tab(winners["silver"]))
    assert sorted(answers) == [201, 409]
    assert Nomination.objects.filter(cycle=national).count() == 1


def test_the_cycle_api_sets_the_parent_and_what_it_takes(api, secretariat, national):
    client = api.as_(secretariat)
    made = client.post(
        "/api/v1/cycles",
        {"name": "Anugerah Biro", "parent": national.pk},
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["parent"] == national.pk
    changed = client.patch(
        f"/api/v1/cycles/{national.pk}",
        {"promotion": {"min_award_level": "silver", "quota_per_cycle": 2}},
        format="json",
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["promotion"] == {"min_award_level": "silver", "quota_per_cycle": 2}
    # A loop of higher-level cycles is refused, naming the field.
    loop = client.patch(
        f"/api/v1/cycles/{national.pk}", {"parent": made.json()["id"]}, format="json"
    )
    assert loop.status_code == 400
    assert list(loop.json()["fields"]) == ["parent"]
    assert Cycle.objects.get(pk=national.pk).parent is None


def test_a_blind_reviewer_does_not_learn_where_a_promotion_comes_from(
    api, secretariat, national, winners, reviewers
):
    from nominations.models import Assignment

    made = promote(api, secretariat, winners["gold"]).json()
    Cycle.objects.filter(pk=national.pk).update(blind_review=True)
    member = national.committee.get(employee=reviewers[0])
    Assignment.objects.create(
        nomination_id=made["id"], member=member, round=national.rounds.first()
    )
    seen = api.as_(reviewers[0]).get(f"/api/v1/nominations/{made['id']}").json()
    assert seen["identity_hidden"] is True
    assert seen["origin"] is None
    # The secretariat still sees it.
    assert api.as_(secretariat).get(f"/api/v1/nominations/{made['id']}").json()["origin"]


def test_a_promotion_that_fails_half_way_leaves_no_copied_file(
    api, secretariat, national, winners, settings
):
    """The evidence is copied before the nomination is submitted; a refusal
    at submission (here: a winner whose text went missing) takes the copies
    with it."""
    from pathlib import Path

    def files():
        return sorted(p for p in Path(settings.MEDIA_ROOT, "evidence").rglob("*") if p.is_file())

    before = files()
    gold = winners["gold"]
    Nomination.objects.filter(pk=gold.pk).update(problem="")
    response = promote(api, secretariat, gold)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["problem"]
    assert files() == before
    assert not Nomination.objects.filter(cycle=national).exists()
