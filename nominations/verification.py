"""Field verification, the read side (DESIGN §3.11 item 4): a nomination's
impact claims, what the verifiers found, the round's score and the
disqualification rule. The writes are ``services.verification``.

A verifier records each claim as verified (1), partly verified (½) or not
verified (0); their review's score is the mean of those values out of 100,
so the round's score (the mean of the reviews, as in every round) is the
claims' mean over the verifiers. A claim counts as *not verified* when its
mean is 0 (no verifier found any of it), *verified* when it is 1, and
*partly* otherwise. A round with ``max_unverified_claims`` disqualifies a
nomination with more claims not verified than that; until its verifiers
have submitted, nothing is counted.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .models import Assignment, CheckFile, Claim, ClaimCheck, Round

Outcome = ClaimCheck.Outcome
VALUES = {Outcome.VERIFIED: 1.0, Outcome.PARTLY: 0.5, Outcome.NOT_VERIFIED: 0.0}
MAX_CLAIMS = 30
MAX_CLAIM_CHARS = 500


def claims_proposed(impact: str) -> list[str]:
    """A first split of the stated impact into claims: one per line, a
    line of several sentences one per sentence (list bullets dropped)."""
    claims: list[str] = []
    for raw in impact.splitlines():
        line = re.sub(r"^\s*(?:[-*•·]|\d+[.)])\s*", "", raw).strip()
        for part in re.split(r"(?<=[.!?;])\s+(?=[A-Z0-9])", line):
            sentence = part.strip()
            if len(sentence) >= 3:
                claims.append(sentence[:MAX_CLAIM_CHARS])
    return claims[:MAX_CLAIMS]


def review_score(outcomes: list[str]) -> Decimal:
    """A verifier's score out of 100 from their outcomes, one per claim."""
    mean = sum(VALUES[Outcome(o)] for o in outcomes) / len(outcomes)
    return Decimal(str(round(100 * mean, 3)))


def consolidated(values: list[float]) -> str | None:
    """A claim's outcome over its verifiers' values (None: not checked)."""
    if not values:
        return None
    mean = sum(values) / len(values)
    if mean == 0:
        return Outcome.NOT_VERIFIED
    return Outcome.VERIFIED if mean == 1 else Outcome.PARTLY


@dataclass
class Summary:
    """What the submitted verifications found of one nomination's claims."""

    claims: int = 0
    verified: int = 0
    partly: int = 0
    not_verified: int = 0
    # Claims of the nomination, each with its consolidated outcome.
    outcomes: dict[int, str | None] = field(default_factory=dict)
    disqualified: bool = False


def round_summaries(round: Round, nomination_ids: list[int] | None = None) -> dict[int, Summary]:
    """Per nomination of a field round: its claims and what the submitted
    verifications (not flagged for a conflict) found; two queries."""
    claims = Claim.objects.filter(round=round)
    if nomination_ids is not None:
        claims = claims.filter(nomination_id__in=nomination_ids)
    result: dict[int, Summary] = defaultdict(Summary)
    claim_nomination: dict[int, int] = {}
    for claim_id, nomination_id in claims.values_list("pk", "nomination_id"):
        claim_nomination[claim_id] = nomination_id
        result[nomination_id].claims += 1
    values: dict[int, list[float]] = defaultdict(list)
    for claim_id, outcome in (
        ClaimCheck.objects.filter(
            claim__in=list(claim_nomination),
            assignment__status=Assignment.Status.SUBMITTED,
            assignment__conflict="",
        )
        .exclude(outcome="")
        .values_list("claim_id", "outcome")
    ):
        values[claim_id].append(VALUES[Outcome(outcome)])
    for claim_id, nomination_id in claim_nomination.items():
        summary = result[nomination_id]
        found = consolidated(values[claim_id])
        summary.outcomes[claim_id] = found
        if found == Outcome.VERIFIED:
            summary.verified += 1
        elif found == Outcome.PARTLY:
            summary.partly += 1
        elif found == Outcome.NOT_VERIFIED:
            summary.not_verified += 1
    limit = round.max_unverified_claims
    if round.kind == Round.Kind.FIELD and limit is not None:
        for summary in result.values():
            summary.disqualified = summary.not_verified > limit
    return dict(result)


def disqualifies(round: Round) -> bool:
    """The round has a rule that may disqualify nominations."""
    return round.kind == Round.Kind.FIELD and round.max_unverified_claims is not None


def disqualified_ids(round: Round, nomination_ids: list[int] | None = None) -> set[int]:
    """The nominations the round's rule disqualifies (none when it has no rule)."""
    if not disqualifies(round):
        return set()
    return {pk for pk, s in round_summaries(round, nomination_ids).items() if s.disqualified}


# --- what the pages and the API show ----------------------------------------------------------


@dataclass
class Finding:
    """One verifier's finding on a claim, with its files."""

    assignment_id: int
    verifier: str
    outcome: str
    note: str
    submitted: bool
    files: list[CheckFile] = field(default_factory=list)


@dataclass
class ClaimRow:
    claim: Claim
    # The consolidated outcome of the submitted findings (None: none yet).
    outcome: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def mine(self, assignment_id: int) -> Finding | None:
        return next((f for f in self.findings if f.assignment_id == assignment_id), None)


def checklist(
    nomination_id: int, round: Round, *, assignment_id: int | None = None
) -> list[ClaimRow]:
    """The claims of a nomination in a field round, each with the findings
    (only ``assignment_id``'s where given: a verifier sees their own) and
    the consolidated outcome of the submitted ones; three queries."""
    claims = list(Claim.objects.filter(nomination_id=nomination_id, round=round))
    checks = ClaimCheck.objects.filter(claim__in=claims).select_related(
        "assignment__member__employee"
    )
    if assignment_id is not None:
        checks = checks.filter(assignment_id=assignment_id)
    else:  # a verifier found in conflict counts for nothing
        checks = checks.filter(assignment__conflict="")
    files: dict[int, list[CheckFile]] = defaultdict(list)
    for item in CheckFile.objects.filter(claim_check__claim__in=claims).order_by("pk"):
        files[item.claim_check_id].append(item)
    rows = {c.pk: ClaimRow(claim=c) for c in claims}
    for check in checks.order_by("assignment_id"):
        assignment = check.assignment
        rows[check.claim_id].findings.append(
            Finding(
                assignment_id=assignment.pk,
                verifier=assignment.member.employee.name,
                outcome=check.outcome,
                note=check.note,
                submitted=assignment.status == Assignment.Status.SUBMITTED,
                files=files[check.pk],
            )
        )
    for row in rows.values():
        row.outcome = consolidated(
            [VALUES[Outcome(f.outcome)] for f in row.findings if f.submitted and f.outcome]
        )
    return list(rows.values())
