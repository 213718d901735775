import pytest

from people import selectors
from tests.factories import EmployeeFactory, OrgUnitFactory

DEPTH = 10


@pytest.fixture
def chain(db):
    """Ten employees, each the supervisor of the next."""
    unit = OrgUnitFactory()
    people = [EmployeeFactory(org_unit=unit)]
    for _ in range(DEPTH - 1):
        people.append(EmployeeFactory(org_unit=unit, supervisor=people[-1]))
    return people


@pytest.fixture
def unit_chain(db):
    units = [OrgUnitFactory()]
    for _ in range(DEPTH - 1):
        units.append(OrgUnitFactory(parent=units[-1]))
    return units


def test_reporting_line_covers_every_level_in_one_query(chain, django_assert_num_queries):
    with django_assert_num_queries(1):
        below = list(selectors.employee_reporting_line(employee=chain[0]))
    assert sorted(e.pk for e in below) == sorted(e.pk for e in chain[1:])


def test_reporting_line_of_the_bottom_is_empty(chain):
    assert list(selectors.employee_reporting_line(employee=chain[-1])) == []


def test_reporting_line_includes_side_branches(chain):
    side = EmployeeFactory(supervisor=chain[3])
    below = selectors.employee_reporting_line(employee=chain[2])
    assert {e.pk for e in below} == {e.pk for e in chain[3:]} | {side.pk}


def test_supervisor_chain_nearest_first_in_two_queries(chain, django_assert_num_queries):
    with django_assert_num_queries(2):
        above = selectors.employee_supervisor_chain(employee=chain[-1])
    assert [e.pk for e in above] == [e.pk for e in reversed(chain[:-1])]


def test_supervisor_chain_of_the_top_is_empty(chain):
    assert selectors.employee_supervisor_chain(employee=chain[0]) == []


def test_orgunit_subtree_in_one_query(unit_chain, django_assert_num_queries):
    with django_assert_num_queries(1):
        subtree = list(selectors.orgunit_subtree(unit=unit_chain[4]))
    assert sorted(u.pk for u in subtree) == sorted(u.pk for u in unit_chain[4:])


def test_a_unit_moved_takes_the_units_below_it_along(unit_chain, django_assert_num_queries):
    """A unit's path follows its parent through save() (the admin's), and so
    do the paths of every unit below it: the subtree is read off the paths."""
    side = OrgUnitFactory(parent=unit_chain[2])
    unit_chain[5].parent = side
    unit_chain[5].save()
    below_side = {side.pk, *(u.pk for u in unit_chain[5:])}
    assert {u.pk for u in selectors.orgunit_subtree(unit=side)} == below_side
    assert {u.pk for u in selectors.orgunit_subtree(unit=unit_chain[3])} == {
        u.pk for u in unit_chain[3:5]
    }
    with django_assert_num_queries(2):  # the path of the unit of an id, then the subtree
        found = {u.pk for u in selectors.orgunit_subtree(unit=unit_chain[2].pk)}
    assert found == {unit_chain[2].pk, *(u.pk for u in unit_chain[3:5])} | below_side
    assert list(selectors.orgunit_subtree(unit=10**9)) == []


def test_a_refresh_repairs_unit_paths_after_bulk_writes(unit_chain):
    from people.models import OrgUnit, refresh_unit_paths

    OrgUnit.objects.filter(pk=unit_chain[6].pk).update(parent=unit_chain[0])  # bypasses save()
    assert refresh_unit_paths() == 4  # the moved unit and the three below it
    assert refresh_unit_paths() == 0
    assert {u.pk for u in selectors.orgunit_subtree(unit=unit_chain[1])} == {
        u.pk for u in unit_chain[1:6]
    }
    unit_chain[0].refresh_from_db()
    assert {u.pk for u in selectors.orgunit_subtree(unit=unit_chain[0])} == {
        u.pk for u in unit_chain
    }


def test_orgunit_ancestors_nearest_first_in_two_queries(unit_chain, django_assert_num_queries):
    with django_assert_num_queries(2):
        above = selectors.orgunit_ancestors(unit=unit_chain[-1])
    assert [u.pk for u in above] == [u.pk for u in reversed(unit_chain[:-1])]


def test_query_count_does_not_grow_with_depth(db, django_assert_num_queries):
    unit = OrgUnitFactory()
    top = EmployeeFactory(org_unit=unit)
    bottom = top
    for _ in range(30):
        bottom = EmployeeFactory(org_unit=unit, supervisor=bottom)
    with django_assert_num_queries(3):
        assert len(list(selectors.employee_reporting_line(employee=top))) == 30
        assert len(selectors.employee_supervisor_chain(employee=bottom)) == 30


def test_supervisor_chains_of_many_employees_in_one_query(chain, django_assert_num_queries):
    side = EmployeeFactory(supervisor=chain[3])
    outside = EmployeeFactory()  # in the table, on nobody's path
    wanted = {chain[-1].pk, side.pk, chain[0].pk, outside.pk}
    with django_assert_num_queries(1):
        chains = selectors.employee_supervisor_chains(employee_ids=wanted)
    assert chains == {
        chain[-1].pk: {e.pk for e in chain[:-1]},
        side.pk: {e.pk for e in chain[:4]},
        chain[0].pk: set(),
        outside.pk: set(),
    }


def test_supervisor_chains_are_read_in_batches(chain, django_assert_num_queries, monkeypatch):
    from people import selectors as people_selectors

    monkeypatch.setattr(people_selectors, "CHAIN_BATCH", 3)
    ids = [e.pk for e in chain]  # ten: four batches of three
    with django_assert_num_queries(4):
        found = selectors.employee_supervisor_chains(employee_ids=set(ids))
    assert found[chain[-1].pk] == {e.pk for e in chain[:-1]}
    assert found[chain[0].pk] == set()
