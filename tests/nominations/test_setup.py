"""Cycle set-up through the API (DESIGN §7.2): a cycle from nothing or copied
from an earlier one, its dates and rules, categories, rubric, award levels and
committee; the readiness checklist and the phase change that refuses with it;
a cycle scoped to an org unit."""

from decimal import Decimal

import pytest

from core import events
from nominations import services
from nominations.models import Assignment, Cycle
from rewards import services as rewards
from rewards.models import BonusBudget, IncentiveRule
from tests.factories import EmployeeFactory
from tests.nominations.helpers import decided, move_to, payload

CYCLES = "/api/v1/cycles"
NAMES = {"id": "Tata kelola digital", "en": "Digital governance"}


def _criteria(weights=(60, 40)):
    return [
        {
            "code": f"c{i}",
            "names": {"id": f"Kriteria {i}", "en": f"Criterion {i}"},
            "group": "psm" if i == 0 else "innovation",
            "weight": w,
            "levels": [
                {"value": 1, "descriptors": {"id": "Lemah", "en": "Weak"}},
                {"value": 5, "descriptors": {"id": "Unggul", "en": "Excellent"}},
            ],
        }
        for i, w in enumerate(weights)
    ]


@pytest.fixture
def draft(secretariat, api):
    response = api.as_(secretariat).post(CYCLES, {"name": "Anugerah 2027"}, format="json")
    assert response.status_code == 201, response.json()
    return Cycle.objects.get(pk=response.json()["id"])


def test_a_new_cycle_starts_in_draft_with_the_default_set_up(draft, secretariat, api):
    body = api.as_(secretariat).get(f"{CYCLES}/{draft.pk}").json()
    assert body["phase"] == "draft"
    assert len(body["categories"]) == 6
    assert [lv["code"] for lv in body["award_levels"]] == ["gold", "silver", "bronze"]
    assert sum(c["weight"] for c in body["rubric"]["criteria"]) == 100


def test_names_answer_in_the_request_language_with_both_alongside(draft, secretariat, api):
    client = api.as_(secretariat)
    english = client.get(f"{CYCLES}/{draft.pk}").json()
    indonesian = client.get(f"{CYCLES}/{draft.pk}", HTTP_ACCEPT_LANGUAGE="id").json()
    tech = next(c for c in english["categories"] if c["code"] == "technology")
    assert tech["name"] == "New technology"
    assert tech["names"] == {"id": "Teknologi baru", "en": "New technology"}
    assert indonesian["categories"][0]["name"] == "Teknologi baru"
    criterion = indonesian["rubric"]["criteria"][0]
    assert criterion["name"] == "Komitmen pada kepentingan publik"
    assert criterion["levels"][0]["descriptor"] == "Tidak tampak kaitan dengan kepentingan publik"
    assert english["rubric"]["criteria"][0]["levels"][0]["descriptor"] == (
        "No link to the public interest is shown"
    )
    assert indonesian["award_levels"][0]["name"] == "Penghargaan Utama"
    assert english["award_levels"][0]["name"] == "Gold award"


def test_only_the_secretariat_sets_cycles_up(draft, supervisor, chair, api):
    for person in (supervisor, chair):
        client = api.as_(person)
        assert client.post(CYCLES, {"name": "x"}, format="json").status_code == 404
        assert client.patch(f"{CYCLES}/{draft.pk}", {"name": "x"}, format="json").status_code == 404
        assert client.get(f"{CYCLES}/{draft.pk}/readiness").status_code == 404
        assert client.get(f"{CYCLES}/{draft.pk}/committee").status_code == 404
        assert (
            client.post(
                f"{CYCLES}/{draft.pk}/categories",
                {"code": "x", "names": NAMES, "team": False},
                format="json",
            ).status_code
            == 404
        )
        assert (
            client.put(
                f"{CYCLES}/{draft.pk}/rubric", {"criteria": _criteria()}, format="json"
            ).status_code
            == 404
        )
    assert Cycle.objects.get(pk=draft.pk).name == "Anugerah 2027"
    assert not draft.categories.filter(code="x").exists()


def test_copying_a_cycle_brings_its_set_up_and_incentives_but_not_its_dates(
    cycle, secretariat, api
):
    Cycle.objects.filter(pk=cycle.pk).update(blind_review=True)
    rewards.incentive_policy_set(
        cycle_id=cycle.pk,
        actor=secretariat.user,
        bonus_budget=Decimal(90_000_000),
        levels={"gold": [{"kind": "bonus", "amount": Decimal(5_000_000)}]},
    )
    deputy = EmployeeFactory(org_unit=cycle.committee.first().employee.org_unit)
    services.committee_member_add(cycle=cycle, employee=deputy, is_deputy_chair=True)
    response = api.as_(secretariat).post(
        CYCLES,
        {"name": "Anugerah 2027", "copy_from": cycle.pk, "nominating_on": "2027-01-04"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phase"] == "draft"
    assert body["blind_review"] is True
    assert body["nominating_on"] == "2027-01-04"
    assert body["closing_on"] is None
    assert body["rubric"]["version"] == cycle.rubric.version
    assert {c["code"] for c in body["categories"]} == set(
        cycle.categories.values_list("code", flat=True)
    )
    committee = api.as_(secretariat).get(f"{CYCLES}/{body['id']}/committee").json()
    assert sorted(m["role"] for m in committee) == ["chair", "deputy_chair"] + ["member"] * 3
    assert {tuple(m["expertise"]) for m in committee if m["role"] == "member"} == {("technology",)}
    # The incentives follow once the event is handled (after the commit).
    assert events.deliver_pending() == 1
    copied = Cycle.objects.get(pk=body["id"])
    assert list(
        IncentiveRule.objects.filter(award_level__cycle=copied).values_list(
            "award_level__code", "kind", "amount"
        )
    ) == [("gold", "bonus", Decimal(5_000_000))]
    assert BonusBudget.objects.get(cycle=copied).amount == Decimal(90_000_000)
    # Handled twice (a worker died after the work): nothing doubles.
    rewards.incentive_policy_copy(source_id=cycle.pk, cycle_id=copied.pk)
    assert IncentiveRule.objects.filter(award_level__cycle=copied).count() == 1


def test_dates_stay_in_order(draft, secretariat, api):
    response = api.as_(secretariat).patch(
        f"{CYCLES}/{draft.pk}",
        {"nominating_on": "2027-02-01", "reviewing_on": "2027-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "reviewing_on" in response.json()["fields"]
    assert Cycle.objects.get(pk=draft.pk).nominating_on is None


def test_rules_are_frozen_once_nominating_but_names_and_dates_are_not(cycle, secretariat, api):
    client = api.as_(secretariat)
    for field, value in (
        ("blind_review", True),
        ("reviewers_per_nomination", 2),
        ("min_innovation_months", 6),
        ("max_nominations_per_unit", 9),
    ):
        response = client.patch(f"{CYCLES}/{cycle.pk}", {field: value}, format="json")
        assert response.status_code == 409, field
    ok = client.patch(
        f"{CYCLES}/{cycle.pk}",
        {"name": "Anugerah Inovasi 2026 (revisi)", "closing_on": "2030-12-31"},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["name"] == "Anugerah Inovasi 2026 (revisi)"
    # Sending a rule's current value is not a change.
    same = client.patch(f"{CYCLES}/{cycle.pk}", {"blind_review": False}, format="json")
    assert same.status_code == 200


def test_ranking_settings_change_until_publication(cycle, secretariat, api):
    client = api.as_(secretariat)
    move_to(cycle, "deciding")
    ok = client.patch(f"{CYCLES}/{cycle.pk}", {"disagreement_rate": "10.0"}, format="json")
    assert ok.status_code == 200
    assert ok.json()["disagreement_rate"] == "10.0"
    Cycle.objects.filter(pk=cycle.pk).update(phase="closed")
    refused = client.patch(f"{CYCLES}/{cycle.pk}", {"adjust_scores": False}, format="json")
    assert refused.status_code == 409
    assert client.patch(f"{CYCLES}/{cycle.pk}", {"name": "x"}, format="json").status_code == 409


def test_the_rubric_is_replaced_by_a_new_version_in_draft_only(draft, cycle, secretariat, api):
    client = api.as_(secretariat)
    old = draft.rubric
    bad = client.put(
        f"{CYCLES}/{draft.pk}/rubric", {"criteria": _criteria((60, 30))}, format="json"
    )
    assert bad.status_code == 400
    assert "criteria" in bad.json()["fields"]
    response = client.put(f"{CYCLES}/{draft.pk}/rubric", {"criteria": _criteria()}, format="json")
    assert response.status_code == 200, response.json()
    rubric = response.json()["rubric"]
    assert rubric["version"] > old.version
    assert [c["code"] for c in rubric["criteria"]] == ["c0", "c1"]
    assert rubric["criteria"][0]["levels"][1] == {
        "value": 5,
        "descriptor": "Excellent",
        "descriptors": {"id": "Unggul", "en": "Excellent"},
    }
    # The other cycle on the old version keeps it.
    assert Cycle.objects.get(pk=cycle.pk).rubric_id == old.pk
    refused = client.put(f"{CYCLES}/{cycle.pk}/rubric", {"criteria": _criteria()}, format="json")
    assert refused.status_code == 409


def test_a_level_outside_the_scale_or_a_name_missing_a_language_is_refused(draft, secretariat, api):
    criteria = _criteria()
    criteria[0]["levels"][0]["value"] = 9
    response = api.as_(secretariat).put(
        f"{CYCLES}/{draft.pk}/rubric", {"criteria": criteria}, format="json"
    )
    assert response.status_code == 400
    assert "criteria.0.levels" in response.json()["fields"]
    criteria = _criteria()
    criteria[1]["names"] = {"id": "Kriteria", "en": ""}
    response = api.as_(secretariat).put(
        f"{CYCLES}/{draft.pk}/rubric", {"criteria": criteria}, format="json"
    )
    assert response.status_code == 400
    assert "criteria.1.names.en" in response.json()["fields"]


def test_categories_are_added_and_removed_in_draft_and_renamed_until_publication(
    draft, cycle, secretariat, api
):
    client = api.as_(secretariat)
    url = f"{CYCLES}/{draft.pk}/categories"
    added = client.post(url, {"code": "digital", "names": NAMES, "team": False}, format="json")
    assert added.status_code == 201
    assert added.json()["name"] == "Digital governance"
    twice = client.post(url, {"code": "digital", "names": NAMES}, format="json")
    assert twice.status_code == 400
    pk = added.json()["id"]
    team = client.patch(f"{url}/{pk}", {"team": True}, format="json")
    assert team.status_code == 200
    assert team.json()["team"] is True
    assert client.delete(f"{url}/{pk}").status_code == 204
    # Nominating: the set is fixed, the names are not.
    url = f"{CYCLES}/{cycle.pk}/categories"
    tech = cycle.categories.get(code="technology")
    assert client.post(url, {"code": "x", "names": NAMES}, format="json").status_code == 409
    assert client.patch(f"{url}/{tech.pk}", {"team": True}, format="json").status_code == 409
    assert client.patch(f"{url}/{tech.pk}", {"code": "tek"}, format="json").status_code == 409
    assert client.delete(f"{url}/{tech.pk}").status_code == 409
    renamed = client.patch(f"{url}/{tech.pk}", {"names": NAMES}, format="json")
    assert renamed.status_code == 200
    assert renamed.json()["names"] == NAMES
    # Another cycle's category is not found through this one.
    assert client.delete(f"{CYCLES}/{draft.pk}/categories/{tech.pk}").status_code == 404


def test_award_levels_change_until_deciding(cycle, supervisor, subordinate, secretariat, api):
    client = api.as_(secretariat)
    url = f"{CYCLES}/{cycle.pk}/award-levels"
    level = {"code": "honour", "names": {"id": "Apresiasi", "en": "Honourable mention"}}
    added = client.post(url, {**level, "min_score": "55.00", "quota": 5}, format="json")
    assert added.status_code == 201, added.json()
    assert [lv["code"] for lv in client.get(url).json()] == ["gold", "silver", "bronze", "honour"]
    changed = client.patch(f"{url}/honour", {"quota": 8}, format="json")
    assert changed.status_code == 200
    assert changed.json()["quota"] == 8
    decided(cycle, supervisor, [subordinate], level="gold")
    in_use = client.delete(f"{url}/gold")
    assert (in_use.status_code, in_use.json()["message"]) == (
        409,
        "Nominations are decided at this level; it cannot be deleted.",
    )
    assert client.delete(f"{url}/honour").status_code == 204
    move_to(cycle, "deciding")
    late = client.patch(f"{url}/silver", {"quota": 9}, format="json")
    assert late.status_code == 409
    assert late.json()["message"] == (
        "An award level's score and quota cannot change while the cycle is in the deciding phase."
    )
    assert client.delete(f"{url}/silver").json()["message"].startswith("The award levels")
    assert (
        client.post(url, {**level, "min_score": "50", "quota": 1}, format="json").status_code == 409
    )
    renamed = client.patch(
        f"{url}/silver", {"names": {"id": "Madya", "en": "Silver"}}, format="json"
    )
    assert renamed.status_code == 200


def test_the_committee_has_one_chair_whose_seat_moves_and_is_never_left_empty(
    cycle, chair, reviewers, secretariat, api
):
    client = api.as_(secretariat)
    url = f"{CYCLES}/{cycle.pk}/committee"
    newcomer = EmployeeFactory(org_unit=chair.org_unit)
    added = client.post(
        url,
        {"employee": newcomer.pk, "role": "chair", "load_cap": 5, "expertise": ["service"]},
        format="json",
    )
    assert added.status_code == 201, added.json()
    assert added.json()["expertise"] == ["service"]
    roles = {m["employee"]["id"]: m["role"] for m in client.get(url).json()}
    assert roles[newcomer.pk] == "chair"
    assert roles[chair.pk] == "member"
    seat = added.json()["id"]
    # Nominating: the chair is neither removed nor demoted until another takes the seat.
    needed = "Make another member the chair first: the cycle needs one."
    removed = client.delete(f"{url}/{seat}")
    assert (removed.status_code, removed.json()["message"]) == (409, needed)
    demoted = client.patch(f"{url}/{seat}", {"role": "member"}, format="json")
    assert (demoted.status_code, demoted.json()["message"]) == (409, needed)
    bad_role = client.patch(f"{url}/{seat}", {"role": "king"}, format="json")
    assert bad_role.status_code == 400
    assert list(bad_role.json()["fields"]) == ["role"]
    # A deputy chair's seat moves the same way, and only within this cycle.
    deputy = cycle.committee.get(employee=reviewers[2])
    moved = client.patch(f"{url}/{deputy.pk}", {"role": "deputy_chair"}, format="json")
    assert moved.json()["role"] == "deputy_chair"
    assert cycle.committee.get(is_deputy_chair=True).pk == deputy.pk
    again = client.post(url, {"employee": newcomer.pk}, format="json")
    assert again.status_code == 400
    assert "employee" in again.json()["fields"]
    unknown = client.post(
        url, {"employee": EmployeeFactory().pk, "expertise": ["nope"]}, format="json"
    )
    assert unknown.status_code == 400
    assert "expertise" in unknown.json()["fields"]
    member = cycle.committee.get(employee=reviewers[0])
    Assignment.objects.create(
        nomination=_a_nomination(cycle), member=member, round=cycle.rounds.first()
    )
    busy = client.delete(f"{url}/{member.pk}")
    assert (busy.status_code, busy.json()["message"]) == (
        409,
        "This member has nominations to review; remove those assignments first.",
    )
    other = cycle.committee.get(employee=reviewers[1])
    assert client.delete(f"{url}/{other.pk}").status_code == 204


def test_naming_a_chair_moves_the_seat_in_that_cycle_only(cycle, chair, secretariat, api):
    other = services.cycle_create(name="Siklus lain")
    services.committee_member_add(cycle=other, employee=chair, is_chair=True)
    newcomer = EmployeeFactory(org_unit=chair.org_unit)
    api.as_(secretariat).post(
        f"{CYCLES}/{cycle.pk}/committee", {"employee": newcomer.pk, "role": "chair"}, format="json"
    )
    assert cycle.committee.get(is_chair=True).employee == newcomer
    assert other.committee.get(is_chair=True).employee == chair  # untouched


def _a_nomination(cycle):
    from tests.nominations.helpers import nomination

    boss = EmployeeFactory()
    return nomination(cycle, boss, [EmployeeFactory(supervisor=boss)])


def test_readiness_lists_what_is_missing_and_the_phase_change_refuses_with_it(
    draft, chair, secretariat, api
):
    client = api.as_(secretariat)
    draft.categories.all().delete()
    client.patch(f"{CYCLES}/{draft.pk}", {"nominating_on": "2027-01-04"}, format="json")
    Cycle.objects.filter(pk=draft.pk).update(reviewing_on="2026-12-01")  # out of order
    body = client.get(f"{CYCLES}/{draft.pk}/readiness").json()
    assert body["ready"] is False
    codes = [p["code"] for p in body["problems"]]
    assert codes == ["no_categories", "no_chair", "dates"]
    assert [w["code"] for w in body["warnings"]] == ["too_few_reviewers"]
    refused = client.post(f"{CYCLES}/{draft.pk}/phase", {"phase": "nominating"}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "not_ready"
    assert refused.json()["problems"] == body["problems"]
    assert Cycle.objects.get(pk=draft.pk).phase == "draft"
    # Fixed: it opens.
    client.post(
        f"{CYCLES}/{draft.pk}/categories", {"code": "digital", "names": NAMES}, format="json"
    )
    client.post(
        f"{CYCLES}/{draft.pk}/committee", {"employee": chair.pk, "role": "chair"}, format="json"
    )
    client.patch(f"{CYCLES}/{draft.pk}", {"reviewing_on": "2027-02-01"}, format="json")
    assert client.get(f"{CYCLES}/{draft.pk}/readiness").json()["ready"] is True
    opened = client.post(f"{CYCLES}/{draft.pk}/phase", {"phase": "nominating"}, format="json")
    assert opened.status_code == 200
    assert opened.json()["phase"] == "nominating"


def test_weights_and_award_levels_are_checked_before_opening(draft, chair):
    from nominations import readiness

    draft.award_levels.all().delete()
    draft.rubric.criteria.filter(code="novelty").update(weight=5)
    codes = [p.code for p in readiness.cycle_problems(draft)]
    assert codes == ["weights", "no_award_levels", "no_chair"]


def test_a_scoped_cycle_takes_nominees_of_its_unit_and_below_only(
    org, supervisor, subordinate, secretariat, api, reviewers, chair
):
    client = api.as_(secretariat)
    scoped = client.post(
        CYCLES, {"name": "Anugerah Sekretariat", "scope_unit": org["set"].pk}, format="json"
    ).json()
    assert scoped["scope_unit"] == org["set"].pk
    cycle = Cycle.objects.get(pk=scoped["id"])
    for person in reviewers:
        services.committee_member_add(cycle=cycle, employee=person)
    services.committee_member_add(cycle=cycle, employee=chair, is_chair=True)
    move_to(cycle, "nominating")
    refused = api.as_(supervisor).post(
        "/api/v1/nominations", payload(cycle, [subordinate]), format="json"
    )
    assert refused.status_code == 400
    assert refused.json()["fields"]["nominees"] == [
        f"Not in the org unit this cycle is for: employee id {subordinate.pk}."
    ]
    # Scoped to the whole ministry, the directorate is below it.
    Cycle.objects.filter(pk=cycle.pk).update(scope_unit=org["root"])
    ok = api.as_(supervisor).post(
        "/api/v1/nominations", payload(cycle, [subordinate]), format="json"
    )
    assert ok.status_code == 201, ok.json()
