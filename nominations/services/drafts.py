"""Nominations by supervisors: drafts, submission, withdrawal, screening."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ConflictError, NotFoundError
from core.jobs import dispatch
from core.types import Actor
from nominations.models import Category, Cycle, Nomination, Nominee
from nominations.workflow import S, nomination_transition
from people.models import Employee
from people.selectors import employee_reporting_line, orgunit_subtree

P = Cycle.Phase


NOMINATION_FIELDS = ("title", "problem", "solution", "impact", "started_on", "psm_statements")


def _outside_scope(cycle: Cycle, nominees: list[Employee]) -> list[str]:
    """The ids of nominees outside the cycle's org unit (and the units below it)."""
    if cycle.scope_unit is None:
        return []
    units = {n.org_unit_id for n in nominees}
    inside = set(
        orgunit_subtree(unit=cycle.scope_unit).filter(pk__in=units).values_list("pk", flat=True)
    )
    return [str(n.pk) for n in nominees if n.org_unit_id not in inside]


def _check_nominees(
    *,
    nominator: Employee,
    cycle: Cycle,
    category: Category,
    nominees: list[Employee],
    lead: Employee | None,
) -> None:
    errors: dict[str, list[str]] = {}
    if not nominees:
        errors["nominees"] = [_("Name at least one nominee.")]
    elif len({n.pk for n in nominees}) != len(nominees):
        errors["nominees"] = [_("A nominee is listed twice.")]
    elif nominator.pk in {n.pk for n in nominees}:
        errors["nominees"] = [_("You cannot nominate yourself.")]
    else:
        line = set(
            employee_reporting_line(employee=nominator)
            .filter(pk__in=[n.pk for n in nominees])
            .values_list("pk", flat=True)
        )
        outside = [str(n.pk) for n in nominees if n.pk not in line]
        if outside:
            # The ids the caller gave, never the people's NIPs or names.
            errors["nominees"] = [
                _("Not in your reporting line: employee id %(ids)s.") % {"ids": ", ".join(outside)}
            ]
        elif outside := _outside_scope(cycle, nominees):
            errors["nominees"] = [
                _("Not in the org unit this cycle is for: employee id %(ids)s.")
                % {"ids": ", ".join(outside)}
            ]
        elif not category.team and len(nominees) > 1:
            errors["nominees"] = [_("This category is for one person; choose a team category.")]
    if lead is not None and lead.pk not in {n.pk for n in nominees}:
        errors["lead"] = [_("The lead must be one of the nominees.")]
    if errors:
        raise ValidationError(errors)


def _check_statements(cycle: Cycle, statements: dict) -> None:
    if not isinstance(statements, dict):
        raise ValidationError({"psm_statements": _("Give an object of criterion code → text.")})
    allowed = set(cycle.rubric.criteria.filter(asks_statement=True).values_list("code", flat=True))
    unknown = sorted(set(statements) - allowed)
    if unknown:
        raise ValidationError(
            {
                "psm_statements": _("Unknown PSM criteria: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )


def nomination_create(
    *,
    nominator: Employee,
    cycle: Cycle,
    category: Category,
    nominees: list[Employee],
    lead: Employee | None = None,
    **fields: Any,
) -> Nomination:
    """A draft nomination by a supervisor for people in their reporting line."""
    if cycle.phase != P.NOMINATING:
        raise ConflictError(_("This cycle is not taking nominations."))
    if category.cycle_id != cycle.pk:
        raise ValidationError({"category": _("This category belongs to another cycle.")})
    _check_nominees(
        nominator=nominator, cycle=cycle, category=category, nominees=nominees, lead=lead
    )
    _check_statements(cycle, fields.get("psm_statements") or {})
    with transaction.atomic():
        nomination = Nomination.objects.create(
            cycle=cycle,
            category=category,
            nominator=nominator,
            **{k: v for k, v in fields.items() if k in NOMINATION_FIELDS},
        )
        lead = lead or nominees[0]
        Nominee.objects.bulk_create(
            Nominee(nomination=nomination, employee=n, is_lead=n.pk == lead.pk) for n in nominees
        )
    return nomination


def nomination_update(
    *,
    nomination: Nomination,
    actor: Actor,
    category: Category | None = None,
    nominees: list[Employee] | None = None,
    lead: Employee | None = None,
    **fields: Any,
) -> Nomination:
    """Edit a draft (nominator only)."""
    with transaction.atomic():
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("cycle", "nominator")
            .get(pk=nomination.pk)
        )
        if not actor.has_perm("nominations.change_nomination", nomination):
            raise NotFoundError()
        if nomination.status != S.DRAFT:
            raise ConflictError(_("Only a draft can be edited."))
        if nomination.cycle.phase != P.NOMINATING:
            raise ConflictError(_("This cycle is not taking nominations."))
        if category is not None and category.cycle_id != nomination.cycle_id:
            raise ValidationError({"category": _("This category belongs to another cycle.")})
        category = category or nomination.category
        if nominees is not None or category.pk != nomination.category_id or lead is not None:
            current = [n.employee for n in nomination.nominees.select_related("employee")]
            new_nominees = nominees if nominees is not None else current
            _check_nominees(
                nominator=nomination.nominator,
                cycle=nomination.cycle,
                category=category,
                nominees=new_nominees,
                lead=lead,
            )
            if nominees is not None or lead is not None:
                lead = lead or new_nominees[0]
                nomination.nominees.all().delete()
                Nominee.objects.bulk_create(
                    Nominee(nomination=nomination, employee=n, is_lead=n.pk == lead.pk)
                    for n in new_nominees
                )
        if "psm_statements" in fields:
            _check_statements(nomination.cycle, fields["psm_statements"] or {})
        nomination.category = category
        for key, value in fields.items():
            if key in NOMINATION_FIELDS:
                setattr(nomination, key, value)
        nomination.save()
    return nomination


def nomination_delete(*, nomination: Nomination, actor: Actor) -> None:
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if not actor.has_perm("nominations.change_nomination", nomination):
            raise NotFoundError()
        if nomination.status != S.DRAFT:
            raise ConflictError(_("Only a draft can be deleted; withdraw it instead."))
        for item in nomination.evidence.all():
            item.file.delete(save=False)
        nomination.delete()


def _completeness_errors(nomination: Nomination) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ("title", "problem", "solution", "impact"):
        if not (getattr(nomination, name) or "").strip():
            errors[name] = [_("Required before submitting.")]
    if nomination.started_on is None:
        errors["started_on"] = [_("Required before submitting.")]
    elif nomination.started_on > timezone.localdate():
        errors["started_on"] = [_("The innovation cannot start in the future.")]
    codes = nomination.cycle.rubric.criteria.filter(asks_statement=True).values_list(
        "code", flat=True
    )
    for code in codes:
        if not str((nomination.psm_statements or {}).get(code, "")).strip():
            errors[f"psm_statements.{code}"] = [_("Required before submitting.")]
    return errors


def nomination_missing(*, nomination: Nomination) -> dict[str, list[str]]:
    """What submitting would refuse, field by field, without submitting (the
    web form's last step shows it)."""
    return _completeness_errors(nomination)


def nomination_submit(*, nomination_id: int, actor: Actor) -> Nomination:
    """Submit a complete draft: it is frozen from now on.

    Side effects, after commit: each nominee is e-mailed that they were
    nominated (and how to opt out of public posts).
    """

    return nomination_transition(
        nomination_id=nomination_id,
        to=S.SUBMITTED,
        actor=actor,
        apply=submission_check,
        on_commit=nominees_tell,
    )


def submission_check(nomination: Nomination) -> None:
    """What submitting requires (every way in: a draft, a promotion): a
    complete nomination, stamped with the time."""
    errors = _completeness_errors(nomination)
    if errors:
        raise ValidationError(errors)
    nomination.submitted_at = timezone.now()


def nominees_tell(nomination: Nomination) -> None:
    """After a submission commits: each nominee is e-mailed (a job)."""
    from nominations.tasks import notify_nominees

    dispatch(notify_nominees, nomination_id=nomination.pk)


def nomination_withdraw(*, nomination_id: int, actor: Actor, reason: str = "") -> Nomination:
    return nomination_transition(
        nomination_id=nomination_id, to=S.WITHDRAWN, actor=actor, note=reason
    )


def nomination_screen(
    *, nomination_id: int, actor: Actor, eligible: bool, reason: str = ""
) -> Nomination:
    """The secretariat's eligibility decision; a reason is required for ineligible."""
    if not eligible and not reason.strip():
        raise ValidationError({"reason": _("Say why the nomination is ineligible.")})

    def record(nomination: Nomination) -> None:
        nomination.screening_reason = reason

    return nomination_transition(
        nomination_id=nomination_id,
        to=S.ELIGIBLE if eligible else S.INELIGIBLE,
        actor=actor,
        note=reason,
        apply=record,
    )


def nominations_screen_eligible(*, nomination_ids: list[int], actor: Actor) -> list[dict]:
    """Mark several submitted nominations eligible at once (the secretariat),
    each through ``nomination_screen``: one outcome per id, in the order
    given — ``{id, status, error}`` — so one refused nomination (withdrawn
    meanwhile, another's cycle phase) does not hold the others back."""
    results = []
    for pk in nomination_ids:
        try:
            item = nomination_screen(nomination_id=pk, actor=actor, eligible=True)
        except NotFoundError:
            results.append({"id": pk, "status": None, "error": _("Not found.")})
        except (ValidationError, ConflictError) as error:
            message = (
                " ".join(error.messages) if isinstance(error, ValidationError) else error.message
            )
            results.append({"id": pk, "status": None, "error": message})
        else:
            results.append({"id": pk, "status": item.status, "error": None})
    return results
