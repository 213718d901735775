from django.contrib.auth import get_user_model
from django.core.management import call_command

from people.models import Employee, OrgUnit
from people.selectors import employee_reporting_line, user_roles

LOGINS = [
    "chair",
    "hr",
    "reviewer1",
    "reviewer2",
    "reviewer3",
    "secretariat",
    "staff",
    "supervisor",
]


def snapshot():
    return (
        list(OrgUnit.objects.values_list("code", "parent__code", "name").order_by("code")),
        list(
            Employee.objects.values_list(
                "nip", "name", "supervisor__nip", "user__username", "rank"
            ).order_by("nip")
        ),
        list(get_user_model().objects.values_list("username", "password").order_by("username")),
    )


def test_seed_demo_creates_the_logins_and_is_idempotent(db, capsys):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    assert Employee.objects.count() == 60
    assert (
        sorted(u for u in Employee.objects.values_list("user__username", flat=True) if u) == LOGINS
    )
    out = capsys.readouterr().out
    assert all(f"  {login} " in out for login in LOGINS)


def test_demo_tree_has_three_levels_and_the_roles_are_right(db):
    call_command("seed_demo")
    deepest = OrgUnit.objects.get(code="SUBDIT-DATA")
    assert deepest.parent.parent.parent is not None
    users = {u.username: u for u in get_user_model().objects.all()}
    assert user_roles(users["supervisor"]) == ["staff", "supervisor"]
    assert user_roles(users["staff"]) == ["staff"]
    assert user_roles(users["secretariat"]) == ["secretariat", "staff"]
    assert user_roles(users["hr"]) == ["hr", "staff"]
    line = employee_reporting_line(employee=users["supervisor"].employee)
    assert {u for u in line.values_list("user__username", flat=True) if u} == {"staff"}
    assert line.count() > 5


def test_seed_demo_password_option(db):
    call_command("seed_demo", "--password", "another-pass-1")
    assert get_user_model().objects.get(username="hr").check_password("another-pass-1")


def test_the_demo_cycle_has_an_incentive_policy_and_budget(db):
    from nominations.models import Cycle
    from rewards.models import BonusBudget, IncentiveRule

    call_command("seed_demo")
    call_command("seed_demo")
    for cycle in Cycle.objects.all():  # the national cycle and the agency's
        assert BonusBudget.objects.get(cycle=cycle).amount == 50_000_000
        assert sorted(
            IncentiveRule.objects.filter(
                award_level__cycle=cycle, award_level__code="gold"
            ).values_list("kind", flat=True)
        ) == ["bonus", "credit_points", "talent_pool", "training"]


def test_the_demo_agency_cycle_is_published_and_its_winner_can_be_put_forward(db):
    from nominations import services
    from nominations.models import Cycle

    call_command("seed_demo")
    call_command("seed_demo")
    national = Cycle.objects.get(name="Anugerah Inovasi 2026")
    agency = Cycle.objects.get(parent=national)
    assert Cycle.objects.count() == 2
    assert (national.phase, agency.phase) == ("nominating", "published")
    [winner] = agency.nominations.all()
    assert (winner.status, winner.award_level.code) == ("published", "gold")
    assert winner.assignments.filter(status="submitted").count() == 3
    secretariat = get_user_model().objects.get(username="secretariat")
    made = services.nomination_promote(nomination_id=winner.pk, actor=secretariat)
    assert made.created
    assert (made.nomination.cycle, made.nomination.status) == (national, "submitted")
