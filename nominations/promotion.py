"""What promotion may take (DESIGN §3.11): the reasons an awarded
nomination cannot be put forward to its cycle's parent now, the parent's
category it would enter, the nomination already promoted from it, and the
rows of the secretariat's promotion page. The write is
``services.promotion.nomination_promote``, which refuses with the same
reasons."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from people.selectors import orgunit_subtree

from .models import AwardLevel, Category, Cycle, Nomination
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


def promotion_problems(
    nomination: Nomination, *, category: Category | None = None
) -> list[Problem]:
    """Why ``nomination`` cannot be put forward to its cycle's parent now;
    empty when it can. ``category``: the parent's category it would enter
    (by default the one of the same code)."""
    parent: Cycle | None = nomination.cycle.parent
    if parent is None:
        return [Problem("no_parent", _("This cycle names no higher-level cycle."))]
    return [
        *_result_problems(nomination, parent),
        *_parent_problems(nomination, parent),
        *_fit_problems(nomination, parent, category),
    ]


def _result_problems(nomination: Nomination, parent: Cycle) -> list[Problem]:
    """The nomination's own result: published, awarded, at the parent's level."""
    cycle = nomination.cycle
    problems = []
    if nomination.status != S.PUBLISHED or cycle.phase not in (P.PUBLISHED, P.CLOSED):
        problems.append(Problem("not_published", _("The results of this cycle are not published.")))
    level = nomination.award_level
    if level is None:
        return [*problems, Problem("not_awarded", _("This nomination received no award."))]
    if not parent.promotion_min_award_level:
        return problems
    lowest = cycle.award_levels.filter(code=parent.promotion_min_award_level).first()
    if lowest is None:
        problems.append(
            Problem(
                "unknown_level",
                _("%(parent)s takes award level “%(code)s” and above; this cycle has none.")
                % {"parent": parent.name, "code": parent.promotion_min_award_level},
            )
        )
    elif level.min_score < lowest.min_score:
        problems.append(
            Problem(
                "below_level",
                _(
                    "%(parent)s takes the %(lowest)s and above; this nomination received the "
                    "%(level)s."
                )
                % {"parent": parent.name, "lowest": lowest.name, "level": level.name},
            )
        )
    return problems


def _parent_problems(nomination: Nomination, parent: Cycle) -> list[Problem]:
    """The parent's state: taking nominations, with room in its quota."""
    problems = []
    if parent.phase != P.NOMINATING:
        problems.append(
            Problem(
                "parent_not_nominating",
                _("%(parent)s is not taking nominations.") % {"parent": parent.name},
            )
        )
    if parent.promotion_quota is not None:
        taken = Nomination.objects.filter(cycle=parent, origin__cycle=nomination.cycle).count()
        if taken >= parent.promotion_quota:
            problems.append(
                Problem(
                    "quota_full",
                    ngettext(
                        "%(parent)s takes %(n)d nomination from each cycle; that quota is full.",
                        "%(parent)s takes %(n)d nominations from each cycle; that quota is full.",
                        parent.promotion_quota,
                    )
                    % {"parent": parent.name, "n": parent.promotion_quota},
                )
            )
    return problems


def _fit_problems(
    nomination: Nomination, parent: Cycle, category: Category | None
) -> list[Problem]:
    """Whether the nomination fits the parent: its unit, a category, the
    statements its rubric asks for."""
    problems = []
    if parent.scope_unit_id is not None:
        units = set(nomination.nominees.values_list("employee__org_unit_id", flat=True))
        inside = set(
            orgunit_subtree(unit=parent.scope_unit_id)
            .filter(pk__in=units)
            .values_list("pk", flat=True)
        )
        if units - inside:
            problems.append(
                Problem(
                    "outside_scope",
                    _("A nominee is outside the org unit %(parent)s is for.")
                    % {"parent": parent.name},
                )
            )
    chosen = category or promotion_category(nomination, parent)
    if chosen is None:
        problems.append(
            Problem(
                "no_category",
                _("%(parent)s has no category “%(code)s”; choose one of its categories.")
                % {"parent": parent.name, "code": nomination.category.code},
            )
        )
    elif not chosen.team and nomination.nominees.count() > 1:
        problems.append(
            Problem(
                "not_team_category",
                _("“%(category)s” is for one person; choose a team category for a team.")
                % {"category": chosen.name},
            )
        )
    asked = set(parent.rubric.criteria.filter(asks_statement=True).values_list("code", flat=True))
    given = {c for c, text in (nomination.psm_statements or {}).items() if str(text).strip()}
    if asked - given:
        problems.append(
            Problem(
                "statements_missing",
                _("%(parent)s asks for statements this nomination lacks: %(codes)s.")
                % {"parent": parent.name, "codes": ", ".join(sorted(asked - given))},
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
    where it was promoted or why it cannot be now. ``categories``: the
    parent's, to choose from where none has the nomination's code."""
    awarded = (
        cycle.nominations.filter(status=S.PUBLISHED, award_level__isnull=False)
        .select_related("cycle__parent__rubric", "category", "award_level")
        .prefetch_related("nominees__employee")
        .order_by("-award_level__min_score", "title")
    )
    parent = cycle.parent
    targets = (
        {n.origin_id: n for n in Nomination.objects.filter(cycle=parent, origin__cycle=cycle)}
        if parent
        else {}
    )
    parent_categories = list(parent.categories.all()) if parent else []
    rows = []
    for item in awarded:
        target = targets.get(item.pk)
        problems = [] if target else promotion_problems(item)
        rows.append(
            Candidate(
                nomination=item,
                target=target,
                problems=problems,
                categories=(
                    parent_categories if any(p.code == "no_category" for p in problems) else []
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
