"""Fast output for nomination lists: three ``.values()`` queries per page
and plain dicts, in the shape of ``serializers.NominationSerializer``.

DRF's per-field serializer machinery cost more than the queries themselves on
a 50-row page (bench/listing.py); list and detail both use this builder, so
the two answers cannot drift apart. ``tests/nominations/test_payloads.py``
checks it against the serializer field by field.
"""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from nominations.models import Evidence, Nomination, Nominee

FIELDS = (
    "id",
    "cycle_id",
    "category_id",
    "category__code",
    "category__name",
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
)


def _iso(value, tz=None):
    """As DRF renders a datetime: in the current time zone, ``Z`` for UTC."""
    if value is None:
        return None
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def nomination_payloads(rows: list[dict], *, decisions_of: set[int] | None) -> list[dict]:
    """``rows`` come from ``queryset.values(*FIELDS)``; ``decisions_of`` are
    the cycles whose decisions the caller may see before publication (``None``: all)."""
    ids = [r["id"] for r in rows]
    tz = timezone.get_current_timezone()
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
    out = []
    for r in rows:
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
        out.append(
            {
                "id": r["id"],
                "cycle": r["cycle_id"],
                "category": {
                    "id": r["category_id"],
                    "code": r["category__code"],
                    "name": r["category__name"],
                    "team": r["category__team"],
                },
                "status": r["status"],
                "nominator": {"id": r["nominator_id"], "name": r["nominator__name"]},
                "nominees": nominees[r["id"]],
                "lead": lead.get(r["id"]),
                "title": r["title"],
                "problem": r["problem"],
                "solution": r["solution"],
                "impact": r["impact"],
                "started_on": r["started_on"].isoformat() if r["started_on"] else None,
                "psm_statements": r["psm_statements"],
                "submitted_at": _iso(r["submitted_at"], tz),
                "screening_reason": r["screening_reason"],
                "evidence": evidence[r["id"]],
                "decision": decision,
                "created_at": _iso(r["created_at"], tz),
                "updated_at": _iso(r["updated_at"], tz),
            }
        )
    return out
