"""What promotion may take (DESIGN §3.11): the reasons an awarded
nomination cannot be put forward to its cycle's parent now, the parent's
category it would enter, the nomination already promoted from it, and the
rows of the secretariat's promotion page. The write is
``services.promotion.nomination_promote``, which refuses with the same
reasons."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from people.selectors import orgunit_subtree

from .models import AwardLevel, Category, Cycle, Nomination, Nominee
from .readiness import Problem

P = Cycle.Phase
S = Nomination.Status


def promotion_target(nomination: Nomination) -> Nomination | None:
    """The nomination already promoted from ``nomination``, if any."""
    parent_id = nomination.cycle.parent_id
    if parent_id is None:
        return None
    return Nomination.objects.filter(cycle_id=parent_id, origin=nomination).first()


def promotion_category(nomination: Nomination, parent: Cycle) -> Category | None:
    """The parent's category of the same code as the nomination's, if any."""
    return parent.categories.filter(code=nomination.category.code).first()


@dataclass
class _Parent:
    """What the checks read of a parent cycle, once for any number of an
    agency cycle's nominations: the agency's lowest level the parent takes,
    how many it has taken from the agency, its categories by code, the
    statements its rubric asks for, and the units within its scope (of those
    asked about; None: no scope)."""

    cycle: Cycle
    lowest: AwardLevel | None
    taken: int
    categories: dict[str, Category]
    asked: set[str]
    inside: set[int] | None

    @classmethod
    def of(cls, agency: Cycle, parent: Cycle, units: set[int]) -> _Parent:
        code = parent.promotion_min_award_level
        return cls(
            cycle=parent,
            lowest=agency.award_levels.filter(code=code).first() if code else None,
            taken=Nomination.objects.filter(cycle=parent, origin__cycle=agency).count()
            if parent.promotion_quota is not None
            else 0,
            categories={c.code: c for c in parent.categories.all()},
            asked=set(
                parent.rubric.criteria.filter(asks_statement=True).values_list("code", flat=True)
            ),
            inside=set(
                orgunit_subtree(unit=parent.scope_unit_id)
                .filter(pk__in=units)
                .values_list("pk", flat=True)
            )
            if parent.scope_unit_id is not None
            else None,
        )


def promotion_problems(
    nomination: Nomination, *, category: Category | None = None
) -> list[Problem]:
    """Why ``nomination`` cannot be put forward to its cycle's parent now;
    empty when it can. ``category``: the parent's category it would enter
    (by default the one of the same code)."""
    parent: Cycle | None = nomination.cycle.parent
    if parent is None:
        return [Problem("no_parent", _("This cycle names no higher-level cycle."))]
    nominees = list(nomination.nominees.select_related("employee"))
    checks = _Parent.of(nomination.cycle, parent, _units(nominees))
    return _problems(nomination, checks, nominees, category)


def _units(nominees: Iterable[Nominee]) -> set[int]:
    return {n.employee.org_unit_id for n in nominees}


def _problems(
    nomination: Nomination, parent: _Parent, nominees: list[Nominee], category: Category | None
) -> list[Problem]:
    return [
        *_result_problems(nomination, parent),
        *_parent_problems(parent),
        *_fit_problems(nomination, parent, nominees, category),
    ]


def _result_problems(nomination: Nomination, parent: _Parent) -> list[Problem]:
    """The nomination's own result: published, awarded, at the parent's level."""
    problems = []
    if nomination.status != S.PUBLISHED or nomination.cycle.phase not in (P.PUBLISHED, P.CLOSED):
        problems.append(Problem("not_published", _("The results of this cycle are not published.")))
    level = nomination.award_level
    if level is None:
        return [*problems, Problem("not_awarded", _("This nomination received no award."))]
    code = parent.cycle.promotion_min_award_level
    if not code:
        return problems
    if parent.lowest is None:
        problems.append(
            Problem(
                "unknown_level",
                _("%(parent)s takes award level “%(code)s” and above; this cycle has none.")
                % {"parent": parent.cycle.name, "code": code},
            )
        )
    elif level.min_score < parent.lowest.min_score:
        problems.append(
            Problem(
                "below_level",
                _(
                    "%(parent)s takes the %(lowest)s and above; this nomination received the "
                    "%(level)s."
                )
                % {"parent": parent.cycle.name, "lowest": parent.lowest.name, "level": level.name},
            )
        )
    return problems


def _parent_problems(parent: _Parent) -> list[Problem]:
    """The parent's state: taking nominations, with room in its quota."""
    problems = []
    cycle = parent.cycle
    if cycle.phase != P.NOMINATING:
        problems.append(
            Problem(
                "parent_not_nominating",
                _("%(parent)s is not taking nominations.") % {"parent": cycle.name},
            )
        )
    if cycle.promotion_quota is not None and parent.taken >= cycle.promotion_quota:
        problems.append(
            Problem(
                "quota_full",
                ngettext(
                    "%(parent)s takes %(n)d nomination from each cycle; that quota is full.",
                    "%(parent)s takes %(n)d nominations from each cycle; that quota is full.",
                    cycle.promotion_quota,
                )
                % {"parent": cycle.name, "n": cycle.promotion_quota},
            )
        )
    return problems


def _fit_problems(
    nomination: Nomination, parent: _Parent, nominees: list[Nominee], category: Category | None
) -> list[Problem]:
    """Whether the nomination fits the parent: its unit, a category, the
    statements its rubric asks for."""
    problems = []
    name = parent.cycle.name
    if parent.inside is not None and _units(nominees) - parent.inside:
        problems.append(
            Problem(
                "outside_scope",
                _("A nominee is outside the org unit %(parent)s is for.") % {"parent": name},
            )
        )
    chosen = category or parent.categories.get(nomination.category.code)
    if chosen is None:
        problems.append(
            Problem(
                "no_category",
                _("%(parent)s has no category “%(code)s”; choose one of its categories.")
                % {"parent": name, "code": nomination.category.code},
            )
        )
    elif not chosen.team and len(nominees) > 1:
        problems.append(
            Problem(
                "not_team_category",
                _("“%(category)s” is for one person; choose a team category for a team.")
                % {"category": chosen.name},
            )
        )
    given = {c for c, text in (nomination.psm_statements or {}).items() if str(text).strip()}
    if parent.asked - given:
        problems.append(
            Problem(
                "statements_missing",
                _("%(parent)s asks for statements this nomination lacks: %(codes)s.")
                % {"parent": name, "codes": ", ".join(sorted(parent.asked - given))},
            )
        )
    return problems


@dataclass
class Candidate:
    """A row of the promotion page: an awarded nomination, the one promoted
    from it (if any), or why it cannot be promoted now."""

    nomination: Nomination
    target: Nomination | None
    problems: list[Problem] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)

    @property
    def promotable(self) -> bool:
        """Whether it can be put forward now (choosing a category if need be)."""
        return self.target is None and all(p.code == "no_category" for p in self.problems)


def promotion_candidates(cycle: Cycle) -> list[Candidate]:
    """The awarded nominations of ``cycle``, best award first, each with
    where it was promoted or why it cannot be now, in a fixed number of
    queries. ``categories``: the parent's, to choose from where none has the
    nomination's code."""
    parent = cycle.parent
    if parent is None:
        return []
    awarded = list(
        cycle.nominations.filter(status=S.PUBLISHED, award_level__isnull=False)
        .select_related("cycle", "category", "award_level")
        .prefetch_related("nominees__employee")
        .order_by("-award_level__min_score", "title")
    )
    targets = {n.origin_id: n for n in Nomination.objects.filter(cycle=parent, origin__cycle=cycle)}
    checks = _Parent.of(cycle, parent, {u for item in awarded for u in _units(item.nominees.all())})
    rows = []
    for item in awarded:
        target = targets.get(item.pk)
        problems = [] if target else _problems(item, checks, list(item.nominees.all()), None)
        rows.append(
            Candidate(
                nomination=item,
                target=target,
                problems=problems,
                categories=(
                    list(checks.categories.values())
                    if any(p.code == "no_category" for p in problems)
                    else []
                ),
            )
        )
    return rows


def origin_labels(origins: list[dict | None]) -> dict[int, dict[str, str]]:
    """For payloads' ``origin`` values (``{cycle, nomination, award_level}``):
    per origin nomination id, its cycle's name and its award level's name in
    the viewer's language, in two queries."""
    given = [o for o in origins if o]
    if not given:
        return {}
    names = dict(Cycle.objects.filter(pk__in={o["cycle"] for o in given}).values_list("pk", "name"))
    levels = {
        (lv.cycle_id, lv.code): lv.name
        for lv in AwardLevel.objects.filter(
            cycle_id__in=names, code__in={o["award_level"] for o in given}
        )
    }
    return {
        o["nomination"]: {
            "cycle": names.get(o["cycle"], ""),
            "level": levels.get((o["cycle"], o["award_level"]), ""),
        }
        for o in given
    }
