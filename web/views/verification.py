"""Field verification in the browser (DESIGN §3.11 item 4): the round's
overview and each nomination's claims for the secretariat and the chair;
the verifier's checklist, made for a phone on site (``review.scoring``
sends a field round's assignment here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nominations import services, verification
from nominations.models import Assignment, ClaimCheck, Nomination, Round
from nominations.selectors import assignment_get, reviewer_view
from web.helpers import flash_errors, form_id, not_found_as_404, status_labels
from web.views.rounds import _cycle


def _labels() -> dict[str, str]:
    return {
        "claims": _("Claims"),
        "text": _("Claim"),
        "items": _("Findings"),
        "claim": _("Claim"),
        "file": _("File"),
    }


def _field_round(request, pk, round_pk):
    cycle, manage = _cycle(request, pk)
    found = Round.objects.filter(cycle=cycle, pk=round_pk, kind=Round.Kind.FIELD).first()
    if found is None:
        raise Http404
    return cycle, manage, found


def _claim_items(text: str, rows: list[verification.ClaimRow]) -> list[dict]:
    """The checklist typed one claim a line; a line equal to an existing
    claim keeps that claim (and what was found of it)."""
    free: dict[str, int] = {}
    for row in rows:
        free.setdefault(row.claim.text, row.claim.pk)
    items: list[dict] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        pk = free.pop(line, None)
        items.append({"id": pk, "text": line} if pk else {"text": line})
    return items


def _set_claims(request, nomination_id: int, rows) -> None:
    with flash_errors(request, _labels()):
        services.claims_set(
            nomination_id=nomination_id,
            actor=request.user,
            claims=_claim_items(request.POST.get("claims", ""), rows),
        )
        messages.success(request, _("The claims are saved."))


@login_required
def overview(request, pk, round_pk):
    """The round's nominations with their claims, verifiers and findings."""
    cycle, manage, found = _field_round(request, pk, round_pk)
    nominations = list(
        Nomination.objects.filter(Q(round=found) | Q(round_results__round=found))
        .distinct()
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(round=found).select_related("member__employee"),
                to_attr="verifiers",
            )
        )
        .order_by("category__code", "title")
    )
    summaries = verification.round_summaries(found, [n.pk for n in nominations])
    return render(
        request,
        "web/cycles/verification.html",
        {
            "cycle": cycle,
            "manage": manage,
            "round": found,
            "rows": [(n, summaries.get(n.pk, verification.Summary())) for n in nominations],
            "labels": status_labels(),
        },
    )


@login_required
def claims(request, pk, round_pk, nomination_pk):
    """One nomination's claims with every finding and file; the secretariat
    sets the checklist here (one claim a line) until a verifier submits."""
    cycle, manage, found = _field_round(request, pk, round_pk)
    nomination = (
        Nomination.objects.filter(pk=nomination_pk, cycle=cycle)
        .filter(Q(round=found) | Q(round_results__round=found))
        .first()
    )
    if nomination is None:
        raise Http404
    rows = verification.checklist(nomination.pk, found)
    if request.method == "POST":
        if not manage:
            raise Http404
        _set_claims(request, nomination.pk, rows)
        return redirect("web-claims", cycle.pk, found.pk, nomination.pk)
    summary = verification.round_summaries(found, [nomination.pk]).get(
        nomination.pk, verification.Summary()
    )
    submitted = nomination.assignments.filter(
        round=found, status=Assignment.Status.SUBMITTED
    ).exists()
    editable = (
        manage
        and nomination.round_id == found.pk
        and nomination.status == Nomination.Status.IN_REVIEW
        and not submitted
    )
    return render(
        request,
        "web/cycles/claims.html",
        {
            "cycle": cycle,
            "round": found,
            "nomination": nomination,
            "rows": rows,
            "summary": summary,
            "editable": editable,
            "manage": manage,
            "draft": "\n".join(r.claim.text for r in rows)
            or "\n".join(verification.claims_proposed(nomination.impact)),
        },
    )


def verify(request, assignment: Assignment):
    """The verifier's checklist: each claim verified, partly verified or not
    verified, with a note and photos; the claims can be set or changed
    here until the verification is submitted."""
    rows = verification.checklist(
        assignment.nomination_id, assignment.round, assignment_id=assignment.pk
    )
    locked = assignment.status == Assignment.Status.SUBMITTED
    if request.method == "POST" and not locked:
        if request.POST.get("action") == "claims":
            _set_claims(request, assignment.nomination_id, rows)
            return redirect("web-review", assignment.pk)
        checks = [
            {
                "claim": row.claim.pk,
                "outcome": request.POST.get(f"outcome-{row.claim.pk}", ""),
                "note": request.POST.get(f"note-{row.claim.pk}", "").strip(),
            }
            for row in rows
            if request.POST.get(f"outcome-{row.claim.pk}")
        ]
        submit = request.POST.get("action") == "submit"
        with flash_errors(request, _labels()):
            services.verification_save(
                assignment_id=assignment.pk, actor=request.user, items=checks, submit=submit
            )
            messages.success(request, _("Verification submitted.") if submit else _("Draft saved."))
        return redirect("web-review", assignment.pk)
    view = reviewer_view(user=request.user, assignment=assignment)
    mine = [(row, row.mine(assignment.pk)) for row in rows]
    found = [f.outcome for _row, f in mine if f and f.outcome]
    return render(
        request,
        "web/review/verify.html",
        {
            "assignment": assignment,
            "item": view["nomination"],
            "rows": mine,
            "outcomes": ClaimCheck.Outcome.choices,
            "score": verification.review_score(found) if rows and len(found) == len(rows) else None,
            "locked": locked,
            "draft": "\n".join(r.claim.text for r in rows)
            or "\n".join(verification.claims_proposed(view["nomination"].impact)),
        },
    )


@login_required
@require_POST
@not_found_as_404
def verify_file(request, pk):
    """A photo or document for a claim, from the verifier's checklist."""
    assignment = assignment_get(user=request.user, pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file first."))
    else:
        with flash_errors(request, _labels()):
            services.check_file_add(
                assignment_id=assignment.pk,
                claim_id=form_id(request.POST.get("claim")) or 0,
                actor=request.user,
                upload=upload,
            )
            messages.success(request, _("The file is added."))
    claim = form_id(request.POST.get("claim")) or ""
    return redirect(f"{reverse('web-review', args=[assignment.pk])}#claim-{claim}")


@login_required
@require_POST
@not_found_as_404
def verify_file_delete(request, pk, file_pk):
    assignment = assignment_get(user=request.user, pk=pk)
    with flash_errors(request):
        services.check_file_delete(assignment_id=assignment.pk, file_id=file_pk, actor=request.user)
        messages.success(request, _("The file is removed."))
    return redirect("web-review", assignment.pk)
