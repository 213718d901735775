"""Refusals and records the mutation run found unpinned: the exact messages a
user reads, the boundaries they meet, and who may see a ranking."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core import lifecycle
from nominations import services
from nominations.models import Nomination
from tests.factories import UserFactory

from .helpers import decided, move_to, nomination

pytestmark = pytest.mark.django_db
REQUIRED = ["Required before submitting."]


def test_an_incomplete_draft_is_refused_field_by_field(api, supervisor, subordinate, cycle):
    draft = nomination(cycle, supervisor, [subordinate])
    Nomination.objects.filter(pk=draft.pk).update(
        impact="", started_on=None, psm_statements={"public_interest": "ya"}
    )
    response = api.as_(supervisor).post(f"/api/v1/nominations/{draft.pk}/submit")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["impact"] == REQUIRED
    assert fields["started_on"] == REQUIRED
    assert fields["psm_statements.compassion"] == REQUIRED
    assert "psm_statements.public_interest" not in fields
    assert Nomination.objects.get(pk=draft.pk).status == "draft"


def test_an_innovation_started_today_may_be_submitted_one_starting_tomorrow_not(
    api, supervisor, subordinate, cycle
):
    today = timezone.localdate()
    future = nomination(cycle, supervisor, [subordinate], title="Besok")
    Nomination.objects.filter(pk=future.pk).update(started_on=today + dt.timedelta(days=1))
    response = api.as_(supervisor).post(f"/api/v1/nominations/{future.pk}/submit")
    assert response.json()["fields"]["started_on"] == ["The innovation cannot start in the future."]
    draft = nomination(cycle, supervisor, [subordinate], title="Hari ini")
    Nomination.objects.filter(pk=draft.pk).update(started_on=today)
    response = api.as_(supervisor).post(f"/api/v1/nominations/{draft.pk}/submit")
    assert response.status_code == 200, response.json()
    assert Nomination.objects.get(pk=draft.pk).submitted_at is not None


def test_screening_says_what_an_ineligible_needs_and_keeps_the_reason(
    api, supervisor, subordinate, secretariat, cycle
):
    item = nomination(cycle, supervisor, [subordinate])
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    client = api.as_(secretariat)
    response = client.post(f"/api/v1/nominations/{item.pk}/screen", {"eligible": False})
    assert response.json()["fields"]["reason"] == ["Say why the nomination is ineligible."]
    client.post(
        f"/api/v1/nominations/{item.pk}/screen",
        {"eligible": False, "reason": "Belum berjalan 12 bulan"},
    )
    item.refresh_from_db()
    assert (item.status, item.screening_reason) == ("ineligible", "Belum berjalan 12 bulan")
    eligible = nomination(cycle, supervisor, [subordinate], title="Kedua")
    services.nomination_submit(nomination_id=eligible.pk, actor=supervisor.user)
    services.nomination_screen(nomination_id=eligible.pk, actor=secretariat.user, eligible=True)
    assert lifecycle.history(eligible).last().reason == ""


def test_a_decision_says_what_it_needs_and_records_the_rationale(
    api, supervisor, subordinate, chair, cycle
):
    item = decided(cycle, supervisor, [subordinate])
    Nomination.objects.filter(pk=item.pk).update(status="reviewed", award_level=None)
    move_to(cycle, "deciding")
    client = api.as_(chair)
    url = f"/api/v1/nominations/{item.pk}/decide"
    response = client.post(url, {"award_level": "gold", "rationale": " "}, format="json")
    assert response.json()["fields"]["rationale"] == ["Give a rationale for the decision."]
    response = client.post(url, {"award_level": "diamond", "rationale": "r"}, format="json")
    assert response.json()["fields"]["award_level"] == ["Unknown award level “diamond”."]
    response = client.post(url, {"award_level": "gold", "rationale": "Dampak luas"}, format="json")
    assert response.status_code == 200, response.json()
    assert lifecycle.history(item).last().reason == "Dampak luas"


def test_a_chair_here_who_is_deputy_elsewhere_decides_here(
    api, supervisor, subordinate, chair, cycle
):
    other = services.cycle_create(name="Siklus lain")
    services.committee_member_add(cycle=other, employee=chair, is_deputy_chair=True)
    # the other cycle is newer: a query of seats not bound to this cycle finds it first
    item = decided(cycle, supervisor, [subordinate])
    Nomination.objects.filter(pk=item.pk).update(status="reviewed", award_level=None)
    move_to(cycle, "deciding")
    response = api.as_(chair).post(
        f"/api/v1/nominations/{item.pk}/decide",
        {"award_level": "gold", "rationale": "r"},
        format="json",
    )
    assert response.status_code == 200, response.json()


def test_a_login_without_an_employee_record_sees_no_ranking(chair, cycle):
    move_to(cycle, "deciding")
    client = APIClient()
    client.force_authenticate(UserFactory())
    assert client.get(f"/api/v1/cycles/{cycle.pk}/ranking").status_code == 404
    assert client.get(f"/api/v1/cycles/{cycle.pk}/history").status_code == 404


def test_an_edit_checks_what_it_changes(supervisor, subordinate, junior, cycle):
    from django.core.exceptions import ValidationError

    team = nomination(cycle, supervisor, [subordinate, junior], category="technology-team")
    # moving a team to a category for one person is refused
    with pytest.raises(ValidationError) as refused:
        services.nomination_update(
            nomination=team, actor=supervisor.user, category=cycle.categories.get(code="technology")
        )
    assert refused.value.message_dict["nominees"] == [
        "This category is for one person; choose a team category."
    ]
    # new nominees without a lead replace the old ones, the first leading
    services.nomination_update(nomination=team, actor=supervisor.user, nominees=[junior])
    assert list(team.nominees.values_list("employee_id", "is_lead")) == [(junior.pk, True)]
    # statements for criteria that ask none are refused
    with pytest.raises(ValidationError) as refused:
        services.nomination_update(
            nomination=team, actor=supervisor.user, psm_statements={"novelty": "baru"}
        )
    assert refused.value.message_dict["psm_statements"] == ["Unknown PSM criteria: novelty."]


def test_publication_waits_for_every_decision_and_says_how_many(api, in_review, cycle, secretariat):
    from tests.nominations.helpers import move_to

    move_to(cycle, "deciding")
    response = api.as_(secretariat).post(f"/api/v1/cycles/{cycle.pk}/publish")
    assert (response.status_code, response.json()["message"]) == (
        409,
        "1 nomination(s) still wait for a decision.",
    )
    cycle.refresh_from_db()
    assert cycle.phase == "deciding"
