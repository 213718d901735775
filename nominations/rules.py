"""Permission predicates of the nominations app (django-rules).

Predicates about people (who is the nominator, the chair, an assigned
reviewer) sit beside predicates about state and phase. Object permissions take
a nomination, an assignment or a cycle.
"""

import rules

from people.rules import is_secretariat
from people.selectors import user_employee

from .models import Assignment, Cycle, Nomination, Round


def _employee_id(user):
    employee = user_employee(user)
    return employee.pk if employee else None


@rules.predicate
def is_nominator(user, nomination: Nomination) -> bool:
    return nomination is not None and nomination.nominator_id == _employee_id(user)


@rules.predicate
def is_promotion(user, nomination: Nomination) -> bool:
    """A nomination the secretariat put forward from a lower-level cycle."""
    return nomination is not None and nomination.origin_id is not None


def _cycle_of(obj) -> Cycle | None:
    if isinstance(obj, Cycle):
        return obj
    if isinstance(obj, Nomination):
        return obj.cycle
    if isinstance(obj, Assignment):
        return obj.nomination.cycle
    if isinstance(obj, Round):
        return obj.cycle
    return None


def _holds_seat(user, obj, **seat) -> bool:
    cycle = _cycle_of(obj)
    emp = _employee_id(user)
    if cycle is None or emp is None:
        return False
    return cycle.committee.filter(employee_id=emp, **seat).exists()


@rules.predicate
def is_cycle_chair(user, obj) -> bool:
    return _holds_seat(user, obj, is_chair=True)


@rules.predicate
def is_cycle_deputy_chair(user, obj) -> bool:
    return _holds_seat(user, obj, is_deputy_chair=True)


@rules.predicate
def is_own_assignment(user, assignment: Assignment) -> bool:
    return assignment.member.employee_id == _employee_id(user)


@rules.predicate
def is_round_verifier(user, nomination: Nomination) -> bool:
    """Assigned to the nomination in the round it is in (a field
    verification's verifier), and not found in conflict with it."""
    emp = _employee_id(user)
    return (
        emp is not None
        and nomination.round_id is not None
        and nomination.assignments.filter(
            round_id=nomination.round_id, member__employee_id=emp, conflict=""
        ).exists()
    )


# Who may *see* a nomination is one rule, a query: ``selectors.nomination_scope``
# (every list and detail, API and web, starts from it). The permissions here
# are about acting on a nomination the caller can already see.
rules.add_perm("nominations.change_nomination", is_nominator)
# A promotion is submitted by the secretariat that puts it forward
# (services.promotion); every other nomination by its nominator.
rules.add_perm("nominations.submit_nomination", is_nominator | (is_secretariat & is_promotion))
rules.add_perm("nominations.withdraw_nomination", is_nominator)
rules.add_perm("nominations.screen_nomination", is_secretariat)
# The deputy chair decides what the chair may not (services.results._check_decider).
rules.add_perm("nominations.decide_nomination", is_cycle_chair | is_cycle_deputy_chair)
rules.add_perm("nominations.publish_nomination", is_secretariat)
rules.add_perm("nominations.promote_nomination", is_secretariat)
rules.add_perm("nominations.score_assignment", is_own_assignment)
rules.add_perm("nominations.reopen_assignment", is_cycle_chair)
rules.add_perm("nominations.manage_cycle", is_secretariat)
# A round's shortlist (services.rounds.round_advance): the chair confirms it.
rules.add_perm("nominations.advance_round", is_cycle_chair)
rules.add_perm("nominations.publish_shortlist", is_secretariat)
# Field verification (services.verification): the claims to check.
rules.add_perm("nominations.set_claims", is_secretariat | is_round_verifier)
rules.add_perm(
    "nominations.view_claims",
    is_secretariat | is_cycle_chair | is_cycle_deputy_chair | is_round_verifier,
)
rules.add_perm("nominations.view_ranking", is_secretariat | is_cycle_chair | is_cycle_deputy_chair)
# The audit trail of a nomination or cycle: notes carry screening reasons and
# decision rationales, so only those who run the cycle read it.
rules.add_perm("nominations.view_history", is_secretariat | is_cycle_chair | is_cycle_deputy_chair)
