"""Reads of the people app. Every list a user sees starts from one of these."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat

from core.tree import ancestor_ids, descendant_ids
from core.types import Actor, Viewer

from .models import CareerEvent, CareerProfile, Employee, OrgUnit

SECRETARIAT = "secretariat"
HR = "hr"


# --- org units --------------------------------------------------------------


def orgunit_descendant_ids(*, unit: OrgUnit) -> set[int]:
    below = descendant_ids(OrgUnit, "parent", unit.pk)
    return set(OrgUnit.objects.filter(id__in=below).values_list("id", flat=True))


def orgunit_subtree(*, unit: OrgUnit | int) -> QuerySet[OrgUnit]:
    """The unit (or the unit of that id: its path is read first) and every
    unit below it, at any depth: one index range on the units' paths."""
    if isinstance(unit, int):
        found = OrgUnit.objects.filter(pk=unit).only("pk", "path").first()
        if found is None:
            return OrgUnit.objects.none()
        unit = found
    return OrgUnit.objects.filter(Q(pk=unit.pk) | Q(path__startswith=unit.below_prefix))


def orgunit_search_q(text: str, prefix: str = "") -> Q:
    """Units searched as a person types one: the unit of that code and the
    units below it, or the units whose name contains the text; on the unit
    at ``prefix`` (``"employee__org_unit__"`` from a nominee)."""
    text = text.strip()
    found = Q(**{f"{prefix}name__icontains": text})
    if coded := OrgUnit.objects.filter(code=text).first():
        found |= Q(**{f"{prefix}in": orgunit_subtree(unit=coded)})
    return found


def orgunit_ancestors(*, unit: OrgUnit) -> list[OrgUnit]:
    """The units above ``unit``, nearest first (two queries at any depth)."""
    ids = ancestor_ids(OrgUnit, "parent", unit.pk)
    by_id = OrgUnit.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


# --- reporting lines --------------------------------------------------------


def reporting_prefix(employee: Employee) -> str:
    """The start of the reporting path of everyone below ``employee``."""
    return f"{employee.reporting_path}{employee.pk}/"


def employee_reporting_line(*, employee: Employee) -> QuerySet[Employee]:
    """Everyone who reports to ``employee``, directly or indirectly: one
    index range on the reporting paths, however large the line."""
    return Employee.objects.filter(reporting_path__startswith=reporting_prefix(employee))


def employee_supervisor_chain(*, employee: Employee) -> list[Employee]:
    """The employee's supervisors, direct supervisor first (two queries at any depth)."""
    ids = ancestor_ids(Employee, "supervisor", employee.pk)
    by_id = Employee.objects.select_related("org_unit").in_bulk(ids)
    return [by_id[i] for i in ids]


CHAIN_BATCH = 5000


def employee_supervisor_chains(*, employee_ids: set[int]) -> dict[int, set[int]]:
    """For each employee, the ids of everyone above them in the reporting
    line, from their reporting paths (a lookup by id, 5,000 at a time)."""
    chains: dict[int, set[int]] = {pk: set() for pk in employee_ids}
    ordered = sorted(employee_ids)
    for start in range(0, len(ordered), CHAIN_BATCH):
        batch = ordered[start : start + CHAIN_BATCH]
        for pk, path in Employee.objects.filter(pk__in=batch).values_list("id", "reporting_path"):
            chains[pk] = {int(part) for part in path.split("/") if part}
    return chains


def employee_is_supervisor(*, employee: Employee | None) -> bool:
    return employee is not None and employee.subordinates.exists()


# --- who the user is --------------------------------------------------------


def user_employee(user: Viewer) -> Employee | None:
    """The employee record of a logged-in user, or ``None``."""
    if not user.is_authenticated:
        return None
    try:
        return user.employee
    except Employee.DoesNotExist:
        return None


def user_group_names(user: Viewer) -> set[str]:
    """The user's group names, read once per request's user object."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_apresiasi_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user_groups_remember(user, cached)
    return cached


def user_groups_remember(user: Actor, names: Iterable[str]) -> None:
    """Keep the user's group names on the user object (the token
    authentication reads them with the user, in the same query)."""
    user._apresiasi_groups = set(names)  # type: ignore[attr-defined]


def user_roles(user: Viewer) -> list[str]:
    """The roles of DESIGN.md §2 the user holds, sorted."""
    if not user.is_authenticated:
        return []
    roles = {"staff"} if user_employee(user) else set()
    roles |= user_group_names(user) & {SECRETARIAT, HR}
    if employee_is_supervisor(employee=user_employee(user)):
        roles.add("supervisor")
    return sorted(roles)


# Shorter texts have no trigram: the trigram index cannot serve them.
TRIGRAM_MIN = 3


def employee_search_q(text: str, prefix: str = "") -> Q:
    """The condition of ``employee_search``, on the employee at ``prefix``
    (``"employee__"`` from a row that points to one)."""
    text = text.strip()
    return Q(**{f"{prefix}name__icontains": text}) | Q(
        **{f"{prefix}nip__startswith": text.replace(" ", "")}
    )


def employee_search(
    queryset: QuerySet[Employee], text: str, *, wide: bool = False, sortable: bool = False
) -> QuerySet[Employee]:
    """Employees whose name contains ``text`` or whose NIP starts with it
    (spaces in a NIP ignored); ``wide``: or whose position or unit name
    contains it; ``sortable``: with ``sort_name`` to read them by name in the
    order ``employee_search_sort`` gives."""
    found = employee_search_q(text)
    if wide:
        text = text.strip()
        found |= Q(position__icontains=text) | Q(org_unit__name__icontains=text)
    if sortable and employee_search_sort(text)[0] == "sort_name":
        # The name again, to sort by: the same order, but one no index gives,
        # so PostgreSQL finds the matches through the trigram index and sorts
        # them, instead of walking the name index past every non-match (1.5 s
        # for a common first name among a million, whose matches sort late).
        queryset = queryset.annotate(sort_name=Concat("name", Value("")))
    return queryset.filter(found)


def employee_search_sort(text: str) -> tuple[str, str]:
    """The order a list of employees searched for ``text`` is read in:
    ``sort_name`` (see ``employee_search(sortable=True)``) for a text the
    trigram index serves, else the name."""
    return ("sort_name", "id") if len(text.strip()) >= TRIGRAM_MIN else ("name", "id")


def employee_list(*, user: Viewer) -> QuerySet[Employee]:
    """Employees the user may see: all for secretariat and HR, the own reporting
    line for a supervisor, nothing for anyone else."""
    base = Employee.objects.select_related("org_unit")
    if user.has_perm("people.list_all_employees"):
        return base.all()
    employee = user_employee(user)
    if employee is None:
        return base.none()
    return base.filter(reporting_path__startswith=reporting_prefix(employee))


def career_profile_get(*, employee: Employee) -> CareerProfile:
    """The employee's profile; an unsaved all-zero one if nothing happened yet."""
    try:
        return CareerProfile.objects.get(employee=employee)
    except CareerProfile.DoesNotExist:
        return CareerProfile(employee=employee)


# --- the career feed ----------------------------------------------------------


def career_cursor(event: CareerEvent) -> str:
    return f"{event.txid}-{event.pk}"


def parse_career_cursor(value: str) -> tuple[int, int]:
    """``"<txid>-<id>"`` → ``(txid, id)``; ``ValueError`` if malformed."""
    txid, _, pk = value.partition("-")
    parsed = int(txid), int(pk)
    if min(parsed) < 0 or max(parsed) >= 2**63:  # both are bigint columns
        raise ValueError(value)
    return parsed


def career_feed(*, after: tuple[int, int] | None = None) -> QuerySet[CareerEvent]:
    """Career events in the feed's stable order, after a cursor (keyset).

    Ordered by (writing transaction, id). On PostgreSQL only events of
    transactions older than every transaction still running are served (plus
    the caller's own): an event that commits late can then never appear
    behind a cursor a consumer already holds.
    """
    events = CareerEvent.objects.select_related("employee__org_unit").order_by("txid", "id")
    if connection.vendor == "postgresql":
        events = events.filter(
            RawSQL(
                "(txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
                " OR txid = pg_current_xact_id_if_assigned()::text::bigint)",
                (),
                output_field=BooleanField(),
            )
        )
    if after is not None:
        # A row comparison, so PostgreSQL walks the (txid, id) index from the cursor.
        events = events.filter(
            RawSQL(
                '("people_careerevent"."txid", "people_careerevent"."id") > (%s, %s)',
                after,
                output_field=BooleanField(),
            )
        )
    return events
