"""Selectors of nomination rows, fast: a page's rows and their nested
rows in plain queries, as plain dicts in the shape of
``api.serializers.NominationSerializer`` (kept for the OpenAPI schema).

The API (list and detail) and the web pages (the staff's, the supervisor's
and the oversight lists) read nominations through this module, so their
answers cannot drift apart. DRF's per-field serializer machinery cost more
than the queries themselves on a 50-row page (bench/listing.py).
``tests/nominations/test_listing.py`` checks the rows against the serializer
field by field.
"""

from __future__ import annotations

import json
from collections import defaultdict

from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core import i18n
from core.db import fetch_prepared
from core.types import Viewer
from nominations import selectors
from nominations.models import Evidence, Nomination, Nominee, RoundResult

FIELDS = (
    "id",
    "cycle_id",
    "category_id",
    "category__code",
    "category__name_id",
    "category__name_en",
    "category__team",
    "status",
    "nominator_id",
    "nominator__name",
    "title",
    "problem",
    "solution",
    "impact",
    "started_on",
    "psm_statements",
    "submitted_at",
    "screening_reason",
    "created_at",
    "updated_at",
    "decided_at",
    "award_level__code",
    "decision_rationale",
    "decision_override",
    "origin_id",
    "origin__cycle_id",
    "origin__award_level__code",
    "round_id",
)


def _iso(value, tz=None):
    """As DRF renders a datetime: in the current time zone, ``Z`` for UTC."""
    if value is None:
        return None
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# The page's nominees (kind 1), evidence (kind 2) and round results (kind 3) in one query.
_NESTED_SQL = """
SELECT 1, x.nomination_id, e.id, e.nip, e.name, u.name, NULL, NULL::bigint,
       NULL::timestamptz, x.is_lead, x.id
  FROM nominations_nominee x
  JOIN people_employee e ON e.id = x.employee_id
  JOIN people_orgunit u ON u.id = e.org_unit_id
 WHERE x.nomination_id = ANY(%(ids)s)
UNION ALL
SELECT 2, v.nomination_id, v.id, v.original_name, v.content_type, v.sha256, NULL, v.size,
       v.uploaded_at, NULL, v.id
  FROM nominations_evidence v
 WHERE v.nomination_id = ANY(%(ids)s)
UNION ALL
SELECT 3, r.nomination_id, r.round_id, r.outcome, r.score::text, NULL, NULL, NULL,
       NULL, NULL, d.position
  FROM nominations_roundresult r
  JOIN nominations_round d ON d.id = r.round_id
 WHERE r.nomination_id = ANY(%(ids)s)
 ORDER BY 1, 2, 10 DESC NULLS LAST, 11
"""


def with_nested(rows: list[dict]) -> list[dict]:
    """``rows`` (a page of ``.values(*FIELDS)``) with their nominees,
    evidence and round results, in one prepared query on PostgreSQL (else
    ``nomination_payloads`` reads them by the ORM)."""
    if not rows or connection.vendor != "postgresql":
        return rows
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        r["nominees_json"], r["evidence_json"], r["rounds_json"] = [], [], []
    nested = fetch_prepared(_NESTED_SQL, {"ids": list(by_id)})
    for kind, nomination, pk, a, b, c, _d, size, uploaded, lead, _order in nested:
        if kind == 3:
            by_id[nomination]["rounds_json"].append(
                {"round": pk, "status": a, "score": None if b is None else float(b)}
            )
        elif kind == 1:
            by_id[nomination]["nominees_json"].append(
                {"id": pk, "nip": a, "name": b, "org_unit": c, "is_lead": lead}
            )
        else:
            by_id[nomination]["evidence_json"].append(
                {
                    "id": pk,
                    "name": a,
                    "content_type": b,
                    "size": size,
                    "sha256": c,
                    "uploaded_at": uploaded,
                }
            )
    return rows


def _json(value):
    return json.loads(value) if isinstance(value, str | bytes) else value


def _nested_from_rows(rows: list[dict], tz) -> tuple[dict, dict, dict, dict]:
    nominees: dict[int, list[dict]] = {}
    lead: dict[int, int] = {}
    evidence: dict[int, list[dict]] = {}
    results: dict[int, list[dict]] = {}
    prefix = reverse("nomination-list")
    for r in rows:
        r["psm_statements"] = _json(r["psm_statements"])
        people = r["nominees_json"]
        nominees[r["id"]] = people
        for n in people:
            if n["is_lead"]:
                lead[r["id"]] = n["id"]
        items = r["evidence_json"]
        for e in items:
            e["uploaded_at"] = _iso(e["uploaded_at"], tz)
            e["url"] = f"{prefix}/{r['id']}/evidence/{e['id']}"
        evidence[r["id"]] = items
        results[r["id"]] = r["rounds_json"]
    return nominees, lead, evidence, results


def nomination_payloads(rows: list[dict], *, user: Viewer) -> list[dict]:
    """``rows`` come from ``queryset.values(*FIELDS)`` (or ``with_nested``),
    scoped to ``user``; decisions show before publication only to those who
    run the cycle, and who is nominated is hidden from blind reviewers
    (``selectors.identity_hidden``)."""
    tz = timezone.get_current_timezone()
    if rows and "nominees_json" in rows[0]:
        nominees, lead, evidence, results = _nested_from_rows(rows, tz)
    else:
        nominees, lead, evidence, results = _nested_by_query([r["id"] for r in rows], tz)
    decisions_of = selectors.decision_scope(user=user)
    hidden = {
        r["id"]
        for r in rows
        if selectors.identity_hidden(
            user=user,
            nomination_id=r["id"],
            cycle_id=r["cycle_id"],
            nominator_id=r["nominator_id"],
        )
    }
    return [_payload(r, nominees, lead, evidence, results, decisions_of, hidden, tz) for r in rows]


def _nested_by_query(ids: list[int], tz) -> tuple[dict, dict, dict, dict]:
    nominees: dict[int, list[dict]] = defaultdict(list)
    lead: dict[int, int] = {}
    for n in (
        Nominee.objects.filter(nomination_id__in=ids)
        .order_by("-is_lead", "id")
        .values(
            "nomination_id",
            "employee_id",
            "employee__nip",
            "employee__name",
            "employee__org_unit__name",
            "is_lead",
        )
    ):
        nominees[n["nomination_id"]].append(
            {
                "id": n["employee_id"],
                "nip": n["employee__nip"],
                "name": n["employee__name"],
                "org_unit": n["employee__org_unit__name"],
                "is_lead": n["is_lead"],
            }
        )
        if n["is_lead"]:
            lead[n["nomination_id"]] = n["employee_id"]
    prefix = reverse("nomination-list")
    evidence: dict[int, list[dict]] = defaultdict(list)
    for e in (
        Evidence.objects.filter(nomination_id__in=ids)
        .order_by("id")
        .values(
            "id", "nomination_id", "original_name", "content_type", "size", "sha256", "uploaded_at"
        )
    ):
        evidence[e["nomination_id"]].append(
            {
                "id": e["id"],
                "name": e["original_name"],
                "content_type": e["content_type"],
                "size": e["size"],
                "sha256": e["sha256"],
                "uploaded_at": _iso(e["uploaded_at"], tz),
                "url": f"{prefix}/{e['nomination_id']}/evidence/{e['id']}",
            }
        )
    results: dict[int, list[dict]] = defaultdict(list)
    for nomination_id, round_id, outcome, score in (
        RoundResult.objects.filter(nomination_id__in=ids)
        .order_by("round__position")
        .values_list("nomination_id", "round_id", "outcome", "score")
    ):
        results[nomination_id].append(
            {"round": round_id, "status": outcome, "score": None if score is None else float(score)}
        )
    return nominees, lead, evidence, results


def _hide_identity(payload: dict) -> dict:
    """The payload as a blind reviewer sees it: no nominees, no nominator,
    evidence under neutral names."""
    payload["nominees"], payload["lead"], payload["nominator"] = [], None, None
    payload["origin"] = None  # the agency cycle's published result names the nominees
    for number, item in enumerate(payload["evidence"], start=1):
        item["name"] = selectors.evidence_blind_name(item["content_type"], number)
    payload["identity_hidden"] = True
    return payload


def round_rows(current: int | None, status: str, ended: list[dict]) -> list[dict]:
    """The rounds a nomination was in: how it ended each advanced one
    (``ended``), and the one it is in (``in_review``) or was decided in
    (``decided``: the last round, whose outcome is the decision); no score
    for that one."""
    rows = list(ended)
    if current is not None and all(x["round"] != current for x in rows):
        reviewing = status in (Nomination.Status.IN_REVIEW, Nomination.Status.REVIEWED)
        rows.append(
            {"round": current, "status": "in_review" if reviewing else "decided", "score": None}
        )
    return rows


def _payload(r: dict, nominees, lead, evidence, results, decisions_of, hidden, tz) -> dict:
    visible = (
        r["status"] == Nomination.Status.PUBLISHED
        or decisions_of is None
        or r["cycle_id"] in decisions_of
    )
    decision = None
    if visible and r["decided_at"] is not None:
        decision = {
            "award_level": r["award_level__code"],
            "rationale": r["decision_rationale"],
            "override": r["decision_override"],
            "decided_at": _iso(r["decided_at"], tz),
        }
    payload = {
        "id": r["id"],
        "cycle": r["cycle_id"],
        "category": {
            "id": r["category_id"],
            "code": r["category__code"],
            "name": i18n.pick({"id": r["category__name_id"], "en": r["category__name_en"]}),
            "names": {"id": r["category__name_id"], "en": r["category__name_en"]},
            "team": r["category__team"],
        },
        "status": r["status"],
        "nominator": {"id": r["nominator_id"], "name": r["nominator__name"]},
        "nominees": nominees.get(r["id"], []),
        "lead": lead.get(r["id"]),
        "title": r["title"],
        "problem": r["problem"],
        "solution": r["solution"],
        "impact": r["impact"],
        "started_on": r["started_on"].isoformat() if r["started_on"] else None,
        "psm_statements": r["psm_statements"],
        "submitted_at": _iso(r["submitted_at"], tz),
        "screening_reason": r["screening_reason"],
        "evidence": evidence.get(r["id"], []),
        "decision": decision,
        "origin": (
            {
                "cycle": r["origin__cycle_id"],
                "nomination": r["origin_id"],
                "award_level": r["origin__award_level__code"],
            }
            if r["origin_id"] is not None
            else None
        ),
        # Which round a nomination reached tells whether it advanced: like
        # the decision, hidden from the nominator until publication.
        "round": r["round_id"] if visible else None,
        "rounds": round_rows(r["round_id"], r["status"], results.get(r["id"], []))
        if visible
        else [],
        "created_at": _iso(r["created_at"], tz),
        "updated_at": _iso(r["updated_at"], tz),
        "identity_hidden": False,
    }
    return _hide_identity(payload) if r["id"] in hidden else payload
