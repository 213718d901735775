"""The reporting path: the supervisors above each employee, kept right by
every way an employee is written, so that a reporting line is one index
range (and stays right when people move)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from people import selectors
from people.models import Employee, refresh_reporting_paths
from tests.factories import EmployeeFactory

from .test_import import BOSS, JUNIOR, STAFF, row, run, write_csv


def paths():
    """Each employee's path as names, from the stored reporting paths."""
    names = dict(Employee.objects.values_list("id", "name"))
    return {
        e.name: [names[int(part)] for part in e.reporting_path.split("/") if part]
        for e in Employee.objects.all()
    }


def line(employee):
    return sorted(
        selectors.employee_reporting_line(employee=employee).values_list("name", flat=True)
    )


def test_a_new_employee_starts_below_their_supervisor(org):
    top = EmployeeFactory(name="Top", org_unit=org["dit"])
    mid = EmployeeFactory(name="Mid", org_unit=org["dit"], supervisor=top)
    EmployeeFactory(name="Low", org_unit=org["dit"], supervisor=mid)
    assert paths() == {"Top": [], "Mid": ["Top"], "Low": ["Top", "Mid"]}
    assert (line(top), line(mid)) == (["Low", "Mid"], ["Low"])


def test_moving_someone_moves_everyone_below_them(org):
    a = EmployeeFactory(name="A", org_unit=org["dit"])
    b = EmployeeFactory(name="B", org_unit=org["dit"])
    mid = EmployeeFactory(name="Mid", org_unit=org["dit"], supervisor=a)
    low = EmployeeFactory(name="Low", org_unit=org["dit"], supervisor=mid)
    EmployeeFactory(name="Lowest", org_unit=org["dit"], supervisor=low)
    mid.supervisor = b
    mid.save()
    assert paths()["Lowest"] == ["B", "Mid", "Low"]
    assert (line(a), line(b)) == ([], ["Low", "Lowest", "Mid"])
    # To the top, and a save that moves no one reads nothing more.
    mid.supervisor = None
    mid.save(update_fields=["supervisor"])
    assert paths()["Lowest"] == ["Mid", "Low"]
    with CaptureQueriesContext(connection) as ctx:
        Employee.objects.get(name="Low").save()
    assert len(ctx.captured_queries) == 2  # the read and the UPDATE


def test_the_import_keeps_the_paths_of_the_people_it_moves(units, tmp_path):
    run(write_csv(tmp_path / "a.csv", [row(BOSS, "Kepala"), row(STAFF, "Staf", supervisor=BOSS)]))
    EmployeeFactory(name="Yunior", org_unit=units[0], supervisor=Employee.objects.get(nip=STAFF))
    assert paths()["Yunior"] == ["Kepala", "Staf"]
    # The file turns the line upside down and adds a new head on top.
    result = run(
        write_csv(
            tmp_path / "b.csv",
            [row(STAFF, "Staf"), row(BOSS, "Kepala", supervisor=STAFF), row(JUNIOR, "Baru")],
        )
    )
    assert result.errors == []
    assert paths() == {
        "Staf": [],
        "Kepala": ["Staf"],
        "Yunior": ["Staf"],
        "Baru": [],
    }
    assert line(Employee.objects.get(nip=STAFF)) == ["Kepala", "Yunior"]


def test_a_full_refresh_repairs_bulk_writes_and_changes_only_what_is_wrong(org):
    top = EmployeeFactory(name="Top", org_unit=org["dit"])
    mid = EmployeeFactory(name="Mid", org_unit=org["dit"])
    low = EmployeeFactory(name="Low", org_unit=org["dit"], supervisor=mid)
    Employee.objects.filter(pk=mid.pk).update(supervisor=top)  # bypasses save()
    assert line(top) == []
    assert refresh_reporting_paths() == 2  # Mid and Low
    assert line(top) == ["Low", "Mid"]
    assert paths()["Low"] == ["Top", "Mid"]
    assert refresh_reporting_paths() == 0
    assert low.pk in {e.pk for e in selectors.employee_reporting_line(employee=top)}


def test_supervisor_chains_come_from_the_paths(org):
    top = EmployeeFactory(name="Top", org_unit=org["dit"])
    mid = EmployeeFactory(name="Mid", org_unit=org["dit"], supervisor=top)
    low = EmployeeFactory(name="Low", org_unit=org["dit"], supervisor=mid)
    assert selectors.employee_supervisor_chains(employee_ids={low.pk, top.pk, 10**9}) == {
        low.pk: {top.pk, mid.pk},
        top.pk: set(),
        10**9: set(),
    }


def test_a_refresh_of_the_moved_rewrites_their_subtrees_only(org):
    """After a bulk write, only the subtrees of those whose supervisor
    changed are rewritten; a moved employee below another moved one takes
    its path through that one, not from its supervisor's stale path."""
    top = EmployeeFactory(name="Top", org_unit=org["dit"])
    other = EmployeeFactory(name="Other", org_unit=org["dit"])
    a = EmployeeFactory(name="A", org_unit=org["dit"], supervisor=top)
    b = EmployeeFactory(name="B", org_unit=org["dit"], supervisor=a)
    c = EmployeeFactory(name="C", org_unit=org["dit"], supervisor=b)
    EmployeeFactory(name="D", org_unit=org["dit"], supervisor=c)
    bystander = EmployeeFactory(name="Bystander", org_unit=org["dit"], supervisor=top)
    wrong = f"{other.pk}/"
    Employee.objects.filter(pk=bystander.pk).update(reporting_path=wrong)  # wrong, not moved
    Employee.objects.filter(pk=a.pk).update(supervisor=other)  # bypasses save()
    Employee.objects.filter(pk=c.pk).update(supervisor=a)
    assert refresh_reporting_paths(moved=[c.pk, a.pk]) == 4  # A, B, C and D
    found = paths()
    assert found["A"] == ["Other"]
    assert found["B"] == ["Other", "A"]
    assert found["C"] == ["Other", "A"]
    assert found["D"] == ["Other", "A", "C"]
    assert found["Bystander"] == ["Other"]  # wrong, and left alone
    assert refresh_reporting_paths(moved=[]) == 0
    assert refresh_reporting_paths(moved=[c.pk, a.pk]) == 0
    a.refresh_from_db()
    assert line(a) == ["B", "C", "D"]
