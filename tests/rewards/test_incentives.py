"""Incentive policy, records, HR decisions, the bonus budget, payroll export."""

import csv
import io
import threading
from decimal import Decimal

import pytest
from django.db import connection
from openpyxl import load_workbook

from people.models import CareerEvent, CareerProfile
from rewards import services
from rewards.models import BonusBudget, IncentiveRecord
from rewards.selectors import incentive_policy
from tests.nominations.helpers import move_to, publish_results

from .conftest import GOLD


def records(**filters):
    return sorted(
        IncentiveRecord.objects.filter(**filters).values_list(
            "employee__name", "kind", "amount", "status"
        )
    )


def test_publication_creates_records_per_policy_for_every_awarded_nominee(published):
    assert records() == [
        ("Junior", "bonus", Decimal("2500000.00"), "pending"),
        ("Subordinate", "bonus", Decimal("2500000.00"), "pending"),
        ("Subordinate", "bonus", Decimal("5000000.00"), "pending"),
        ("Subordinate", "credit_points", Decimal("12.50"), "pending"),
        ("Subordinate", "talent_pool", Decimal("1.00"), "pending"),
        ("Subordinate", "training", Decimal("20.00"), "pending"),
    ]


def test_a_level_without_incentives_gives_none_and_holds_nothing_up(
    policy, supervisor, subordinate, secretariat, cycle
):
    from tests.nominations.helpers import move_to, publish_results
    from tests.rewards.conftest import decide

    services.incentive_policy_set(cycle_id=cycle.pk, actor=secretariat.user, levels={"silver": []})
    decide(cycle, supervisor, [subordinate], level="silver")
    move_to(cycle, "deciding")
    publish_results(cycle, secretariat)
    assert services.publication_process(cycle_id=cycle.pk)["incentives"] == 0
    assert not IncentiveRecord.objects.exists()
    assert CareerEvent.objects.filter(employee=subordinate, kind="award").count() == 1


def test_publication_counts_the_award_in_each_career_profile(published, subordinate, junior):
    assert CareerProfile.objects.get(employee=subordinate).awards_last_five_years == 2
    assert CareerProfile.objects.get(employee=junior).awards_received == 1
    event = CareerEvent.objects.filter(employee=junior).get()
    assert (event.amount, event.note) == (1, "Penghargaan Madya")  # one award, named
    assert (event.kind, event.source) == (
        "award",
        {
            "cycle": published["cycle"].pk,
            "nomination": published["team"].pk,
            "award_level": "silver",
        },
    )


def test_the_publication_event_twice_creates_nothing_twice(published):
    from rewards.models import AwardNotice, Publication, RecognitionPost

    cycle_id = published["cycle"].pk
    before = (
        IncentiveRecord.objects.count(),
        CareerEvent.objects.count(),
        RecognitionPost.objects.count(),
        AwardNotice.objects.count(),
    )
    # The event again (a duplicate signal), and the job again after its row
    # was reclaimed (as if a worker died after doing the work).
    services.publication_create(cycle_id=cycle_id)
    assert services.publication_process(cycle_id=cycle_id) is None  # done: nothing to claim
    Publication.objects.filter(cycle_id=cycle_id).update(status="pending")
    assert services.publication_process(cycle_id=cycle_id)["incentives"] == 6
    assert (
        (
            IncentiveRecord.objects.count(),
            CareerEvent.objects.count(),
            RecognitionPost.objects.count(),
            AwardNotice.objects.count(),
        )
        == before
        == (6, 3, 2, 3)
    )


def test_approval_appends_the_career_event_and_updates_the_profile(published, hr, subordinate, api):
    record = IncentiveRecord.objects.get(kind="credit_points")
    response = api.as_(hr).post(
        f"/api/v1/incentives/{record.pk}/approve", {"reason": "SK 12/2026"}, format="json"
    )
    assert (response.json()["status"], response.json()["reason"]) == ("approved", "SK 12/2026")
    event = CareerEvent.objects.get(reference=f"incentive:{record.pk}")
    assert (event.kind, event.amount, event.unit, event.note) == (
        "credit_points",
        Decimal("12.50"),
        "points",
        "SK 12/2026",
    )
    assert CareerProfile.objects.get(employee=subordinate).credit_points_total == Decimal("12.50")
    talent = IncentiveRecord.objects.get(kind="talent_pool")
    services.incentive_approve(record_id=talent.pk, actor=hr.user)
    assert CareerProfile.objects.get(employee=subordinate).talent_pool is True


def test_a_failure_during_approval_leaves_record_budget_event_and_profile_unchanged(
    published, hr, subordinate, monkeypatch
):
    record = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CareerProfile, "save", broken_save)
    with pytest.raises(RuntimeError):
        services.incentive_approve(record_id=record.pk, actor=hr.user)
    monkeypatch.undo()
    record.refresh_from_db()
    assert record.status == "pending"
    assert not CareerEvent.objects.filter(reference=f"incentive:{record.pk}").exists()
    assert BonusBudget.objects.get(cycle=published["cycle"]).approved == 0


def test_a_bonus_beyond_the_budget_left_is_refused_with_the_amount_left(published, hr, api):
    BonusBudget.objects.filter(cycle=published["cycle"]).update(amount=6_000_000)
    big = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)
    assert api.as_(hr).post(f"/api/v1/incentives/{big.pk}/approve").status_code == 200
    small = IncentiveRecord.objects.filter(kind="bonus", amount=2_500_000).first()
    response = api.as_(hr).post(f"/api/v1/incentives/{small.pk}/approve")
    assert response.status_code == 409
    assert response.json() == {
        "message": "Approving this bonus of Rp 2,500,000 would exceed the cycle's bonus "
        "budget: Rp 1,000,000 is left.",
        "code": "conflict",
        "fields": {"amount": ["More than the budget left (Rp 1,000,000)."]},
    }
    small.refresh_from_db()
    assert small.status == "pending"


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_cannot_overspend_the_budget(
    policy, supervisor, subordinate, secretariat, hr
):
    """Ten bonuses of Rp 5,000,000 against Rp 12,000,000, approved by ten
    threads on their own PostgreSQL connections at once: exactly two pass."""
    from tests.factories import EmployeeFactory

    from .conftest import decide

    staff = [
        EmployeeFactory(org_unit=subordinate.org_unit, supervisor=supervisor) for _ in range(10)
    ]
    for i, person in enumerate(staff):
        decide(policy, supervisor, [person], title=f"Inovasi {i}")
    move_to(policy, "deciding")
    publish_results(policy, secretariat)
    services.publication_process(cycle_id=policy.pk)
    bonuses = list(IncentiveRecord.objects.filter(kind="bonus").values_list("pk", flat=True))
    assert len(bonuses) == 10
    start = threading.Barrier(len(bonuses))
    outcomes = []

    def approve(pk):
        try:
            start.wait()
            services.incentive_approve(record_id=pk, actor=hr.user)
            outcomes.append("approved")
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(pk,)) for pk in bonuses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ConflictError"] * 8 + ["approved"] * 2
    assert BonusBudget.objects.get(cycle=policy).approved == Decimal(10_000_000)
    assert IncentiveRecord.objects.filter(kind="bonus", status="approved").count() == 2
    assert CareerEvent.objects.filter(kind="bonus").count() == 2


def test_reject_needs_a_reason_and_keeps_the_record_pending(published, hr, api, subordinate):
    record = IncentiveRecord.objects.filter(kind="training").get()
    response = api.as_(hr).post(f"/api/v1/incentives/{record.pk}/reject", {"reason": " "})
    assert (response.status_code, list(response.json()["fields"])) == (400, ["reason"])
    # The recipient sees the record but may not decide it.
    mine = api.as_(subordinate).post(f"/api/v1/incentives/{record.pk}/reject", {"reason": "x"})
    assert mine.status_code == 404
    response = api.as_(hr).post(
        f"/api/v1/incentives/{record.pk}/reject", {"reason": "Already trained this year."}
    )
    assert (response.json()["status"], response.json()["reason"]) == (
        "rejected",
        "Already trained this year.",
    )
    record.refresh_from_db()
    assert (record.decided_by, record.decided_at is not None) == (hr.user, True)
    assert api.as_(hr).post(f"/api/v1/incentives/{record.pk}/approve").status_code == 409
    assert not CareerEvent.objects.filter(kind="training").exists()


def test_an_approved_record_is_corrected_by_a_reversing_record(published, hr, api, subordinate):
    record = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)
    api.as_(hr).post(f"/api/v1/incentives/{record.pk}/approve")
    response = api.as_(hr).post(
        f"/api/v1/incentives/{record.pk}/reverse", {"reason": "Paid twice by mistake."}
    )
    assert response.status_code == 201
    assert (response.json()["amount"], response.json()["reverses"], response.json()["status"]) == (
        "-5000000.00",
        record.pk,
        "approved",
    )
    record.refresh_from_db()
    assert (record.status, record.amount) == ("approved", Decimal(5_000_000))  # untouched
    assert BonusBudget.objects.get(cycle=published["cycle"]).approved == 0
    assert sorted(CareerEvent.objects.filter(kind="bonus").values_list("amount", flat=True)) == [
        Decimal(-5_000_000),
        Decimal(5_000_000),
    ]
    again = api.as_(hr).post(f"/api/v1/incentives/{record.pk}/reverse", {"reason": "again"})
    assert again.status_code == 409


def test_only_hr_reverses_only_an_approved_record_and_says_why(published, hr, api, subordinate):
    record = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)
    url = f"/api/v1/incentives/{record.pk}/reverse"
    pending = api.as_(hr).post(url, {"reason": "Too early"})
    assert (pending.status_code, pending.json()["message"]) == (
        409,
        "Only an approved incentive can be reversed.",
    )
    api.as_(hr).post(f"/api/v1/incentives/{record.pk}/approve")
    assert api.as_(subordinate).post(url, {"reason": "Mine"}).status_code == 404
    blank = api.as_(hr).post(url, {"reason": " "})
    assert (blank.status_code, list(blank.json()["fields"])) == (400, ["reason"])
    reversal = api.as_(hr).post(url, {"reason": "Paid twice"}).json()
    # The reversal of a reversal is not a thing.
    twice = api.as_(hr).post(f"/api/v1/incentives/{reversal['id']}/reverse", {"reason": "x"})
    assert twice.status_code == 409
    reversal_row = IncentiveRecord.objects.get(pk=reversal["id"])
    assert (reversal_row.decided_by, reversal_row.reason, reversal_row.unit) == (
        hr.user,
        "Paid twice",
        "IDR",
    )
    assert IncentiveRecord.objects.filter(reverses__isnull=False).count() == 1


def test_the_history_says_who_approved_a_bonus_and_who_reversed_it(
    published, hr, api, subordinate, outsider
):
    record = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)
    api.as_(hr).post(f"/api/v1/incentives/{record.pk}/approve", {"reason": "Payroll May"})
    reversal = api.as_(hr).post(f"/api/v1/incentives/{record.pk}/reverse", {"reason": "Twice"})

    def moves(pk):
        rows = api.as_(hr).get(f"/api/v1/incentives/{pk}/history").json()["results"]
        return [(r["from_state"], r["to_state"], r["actor"]["username"], r["reason"]) for r in rows]

    assert moves(record.pk) == [("pending", "approved", "hr", "Payroll May")]
    assert moves(reversal.json()["id"]) == [("pending", "approved", "hr", "Twice")]
    for person in (subordinate, outsider):
        assert api.as_(person).get(f"/api/v1/incentives/{record.pk}/history").status_code == 404


def test_recipients_see_their_own_records_and_others_get_404(
    published, api, junior, subordinate, outsider, hr
):
    mine = api.as_(junior).get("/api/v1/incentives").json()
    assert [(r["kind"], r["amount"]) for r in mine["results"]] == [("bonus", "2500000.00")]
    theirs = IncentiveRecord.objects.filter(employee=subordinate).first()
    assert api.as_(junior).get(f"/api/v1/incentives/{theirs.pk}").status_code == 404
    assert api.as_(outsider).get("/api/v1/incentives").json()["count"] == 0
    assert api.as_(subordinate).post(f"/api/v1/incentives/{theirs.pk}/approve").status_code == 404
    assert api.as_(hr).get("/api/v1/incentives?status=pending&kind=bonus").json()["count"] == 3


def test_incentive_list_query_count_does_not_grow_with_rows(
    published, api, hr, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        one = api.as_(hr).get("/api/v1/incentives?page_size=1")
    with django_assert_max_num_queries(6):
        many = api.as_(hr).get("/api/v1/incentives")
    assert (len(one.json()["results"]), len(many.json()["results"])) == (1, 6)


def test_policy_is_read_and_set_through_the_api(cycle, api, secretariat, hr, outsider):
    url = f"/api/v1/cycles/{cycle.pk}/incentive-policy"
    response = api.as_(secretariat).put(
        url,
        {"bonus_budget": "10000000", "levels": {"gold": [{"kind": "bonus", "amount": "3000000"}]}},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert api.as_(hr).get(url).json() == {
        "cycle": cycle.pk,
        "bonus_budget": "10000000.00",
        "bonus_approved": "0.00",
        "bonus_left": "10000000.00",
        "levels": {"gold": [{"kind": "bonus", "amount": "3000000.00"}], "silver": [], "bronze": []},
    }
    assert api.as_(outsider).get(url).status_code == 404
    assert api.as_(hr).put(url, {"bonus_budget": "1"}, format="json").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"bonus_budget": "-1"}, "bonus_budget"),
        ({"levels": {"platinum": [{"kind": "bonus", "amount": "1"}]}}, "levels"),
        ({"levels": {"gold": [{"kind": "car", "amount": "1"}]}}, "levels.gold.0.kind"),
        ({"levels": {"gold": [{"kind": "bonus", "amount": "-5"}]}}, "levels.gold.0.amount"),
        (
            {
                "levels": {
                    "gold": [{"kind": "bonus", "amount": "1"}, {"kind": "bonus", "amount": "2"}]
                }
            },
            "levels",
        ),
    ],
)
def test_bad_policy_input_names_the_field_and_saves_nothing(
    cycle, api, secretariat, payload, field
):
    url = f"/api/v1/cycles/{cycle.pk}/incentive-policy"
    response = api.as_(secretariat).put(url, payload, format="json")
    assert (response.status_code, list(response.json()["fields"])) == (400, [field])
    assert api.as_(secretariat).get(url).json()["bonus_budget"] == "0.00"


def test_incentives_are_fixed_once_published_but_the_budget_may_grow(published, api, secretariat):
    url = f"/api/v1/cycles/{published['cycle'].pk}/incentive-policy"
    # Amounts travel as text in JSON, as the schema says.
    levels = {k: [{**i, "amount": str(i["amount"])} for i in v] for k, v in GOLD.items()}
    response = api.as_(secretariat).put(url, {"levels": levels | {"gold": []}}, format="json")
    assert (response.status_code, response.json()["message"]) == (
        409,
        "The incentives of a published cycle cannot change.",
    )
    assert (
        api.as_(secretariat)
        .put(url, {"bonus_budget": "20000000"}, format="json")
        .json()["bonus_left"]
        == "20000000.00"
    )


def test_the_budget_never_drops_below_what_is_approved(published, api, secretariat, hr):
    bonus = IncentiveRecord.objects.filter(kind="bonus").order_by("amount").first()
    services.incentive_approve(record_id=bonus.pk, actor=hr.user)
    url = f"/api/v1/cycles/{published['cycle'].pk}/incentive-policy"
    below = api.as_(secretariat).put(url, {"bonus_budget": "2499999"}, format="json")
    assert below.status_code == 400
    assert below.json()["fields"] == {
        "bonus_budget": ["Rp 2,500,000 of bonuses are already approved."]
    }
    exactly = api.as_(secretariat).put(url, {"bonus_budget": "2500000"}, format="json")
    assert exactly.json()["bonus_left"] == "0.00"  # down to what is approved: allowed


def test_setting_one_cycles_incentives_leaves_another_cycles_alone(policy, secretariat, chair):
    from nominations import services as nominations

    other = nominations.cycle_create(name="Siklus lain")
    services.incentive_policy_set(
        cycle_id=other.pk,
        actor=secretariat.user,
        levels={"gold": [{"kind": "bonus", "amount": Decimal(1)}]},
    )
    services.incentive_policy_set(
        cycle_id=policy.pk,
        actor=secretariat.user,
        levels={"gold": [{"kind": "training", "amount": Decimal(8)}]},
    )
    assert incentive_policy(cycle=other)["levels"]["gold"] == [
        {"kind": "bonus", "amount": Decimal(1)}
    ]
    assert incentive_policy(cycle=policy)["levels"]["gold"] == [
        {"kind": "training", "amount": Decimal(8)}
    ]
    # levels not named keep theirs
    assert incentive_policy(cycle=policy)["levels"]["silver"] == GOLD["silver"]


def test_payroll_export_lists_approved_incentives_as_csv_and_xlsx(published, api, hr, outsider):
    for record in IncentiveRecord.objects.filter(kind__in=["bonus", "training"])[:2]:
        services.incentive_approve(record_id=record.pk, actor=hr.user)
    url = f"/api/v1/cycles/{published['cycle'].pk}/incentives"
    response = api.as_(hr).get(url + ".csv")
    assert response["Content-Disposition"].startswith('attachment; filename="insentif-')
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted((r["name"], r["kind"], r["amount"]) for r in rows) == [
        ("Subordinate", "bonus", "5000000.00"),
        ("Subordinate", "training", "20.00"),
    ]
    sheet = load_workbook(io.BytesIO(api.as_(hr).get(url + ".xlsx").content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("record", "nip", "name")
    assert len(values) == 3
    assert api.as_(outsider).get(url + ".csv").status_code == 404
    assert api.as_(hr).get(url + ".pdf").status_code == 404


def test_the_export_defuses_spreadsheet_formulas(published, api, hr, subordinate):
    from people.models import Employee

    Employee.objects.filter(pk=subordinate.pk).update(name='=HYPERLINK("x")')
    record = IncentiveRecord.objects.get(kind="training")
    services.incentive_approve(record_id=record.pk, actor=hr.user)
    response = api.as_(hr).get(f"/api/v1/cycles/{published['cycle'].pk}/incentives.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["name"] == '\'=HYPERLINK("x")'


def test_the_sweeper_queues_a_rewards_job_whose_message_was_lost(
    policy, supervisor, subordinate, secretariat, eager_jobs
):
    import datetime as dt

    from django.utils import timezone

    from rewards.models import Publication
    from rewards.workflow import PUBLISHING
    from tests.nominations.helpers import move_to

    from .conftest import decide

    decide(policy, supervisor, [subordinate])
    move_to(policy, "deciding")
    publish_results(policy, secretariat)  # the job's row; its message lost
    assert services.publications_sweep() == 0  # just created: its job may still come
    Publication.objects.update(
        updated_at=timezone.now() - PUBLISHING.grace - dt.timedelta(seconds=1)
    )
    assert services.publications_sweep() == 1  # run here, eagerly
    assert Publication.objects.get().status == "done"
    assert IncentiveRecord.objects.filter(employee=subordinate).count() == 4


def test_each_decision_without_a_reason_says_which_field_and_why(published, hr):
    """The services refuse a blank reason themselves (the web forms call them
    directly), naming the field with a message of its own per decision."""
    from django.core.exceptions import ValidationError

    from rewards import services as rewards

    record = IncentiveRecord.objects.filter(kind="training").get()
    for decide, message in [
        (rewards.incentive_reject, "Say why the incentive is rejected."),
        (rewards.incentive_reverse, "Say why the incentive is reversed."),
    ]:
        with pytest.raises(ValidationError) as refused:
            decide(record_id=record.pk, actor=hr.user, reason="  ")
        assert refused.value.message_dict == {"reason": [message]}
    assert IncentiveRecord.objects.get(pk=record.pk).status == "pending"


def test_the_history_keeps_the_reason_of_a_rejection_and_a_second_reversal_says_why_not(
    published, hr, api
):
    training = IncentiveRecord.objects.filter(kind="training").get()
    api.as_(hr).post(f"/api/v1/incentives/{training.pk}/reject", {"reason": "Trained already"})
    rows = api.as_(hr).get(f"/api/v1/incentives/{training.pk}/history").json()["results"]
    assert [(r["to_state"], r["reason"]) for r in rows] == [("rejected", "Trained already")]

    bonus = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)
    api.as_(hr).post(f"/api/v1/incentives/{bonus.pk}/approve")
    api.as_(hr).post(f"/api/v1/incentives/{bonus.pk}/reverse", {"reason": "Paid twice"})
    again = api.as_(hr).post(f"/api/v1/incentives/{bonus.pk}/reverse", {"reason": "Again"})
    assert (again.status_code, again.json()["message"]) == (
        409,
        "This incentive is already reversed.",
    )


def test_reversing_a_training_record_leaves_the_bonus_budget_alone(published, hr, api):
    bonus = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)
    training = IncentiveRecord.objects.filter(kind="training").get()
    for record in (bonus, training):
        api.as_(hr).post(f"/api/v1/incentives/{record.pk}/approve")
    budget = BonusBudget.objects.get(cycle=published["cycle"])
    assert budget.approved == 5_000_000
    response = api.as_(hr).post(f"/api/v1/incentives/{training.pk}/reverse", {"reason": "Typo"})
    assert response.status_code == 201
    budget.refresh_from_db()
    assert budget.approved == 5_000_000  # only bonuses move the budget


def test_only_hr_may_reverse_even_when_calling_the_service(published, hr, subordinate):
    from core.errors import NotFoundError
    from rewards import services as rewards

    record = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)
    rewards.incentive_approve(record_id=record.pk, actor=hr.user)
    with pytest.raises(NotFoundError):
        rewards.incentive_reverse(record_id=record.pk, actor=subordinate.user, reason="Mine")
    assert not IncentiveRecord.objects.filter(reverses=record).exists()


def test_approving_a_bonus_spends_only_its_own_cycles_budget_and_records_who(
    published, hr, secretariat
):
    from nominations import services as nominations
    from rewards import services as rewards

    other = nominations.cycle_create(name="Siklus lain")
    BonusBudget.objects.create(cycle=other, amount=10_000_000)
    record = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)
    rewards.incentive_approve(record_id=record.pk, actor=hr.user)
    assert BonusBudget.objects.get(cycle=published["cycle"]).approved == 5_000_000
    assert BonusBudget.objects.get(cycle=other).approved == 0
    record.refresh_from_db()
    assert record.decided_by == hr.user


def test_an_approved_incentive_reaches_the_career_feed_with_its_source(published, hr, api):
    record = IncentiveRecord.objects.filter(kind="training").get()
    api.as_(hr).post(f"/api/v1/incentives/{record.pk}/approve")
    feed = api.as_(hr).get("/api/v1/career-events").json()["results"]
    [event] = [e for e in feed if e["kind"] == "training"]
    assert event["source"] == {
        "cycle": record.cycle_id,
        "nomination": record.nomination_id,
        "award_level": record.award_level.code,
        "incentive": record.pk,
    }


def test_the_reversal_service_itself_refuses_anyone_but_hr(published, hr, subordinate):
    """The API checks first; the service holds the rule too (the web and any
    later caller go through it)."""
    from core.errors import NotFoundError
    from rewards import services

    record = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)
    services.incentive_approve(record_id=record.pk, actor=hr.user)
    with pytest.raises(NotFoundError):
        services.incentive_reverse(record_id=record.pk, actor=subordinate.user, reason="Mine")
    assert not IncentiveRecord.objects.filter(reverses=record).exists()


def test_a_bonus_in_a_cycle_without_a_budget_is_refused_naming_the_amount(published, hr, api):
    from rewards.models import BonusBudget

    BonusBudget.objects.filter(cycle=published["cycle"]).delete()
    record = IncentiveRecord.objects.get(kind="bonus", amount=5_000_000)
    response = api.as_(hr).post(f"/api/v1/incentives/{record.pk}/approve")
    assert response.status_code == 409
    assert list(response.json()["fields"]) == ["amount"]
    assert "Rp 0" in response.json()["fields"]["amount"][0]
    assert IncentiveRecord.objects.get(pk=record.pk).status == "pending"
