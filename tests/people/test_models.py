import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from people.services import employee_save
from tests.factories import EmployeeFactory, OrgUnitFactory


def test_gender_and_birth_date_come_from_the_nip(db):
    employee = EmployeeFactory(nip="199001012015032045")
    employee.refresh_from_db()
    assert (employee.gender, employee.birth_date) == ("F", dt.date(1990, 1, 1))


def test_save_refuses_a_bad_nip_naming_the_field(db):
    employee = EmployeeFactory.build(nip="199013012015032045", org_unit=OrgUnitFactory())
    with pytest.raises(ValidationError) as info:
        employee_save(employee=employee)
    assert list(info.value.message_dict) == ["nip"]


def test_save_normalises_the_rank(db):
    employee = EmployeeFactory.build(rank="IVb", org_unit=OrgUnitFactory())
    employee_save(employee=employee)
    employee.refresh_from_db()
    assert employee.rank == "IV/b"


def test_a_supervisor_below_the_employee_is_refused_as_a_cycle(db):
    top = EmployeeFactory()
    middle = EmployeeFactory(supervisor=top)
    bottom = EmployeeFactory(supervisor=middle)
    top.supervisor = bottom
    with pytest.raises(ValidationError) as info:
        employee_save(employee=top)
    assert list(info.value.message_dict) == ["supervisor"]
    top.refresh_from_db()
    assert top.supervisor is None


def test_the_database_refuses_an_employee_as_their_own_supervisor(db):
    employee = EmployeeFactory()
    employee.supervisor_id = employee.pk
    with pytest.raises(IntegrityError):
        employee.save()


def test_a_unit_cannot_move_below_itself(db):
    root = OrgUnitFactory()
    child = OrgUnitFactory(parent=root)
    root.parent = child
    with pytest.raises(ValidationError) as info:
        root.full_clean()
    assert list(info.value.message_dict) == ["parent"]
