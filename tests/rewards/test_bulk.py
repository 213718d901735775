"""HR decides many incentive records at once: the bonus budget is checked for
the batch, every record gets its own outcome, nothing is half-done."""

import pytest
from django.test import Client

from rewards import services
from rewards.models import BonusBudget, IncentiveRecord
from tests.factories import EmployeeFactory
from tests.nominations.helpers import move_to, publish_results
from tests.rewards.conftest import decide

URL = "/api/v1/incentives/bulk"


@pytest.fixture
def three_golds(policy, supervisor, secretariat, cycle):
    """Three gold nominations: three bonuses of Rp 5,000,000 against a budget
    of Rp 12,000,000, plus their training, credit points and talent pool."""
    people = [EmployeeFactory(supervisor=supervisor) for _ in range(3)]
    for i, person in enumerate(people):
        decide(cycle, supervisor, [person], title=f"Inovasi {i}")
    move_to(cycle, "deciding")
    publish_results(cycle, secretariat)
    services.publication_process(cycle_id=cycle.pk)
    return cycle


def _ids(**filters):
    return list(
        IncentiveRecord.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)
    )


def test_a_batch_whose_bonuses_exceed_the_budget_approves_everything_else(three_golds, api, hr):
    everything = _ids(status="pending")
    bonuses = set(_ids(kind="bonus"))
    assert len(bonuses) == 3
    response = api.as_(hr).post(URL, {"ids": everything, "action": "approve"}, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == everything
    refused = {r["id"] for r in results if r["error"]}
    assert refused == bonuses
    assert all("add up to Rp 15,000,000" in r["error"] for r in results if r["error"])
    assert {r["status"] for r in results if not r["error"]} == {"approved"}
    assert BonusBudget.objects.get(cycle=three_golds).approved == 0
    # Two of them fit: approved together; the third no longer does.
    first, second, third = sorted(bonuses)
    two = api.as_(hr).post(URL, {"ids": [first, second], "action": "approve"}, format="json")
    assert [r["error"] for r in two.json()["results"]] == [None, None]
    last = api.as_(hr).post(URL, {"ids": [third], "action": "approve"}, format="json")
    [outcome] = last.json()["results"]
    assert outcome["status"] == "pending"
    assert "Rp 2,000,000 left" in outcome["error"]
    assert BonusBudget.objects.get(cycle=three_golds).approved == 10_000_000


def test_a_batch_that_uses_the_budget_exactly_is_approved(three_golds, api, hr):
    BonusBudget.objects.filter(cycle=three_golds).update(amount=15_000_000)
    bonuses = _ids(kind="bonus")
    response = api.as_(hr).post(URL, {"ids": bonuses, "action": "approve"}, format="json")
    assert [r["error"] for r in response.json()["results"]] == [None, None, None]
    assert BonusBudget.objects.get(cycle=three_golds).left == 0


def test_a_batch_in_a_cycle_without_a_budget_says_nothing_is_left(three_golds, api, hr):
    BonusBudget.objects.filter(cycle=three_golds).delete()
    [first, *_rest] = _ids(kind="bonus")
    response = api.as_(hr).post(URL, {"ids": [first], "action": "approve"}, format="json")
    [outcome] = response.json()["results"]
    assert outcome["error"] == (
        "The bonuses of this batch add up to Rp 5,000,000; the cycle's budget has "
        "Rp 0 left. Approve fewer at once."
    )


def test_a_bulk_reject_is_never_held_up_by_the_budget_and_records_who(three_golds, api, hr):
    bonuses = _ids(kind="bonus")  # Rp 15,000,000 against a budget of Rp 12,000,000
    response = api.as_(hr).post(
        URL, {"ids": bonuses, "action": "reject", "reason": "Anggaran dipotong"}, format="json"
    )
    assert [r["error"] for r in response.json()["results"]] == [None, None, None]
    assert set(
        IncentiveRecord.objects.filter(pk__in=bonuses).values_list("status", "decided_by")
    ) == {("rejected", hr.user.pk)}


def test_a_record_already_decided_says_so_in_its_own_outcome(three_golds, api, hr):
    first, second = _ids(kind="training")[:2]
    services.incentive_approve(record_id=first, actor=hr.user)
    response = api.as_(hr).post(URL, {"ids": [first, second], "action": "approve"}, format="json")
    done, fresh = response.json()["results"]
    assert done["status"] == "approved"
    assert done["error"]  # it was not approved again, and says why
    assert fresh == {"id": second, "status": "approved", "error": None}


def test_three_names_are_joined_as_a_sentence():
    from django.utils import translation

    with translation.override("en"):
        assert services._join_names(["Ani", "Budi", "Citra"]) == "Ani, Budi and Citra"
        assert services._join_names(["Ani"]) == "Ani"


def test_a_bulk_reject_needs_one_reason_and_says_which_ids_are_unknown(three_golds, api, hr):
    ids = _ids(kind="training")
    missing = api.as_(hr).post(URL, {"ids": ids, "action": "reject"}, format="json")
    assert missing.status_code == 400
    assert "reason" in missing.json()["fields"]
    assert set(IncentiveRecord.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "pending"
    }
    response = api.as_(hr).post(
        URL,
        {"ids": [*ids, 999_999], "action": "reject", "reason": "Training budget closed."},
        format="json",
    )
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * len(ids) + [None]
    assert results[-1]["error"] == "Not found."


def test_only_hr_decides_in_bulk(three_golds, api, secretariat, subordinate):
    ids = _ids(status="pending")
    for person in (secretariat, subordinate):
        response = api.as_(person).post(URL, {"ids": ids, "action": "approve"}, format="json")
        assert response.status_code == 404
    assert not IncentiveRecord.objects.exclude(status="pending").exists()


def test_the_hr_page_approves_the_ticked_records_and_lists_each_outcome(three_golds, hr):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(hr.user)
    page = client.get(f"/incentives?cycle={three_golds.pk}").content.decode()
    assert 'form="bulk"' in page
    response = client.post(
        "/incentives/bulk",
        {"all": "1", "cycle": three_golds.pk, "action": "approve", "reason": ""},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0] == "9 records approved."
    assert len(shown) == 4  # the summary and one line per refused bonus
    assert all("add up to Rp 15,000,000" in line for line in shown[1:])
    training = _ids(kind="credit_points")[:2]
    client.post(
        "/incentives/bulk",
        {"ids": training, "action": "reject", "reason": "x"},
    )
    assert set(
        IncentiveRecord.objects.filter(pk__in=training).values_list("status", flat=True)
    ) == {"approved"}
