"""Cycle set-up (DESIGN §3.1, §7.2): a cycle, empty or copied from an earlier
one; its dates and rules; categories; the rubric; award levels; the committee.

What may change when:

- the name, the planned dates and ``auto_advance``: until the cycle closes;
  the dates stay in order;
- the rules nominating depends on (scope, blind review, reviewers per
  nomination, minimum months, nominations per unit), the categories' set
  and kind, and the rubric: in ``draft`` only;
- the ranking settings (``adjust_scores``, ``disagreement_rate``), award
  levels, the committee and the names of categories: until publication.

A refused change is a 409 naming the phase; bad input a 400 naming the field.
Whether a cycle may open is ``selectors.cycle_readiness``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import events
from core.errors import ConflictError
from core.i18n import LANGUAGES
from nominations import defaults
from nominations.events import CycleCopied
from nominations.models import AwardLevel, Category, CommitteeMember, Cycle, Round, Rubric
from nominations.readiness import DATE_FIELDS, date_label, dates_out_of_order
from nominations.services.rubrics import rubric_default, rubric_new_version
from people.models import Employee

P = Cycle.Phase

# Frozen once the cycle leaves draft: nominating depends on them.
RULE_FIELDS = [
    "scope_unit",
    "blind_review",
    "reviewers_per_nomination",
    "min_innovation_months",
    "max_nominations_per_unit",
]
# Until publication.
RANKING_FIELDS = ["adjust_scores", "disagreement_rate", "final_score"]
# Promotion (services.promotion): the higher-level cycle, and what this
# cycle takes from lower-level ones; like the dates, until the cycle closes.
PROMOTION_FIELDS = ["promotion_min_award_level", "promotion_quota"]
OPEN_FIELDS = ["name", "auto_advance", *DATE_FIELDS, "parent", *PROMOTION_FIELDS]
EDITABLE_FIELDS = [*OPEN_FIELDS, *RULE_FIELDS, *RANKING_FIELDS]
# A round's set-up (services.rounds).
ROUND_FIELDS = [
    "name_id",
    "name_en",
    "kind",
    "rubric",
    "reviewers_per_nomination",
    "weight",
    "advance_rule",
    "advance_n",
    "advance_min_score",
    "max_unverified_claims",
    "starts_on",
    "ends_on",
    "panel",
]
UNTIL_PUBLISHED = (P.DRAFT, P.NOMINATING, P.REVIEWING, P.DECIDING)
UNTIL_DECIDING = (P.DRAFT, P.NOMINATING, P.REVIEWING)


def _phase_label(cycle: Cycle) -> str:
    return str(P(cycle.phase).label)


def _require_phase(cycle: Cycle, phases: Iterable[str], what: str) -> None:
    if cycle.phase not in phases:
        raise ConflictError(
            _("%(what)s cannot change while the cycle is in the %(phase)s phase.")
            % {"what": what, "phase": _phase_label(cycle)}
        )


def _check_dates(cycle: Cycle) -> None:
    wrong = dates_out_of_order({f: getattr(cycle, f) for f in DATE_FIELDS})
    if wrong:
        first, later = wrong[0]
        raise ValidationError(
            {
                later: _("%(later)s must not be before %(first)s.")
                % {"later": date_label(later), "first": date_label(first)}
            }
        )


def _check_parent(cycle: Cycle) -> None:
    """A higher-level cycle is another cycle, and not one below this one."""
    seen = {cycle.pk}
    parent = cycle.parent
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError(
                {"parent": _("A cycle cannot be its own higher-level cycle, even through others.")}
            )
        seen.add(parent.pk)
        parent = parent.parent


def _names(names: Mapping[str, str], field: str = "names") -> dict[str, str]:
    """Both languages, stripped, neither empty."""
    clean = {lang: (names.get(lang) or "").strip() for lang in LANGUAGES}
    missing = [lang for lang, text in clean.items() if not text]
    if missing:
        raise ValidationError(
            {f"{field}.{lang}": _("A name in this language is required.") for lang in missing}
        )
    return clean


# --- cycles --------------------------------------------------------------------------------


@transaction.atomic
def cycle_create(
    *,
    name: str,
    rubric: Rubric | None = None,
    with_defaults: bool = True,
    copy_from: Cycle | None = None,
    **fields: Any,
) -> Cycle:
    """A new cycle in ``draft``: with the default categories and award
    levels, or copied from ``copy_from`` — its rules, categories, rubric (the
    same version), award levels and committee; the incentive policies follow
    after the commit (``CycleCopied``, handled by rewards). Dates are never
    copied."""
    if copy_from is not None:
        for field in [*RULE_FIELDS, *RANKING_FIELDS, *PROMOTION_FIELDS]:
            fields.setdefault(field, getattr(copy_from, field))
        rubric = rubric or copy_from.rubric
    cycle = Cycle(name=name, rubric=rubric or rubric_default(), **fields)
    cycle.full_clean()
    _check_dates(cycle)
    _check_parent(cycle)
    cycle.save()
    if copy_from is not None:
        _copy_setup(source=copy_from, cycle=cycle)
        _copy_rounds(source=copy_from, cycle=cycle)
        events.emit(CycleCopied(cycle_id=cycle.pk, source_id=copy_from.pk))
    else:
        first_round_create(cycle)
        if with_defaults:
            Category.objects.bulk_create(
                Category(cycle=cycle, code=c, name_id=i, name_en=e, team=t)
                for c, (i, e), t in defaults.DEFAULT_CATEGORIES
            )
            AwardLevel.objects.bulk_create(
                AwardLevel(cycle=cycle, code=c, name_id=i, name_en=e, min_score=m, quota=q)
                for c, (i, e), m, q in defaults.DEFAULT_AWARD_LEVELS
            )
    return cycle


def first_round_create(cycle: Cycle) -> Round:
    """The one desk round every cycle starts with."""
    name_id, name_en = defaults.ROUND_NAMES[Round.Kind.DESK]
    return Round.objects.create(
        cycle=cycle, position=1, kind=Round.Kind.DESK, name_id=name_id, name_en=name_en
    )


def _copy_rounds(*, source: Cycle, cycle: Cycle) -> None:
    """The source's rounds, with their rules and the same rubric versions;
    a round's panel is copied by the members' employees (the committee is
    copied first)."""
    seats = dict(cycle.committee.values_list("employee_id", "pk"))
    rounds = list(source.rounds.prefetch_related("panel").order_by("position"))
    copies = Round.objects.bulk_create(
        Round(
            cycle=cycle,
            # never the dates (as with the cycle's own)
            **{
                f: getattr(r, f)
                for f in [*ROUND_FIELDS, "position"]
                if f not in ("panel", "starts_on", "ends_on")
            },
        )
        for r in rounds
    )
    Panel = Round.panel.through
    Panel.objects.bulk_create(
        Panel(round_id=copy.pk, committeemember_id=seats[m.employee_id])
        for r, copy in zip(rounds, copies, strict=True)
        for m in r.panel.all()
        if m.employee_id in seats
    )
    if not copies:
        first_round_create(cycle)


def _copy_setup(*, source: Cycle, cycle: Cycle) -> None:
    categories = Category.objects.bulk_create(
        Category(cycle=cycle, code=c.code, name_id=c.name_id, name_en=c.name_en, team=c.team)
        for c in source.categories.all()
    )
    by_code = {c.code: c for c in categories}
    AwardLevel.objects.bulk_create(
        AwardLevel(
            cycle=cycle,
            code=lv.code,
            name_id=lv.name_id,
            name_en=lv.name_en,
            min_score=lv.min_score,
            quota=lv.quota,
        )
        for lv in source.award_levels.all()
    )
    members = list(source.committee.prefetch_related("expertise"))
    copies = CommitteeMember.objects.bulk_create(
        CommitteeMember(
            cycle=cycle,
            employee_id=m.employee_id,
            is_chair=m.is_chair,
            is_deputy_chair=m.is_deputy_chair,
            load_cap=m.load_cap,
        )
        for m in members
    )
    Expertise = CommitteeMember.expertise.through
    Expertise.objects.bulk_create(
        Expertise(committeemember_id=copy.pk, category_id=by_code[c.code].pk)
        for m, copy in zip(members, copies, strict=True)
        for c in m.expertise.all()
    )


@transaction.atomic
def cycle_update(*, cycle_id: int, **changes: Any) -> Cycle:
    """Change a cycle's name, dates and rules (see the module's rules)."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle_id)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: _("This field cannot be changed.") for f in sorted(unknown)})
    changed = {f for f, v in changes.items() if getattr(cycle, f) != v}
    if changed & set(RULE_FIELDS):
        _require_phase(cycle, [P.DRAFT], _("The cycle's rules"))
    if changed & set(RANKING_FIELDS):
        _require_phase(cycle, UNTIL_PUBLISHED, _("The ranking settings"))
    if changed:
        _require_phase(cycle, [*UNTIL_PUBLISHED, P.PUBLISHED], _("The cycle"))
    for field, value in changes.items():
        setattr(cycle, field, value)
    cycle.full_clean()
    _check_dates(cycle)
    _check_parent(cycle)
    cycle.save()
    return cycle


# --- categories ----------------------------------------------------------------------------


def category_add(*, cycle: Cycle, code: str, names: Mapping[str, str], team: bool) -> Category:
    _require_phase(cycle, [P.DRAFT], _("The categories"))
    clean = _names(names)
    category = Category(cycle=cycle, code=code, name_id=clean["id"], name_en=clean["en"], team=team)
    category.full_clean()
    category.save()
    return category


def category_update(
    *,
    category: Category,
    code: str | None = None,
    names: Mapping[str, str] | None = None,
    team: bool | None = None,
) -> Category:
    cycle = category.cycle
    if (code is not None and code != category.code) or (team is not None and team != category.team):
        _require_phase(cycle, [P.DRAFT], _("A category's code and kind"))
    if names is not None:
        _require_phase(cycle, UNTIL_PUBLISHED, _("The categories"))
        clean = _names(names)
        category.name_id, category.name_en = clean["id"], clean["en"]
    if code is not None:
        category.code = code
    if team is not None:
        category.team = team
    category.full_clean()
    category.save()
    return category


def category_delete(*, category: Category) -> None:
    _require_phase(category.cycle, [P.DRAFT], _("The categories"))
    category.delete()


# --- rubric --------------------------------------------------------------------------------


@transaction.atomic
def cycle_rubric_replace(*, cycle_id: int, criteria: list[dict]) -> Cycle:
    """A new version of the cycle's rubric with these criteria (other cycles
    keep theirs); only in ``draft``."""
    cycle = Cycle.objects.select_for_update().select_related("rubric").get(pk=cycle_id)
    _require_phase(cycle, [P.DRAFT], _("The rubric"))
    specs = []
    for index, spec in enumerate(criteria):
        clean = _names(spec.get("names") or {}, f"criteria.{index}.names")
        levels = [
            {"value": level["value"], "descriptors": {k: (v or "").strip() for k, v in d.items()}}
            for level in spec.get("levels", [])
            if (d := level.get("descriptors") or {})
        ]
        specs.append(
            {
                "code": spec["code"],
                "name_id": clean["id"],
                "name_en": clean["en"],
                "group": spec["group"],
                "weight": spec["weight"],
                "scale_min": spec.get("scale_min", 1),
                "scale_max": spec.get("scale_max", 5),
                "asks_statement": spec.get("asks_statement", spec["group"] == "psm"),
                "levels": levels,
            }
        )
    cycle.rubric = rubric_new_version(rubric=cycle.rubric, criteria=specs)
    cycle.save(update_fields=["rubric", "updated_at"])
    return cycle


# --- award levels --------------------------------------------------------------------------


def award_level_add(
    *, cycle: Cycle, code: str, names: Mapping[str, str], min_score: Decimal, quota: int
) -> AwardLevel:
    _require_phase(cycle, UNTIL_DECIDING, _("The award levels"))
    clean = _names(names)
    level = AwardLevel(
        cycle=cycle,
        code=code,
        name_id=clean["id"],
        name_en=clean["en"],
        min_score=min_score,
        quota=quota,
    )
    level.full_clean()
    level.save()
    return level


def award_level_update(
    *,
    level: AwardLevel,
    names: Mapping[str, str] | None = None,
    min_score: Decimal | None = None,
    quota: int | None = None,
) -> AwardLevel:
    """Names until publication; the minimum score and quota until deciding."""
    if (min_score is not None and min_score != level.min_score) or (
        quota is not None and quota != level.quota
    ):
        _require_phase(level.cycle, UNTIL_DECIDING, _("An award level's score and quota"))
    if names is not None:
        _require_phase(level.cycle, UNTIL_PUBLISHED, _("The award levels"))
        clean = _names(names)
        level.name_id, level.name_en = clean["id"], clean["en"]
    if min_score is not None:
        level.min_score = min_score
    if quota is not None:
        level.quota = quota
    level.full_clean()
    level.save()
    return level


def award_level_delete(*, level: AwardLevel) -> None:
    _require_phase(level.cycle, UNTIL_DECIDING, _("The award levels"))
    if level.nominations.exists():
        raise ConflictError(_("Nominations are decided at this level; it cannot be deleted."))
    level.delete()


# --- committee -----------------------------------------------------------------------------


class Role:
    CHAIR = "chair"
    DEPUTY_CHAIR = "deputy_chair"
    MEMBER = "member"
    CHOICES = (CHAIR, DEPUTY_CHAIR, MEMBER)


def member_role(member: CommitteeMember) -> str:
    if member.is_chair:
        return Role.CHAIR
    return Role.DEPUTY_CHAIR if member.is_deputy_chair else Role.MEMBER


def _take_seat(member: CommitteeMember, role: str) -> None:
    """Give ``member`` the role; a chair or deputy seat held by another moves
    to ``member`` (the other stays on as a member)."""
    if role not in Role.CHOICES:
        raise ValidationError({"role": _("Choose chair, deputy_chair or member.")})
    if member.is_chair and role != Role.CHAIR and member.cycle.phase != P.DRAFT:
        raise ConflictError(_("Make another member the chair first: the cycle needs one."))
    seat = {Role.CHAIR: "is_chair", Role.DEPUTY_CHAIR: "is_deputy_chair"}.get(role)
    if seat:
        others = CommitteeMember.objects.filter(cycle_id=member.cycle_id, **{seat: True})
        others.exclude(pk=member.pk).update(**{seat: False})
    member.is_chair = role == Role.CHAIR
    member.is_deputy_chair = role == Role.DEPUTY_CHAIR


def _check_expertise(cycle: Cycle, expertise: Iterable[Category]) -> list[Category]:
    chosen = list(expertise)
    if any(c.cycle_id != cycle.pk for c in chosen):
        raise ValidationError({"expertise": _("Choose categories of this cycle.")})
    return chosen


@transaction.atomic
def committee_member_add(
    *,
    cycle: Cycle,
    employee: Employee,
    is_chair: bool = False,
    is_deputy_chair: bool = False,
    role: str | None = None,
    load_cap: int = 20,
    expertise: Iterable[Category] = (),
) -> CommitteeMember:
    """Seat ``employee`` on the committee. ``role`` (chair, deputy_chair,
    member) moves a chair or deputy seat held by another; the older
    ``is_chair``/``is_deputy_chair`` flags refuse a taken seat."""
    _require_phase(cycle, UNTIL_PUBLISHED, _("The committee"))
    if is_chair and is_deputy_chair:
        raise ValidationError({"is_deputy_chair": _("The chair cannot be the deputy too.")})
    chosen = _check_expertise(cycle, expertise)
    member = CommitteeMember(
        cycle=cycle,
        employee=employee,
        is_chair=is_chair,
        is_deputy_chair=is_deputy_chair,
        load_cap=load_cap,
    )
    if role is not None:
        _take_seat(member, role)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise ValidationError(
            {"employee": _("Already on this committee, or the seat of chair or deputy is taken.")}
        ) from None
    member.expertise.set(chosen)
    return member


@transaction.atomic
def committee_member_update(
    *,
    member: CommitteeMember,
    role: str | None = None,
    load_cap: int | None = None,
    expertise: Iterable[Category] | None = None,
) -> CommitteeMember:
    _require_phase(member.cycle, UNTIL_PUBLISHED, _("The committee"))
    if role is not None and role != member_role(member):
        _take_seat(member, role)
    if load_cap is not None:
        member.load_cap = load_cap
    member.full_clean(exclude=["cycle", "employee"])
    member.save()
    if expertise is not None:
        member.expertise.set(_check_expertise(member.cycle, expertise))
    return member


def committee_member_remove(*, member: CommitteeMember) -> None:
    _require_phase(member.cycle, UNTIL_PUBLISHED, _("The committee"))
    if member.is_chair and member.cycle.phase != P.DRAFT:
        raise ConflictError(_("Make another member the chair first: the cycle needs one."))
    if member.assignments.exists():
        raise ConflictError(
            _("This member has nominations to review; remove those assignments first.")
        )
    member.delete()
