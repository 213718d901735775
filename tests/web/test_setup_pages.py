"""Cycle set-up in the web pages (secretariat): a new cycle, the checklist,
dates and rules, categories, award levels, the committee and the rubric —
errors named by their field, nothing half-saved, 404 for everyone else."""

import pytest

from nominations import services
from nominations.models import Cycle
from tests.factories import EmployeeFactory

from .test_pages import client_for


@pytest.fixture
def draft(db):
    return services.cycle_create(name="Anugerah 2027")


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_a_new_cycle_is_a_copy_or_the_default_and_lands_on_its_checklist(cycle, secretariat):
    client = client_for(secretariat)
    response = client.post(
        "/cycles/new", {"name": "Anugerah 2027", "copy_from": cycle.pk}, follow=True
    )
    copied = Cycle.objects.get(name="Anugerah 2027")
    assert response.redirect_chain[-1][0] == f"/cycles/{copied.pk}/setup"
    page = response.content.decode()
    assert "Ready to open for nominations" in page
    assert copied.committee.count() == cycle.committee.count()
    empty = client.post("/cycles/new", {"name": "Kosong"}, follow=True).content.decode()
    assert "The committee has no chair." in empty
    assert "Before the cycle can open" in empty


def test_a_new_cycle_with_an_unknown_unit_or_dates_out_of_order_is_refused(secretariat):
    client = client_for(secretariat)
    response = client.post("/cycles/new", {"name": "X", "scope_unit": "NOPE"})
    assert response.status_code == 400
    assert "No org unit has the code “NOPE”." in response.content.decode()
    response = client.post(
        "/cycles/new",
        {"name": "X", "nominating_on": "2027-03-01", "reviewing_on": "2027-02-01"},
    )
    assert response.status_code == 400
    assert "must not be before" in response.content.decode()
    assert not Cycle.objects.filter(name="X").exists()


def test_the_overview_of_a_draft_shows_what_is_missing_instead_of_the_phase_button(
    draft, secretariat
):
    page = client_for(secretariat).get(f"/cycles/{draft.pk}").content.decode()
    assert "The committee has no chair." in page
    assert f'action="/cycles/{draft.pk}/phase"' not in page


def test_settings_keep_the_typed_values_and_name_the_field_on_error(draft, secretariat):
    client = client_for(secretariat)
    form = {
        "name": "Anugerah 2027",
        "nominating_on": "2027-03-01",
        "reviewing_on": "2027-02-01",
        "reviewers_per_nomination": "3",
        "min_innovation_months": "12",
        "disagreement_rate": "5.0",
    }
    response = client.post(f"/cycles/{draft.pk}/setup/settings", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_reviewing_on-error"' in page
    assert 'value="2027-03-01"' in page
    assert Cycle.objects.get(pk=draft.pk).nominating_on is None
    form["reviewing_on"] = "2027-04-01"
    form["blind_review"] = "on"
    assert client.post(f"/cycles/{draft.pk}/setup/settings", form).status_code == 302
    saved = Cycle.objects.get(pk=draft.pk)
    assert (str(saved.reviewing_on), saved.blind_review) == ("2027-04-01", True)


def test_rules_are_shown_fixed_once_the_cycle_is_open(cycle, secretariat):
    client = client_for(secretariat)
    page = client.get(f"/cycles/{cycle.pk}/setup").content.decode()
    assert 'name="reviewers_per_nomination" value="3" min="1" max="20" required disabled' in page
    # A forged post of a fixed rule changes nothing.
    form = {
        "name": "Renamed",
        "reviewers_per_nomination": "1",
        "min_innovation_months": "12",
        "disagreement_rate": "5.0",
        "blind_review": "on",
    }
    assert client.post(f"/cycles/{cycle.pk}/setup/settings", form).status_code == 302
    saved = Cycle.objects.get(pk=cycle.pk)
    assert (saved.name, saved.reviewers_per_nomination, saved.blind_review) == (
        "Renamed",
        3,
        False,
    )


def test_categories_and_award_levels_are_edited_row_by_row(draft, secretariat):
    client = client_for(secretariat)
    url = f"/cycles/{draft.pk}/setup"
    response = client.post(
        f"{url}/categories",
        {"code": "digital", "name_id": "Tata kelola digital", "name_en": ""},
        follow=True,
    )
    assert "Name in English: This field is required." in _messages(response)
    assert not draft.categories.filter(code="digital").exists()
    client.post(
        f"{url}/categories",
        {"code": "digital", "name_id": "Tata kelola digital", "name_en": "Digital governance"},
    )
    digital = draft.categories.get(code="digital")
    assert digital.names == {"id": "Tata kelola digital", "en": "Digital governance"}
    client.post(f"{url}/categories/{digital.pk}", {"delete": ""})
    assert not draft.categories.filter(code="digital").exists()
    response = client.post(
        f"{url}/levels/gold",
        {
            "code": "gold",
            "name_id": "Utama",
            "name_en": "Gold",
            "min_score": "88",
            "quota": "2",
        },
        follow=True,
    )
    assert "The award level is saved." in _messages(response)
    gold = draft.award_levels.get(code="gold")
    assert (gold.name_id, gold.min_score, gold.quota) == ("Utama", 88, 2)


def test_incentives_are_set_per_award_level_with_the_bonus_budget(draft, secretariat):
    from rewards.selectors import incentive_policy

    client = client_for(secretariat)
    url = f"/cycles/{draft.pk}/setup/incentives"
    page = client.get(f"/cycles/{draft.pk}/setup").content.decode()
    assert 'name="gold-bonus"' in page
    assert 'aria-label="Gold award, bonus"' in page
    response = client.post(
        url,
        {"bonus_budget": "20000000", "gold-bonus": "5000000", "gold-training": "-3"},
        follow=True,
    )
    assert _messages(response) == [
        "Gold award, training entitlement: Ensure this value is greater than or equal to 0."
    ]
    assert incentive_policy(cycle=draft)["levels"]["gold"] == []  # nothing half-saved
    response = client.post(
        url,
        {
            "bonus_budget": "20000000",
            "gold-bonus": "5000000",
            "gold-training": "40",
            "silver-recognition": "0",
        },
        follow=True,
    )
    assert "The incentives are saved." in _messages(response)
    policy = incentive_policy(cycle=draft)
    assert policy["bonus_budget"] == 20_000_000
    assert policy["levels"]["gold"] == [
        {"kind": "bonus", "amount": 5_000_000},
        {"kind": "training", "amount": 40},
    ]
    assert policy["levels"]["silver"] == [{"kind": "recognition", "amount": 0}]
    # the form shows them back; blank stays blank
    page = client.get(f"/cycles/{draft.pk}/setup").content.decode()
    assert 'name="gold-bonus" inputmode="decimal" value="5000000"' in page
    assert 'name="gold-credit_points" inputmode="decimal" value=""' in page


def test_the_incentives_of_a_published_cycle_are_fixed_but_the_budget_grows(published, secretariat):
    from rewards.selectors import incentive_policy

    cycle = published["cycle"]
    before = incentive_policy(cycle=cycle)["levels"]
    client_for(secretariat).post(
        f"/cycles/{cycle.pk}/setup/incentives",
        {"bonus_budget": "999000000", "gold-bonus": "1"},
    )
    after = incentive_policy(cycle=cycle)
    assert after["levels"] == before
    assert after["bonus_budget"] == 999_000_000


def test_only_the_secretariat_sets_the_incentives(draft, hr, chair):
    for person in (hr, chair):
        response = client_for(person).post(
            f"/cycles/{draft.pk}/setup/incentives", {"bonus_budget": "1", "gold-bonus": "1"}
        )
        assert response.status_code == 404


def test_a_refused_change_says_why(cycle, secretariat):
    tech = cycle.categories.get(code="technology")
    response = client_for(secretariat).post(
        f"/cycles/{cycle.pk}/setup/categories/{tech.pk}", {"delete": ""}, follow=True
    )
    assert _messages(response) == [
        "The categories cannot change while the cycle is in the nominating phase."
    ]
    assert cycle.categories.filter(pk=tech.pk).exists()


def test_committee_members_are_found_by_name_or_nip_and_seated(
    cycle, secretariat, chair, committee_unit
):
    client = client_for(secretariat)
    newcomer = EmployeeFactory(name="Dedi Saputra", org_unit=committee_unit)
    namesake = EmployeeFactory(name="Dedi Saputra", org_unit=committee_unit)
    page = client.get(f"/cycles/{cycle.pk}/setup", {"q": "dedi"}).content.decode()
    assert newcomer.nip in page
    assert namesake.nip in page
    assert client.get(f"/cycles/{cycle.pk}/setup", {"q": newcomer.nip[:12]}).status_code == 200
    response = client.post(
        f"/cycles/{cycle.pk}/setup/committee",
        {
            "employee": newcomer.pk,
            "new-role": "chair",
            "new-load_cap": "5",
            "new-expertise": ["service"],
        },
        follow=True,
    )
    assert "Dedi Saputra is on the committee." in _messages(response)
    seat = cycle.committee.get(employee=newcomer)
    assert seat.is_chair
    assert [c.code for c in seat.expertise.all()] == ["service"]
    assert not cycle.committee.get(employee=chair).is_chair
    response = client.post(
        f"/cycles/{cycle.pk}/setup/committee/{seat.pk}", {"remove": ""}, follow=True
    )
    assert _messages(response) == ["Make another member the chair first: the cycle needs one."]


def test_the_rubric_editor_saves_a_new_version_and_keeps_typed_values_on_error(draft, secretariat):
    client = client_for(secretariat)
    page = client.get(f"/cycles/{draft.pk}/rubric").content.decode()
    assert 'name="c0-code" value="public_interest"' in page
    form = {}
    for i, c in enumerate(draft.rubric.criteria.all()):
        form.update(
            {
                f"c{i}-code": c.code,
                f"c{i}-name_id": c.name_id,
                f"c{i}-name_en": c.name_en,
                f"c{i}-group": c.group,
                f"c{i}-weight": str(c.weight),
                f"c{i}-scale_min": "1",
                f"c{i}-scale_max": "5",
            }
        )
    form["c0-weight"] = "20"
    response = client.post(f"/cycles/{draft.pk}/rubric", form)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The weights add up to 108; they must add up to 100." in page
    assert 'name="c0-weight" value="20"' in page
    old = draft.rubric
    form["c1-remove"] = "on"  # compassion, weight 10 …
    form["c0-weight"] = "12"
    form["c4-weight"] = "25"  # … to novelty
    response = client.post(f"/cycles/{draft.pk}/rubric", form)
    assert response.status_code == 302
    rubric = Cycle.objects.get(pk=draft.pk).rubric
    assert rubric.version == old.version + 1
    assert "compassion" not in set(rubric.criteria.values_list("code", flat=True))


@pytest.mark.parametrize(
    "path",
    [
        "setup/settings",
        "setup/categories",
        "setup/levels",
        "setup/committee",
        "rubric",
    ],
)
def test_only_the_secretariat_changes_the_set_up(draft, chair, path):
    response = client_for(chair).post(f"/cycles/{draft.pk}/{path}", {"name": "x", "code": "x"})
    assert response.status_code == 404
    assert Cycle.objects.get(pk=draft.pk).name == "Anugerah 2027"


def test_the_secretariat_marks_several_nominations_eligible_at_once(
    cycle, supervisor, subordinate, junior, secretariat
):
    from nominations.models import Nomination
    from tests.nominations.helpers import nomination

    items = [
        nomination(cycle, supervisor, [person], title=f"Inovasi {i}")
        for i, person in enumerate((subordinate, junior, subordinate))
    ]
    for item in items[:2]:
        services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    client = client_for(secretariat)
    page = client.get(f"/cycles/{cycle.pk}/screening").content.decode()
    assert page.count('form="screen-many"') == 2
    response = client.post(
        f"/cycles/{cycle.pk}/screening/eligible",
        {"ids": [items[0].pk, items[1].pk, items[2].pk]},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0] == "2 nominations marked eligible."
    assert shown[1].startswith("“Inovasi 2”: ")  # still a draft: refused, and said so
    statuses = dict(Nomination.objects.filter(cycle=cycle).values_list("title", "status"))
    assert statuses == {"Inovasi 0": "eligible", "Inovasi 1": "eligible", "Inovasi 2": "draft"}


def test_only_the_secretariat_screens_in_bulk(cycle, supervisor, subordinate, chair):
    from tests.nominations.helpers import nomination

    item = nomination(cycle, supervisor, [subordinate])
    services.nomination_submit(nomination_id=item.pk, actor=supervisor.user)
    response = client_for(chair).post(f"/cycles/{cycle.pk}/screening/eligible", {"ids": [item.pk]})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.status == "submitted"


def test_the_assignment_page_shows_progress_and_replaces_a_reviewer(
    in_review, cycle, secretariat, reviewers, committee_unit, subordinate
):
    from nominations.models import Assignment, CommitteeMember

    client = client_for(secretariat)
    page = client.get(f"/cycles/{cycle.pk}/assignment").content.decode()
    assert "Progress per reviewer" in page
    assert page.count('<progress value="0" max="1"') == 3
    boss = EmployeeFactory(org_unit=committee_unit)
    subordinate.supervisor = boss
    subordinate.save()
    seat = CommitteeMember.objects.create(cycle=cycle, employee=boss, load_cap=5)
    response = client.post(
        f"/cycles/{cycle.pk}/assignment/add",
        {"nomination": in_review.pk, "reviewer": seat.pk},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        f"{boss.name} is in conflict with this nomination: is in the nominee's supervisor chain."
    ]
    first = Assignment.objects.get(nomination=in_review, member__employee=reviewers[0])
    client.post(f"/cycles/{cycle.pk}/assignment/{first.pk}/remove")
    assert not Assignment.objects.filter(pk=first.pk).exists()
