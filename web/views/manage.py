"""The secretariat's certificates and webhooks; HR's incentives and career export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from certificates import services as certificate_services
from certificates.selectors import certificate_get, certificate_list
from core.csv import csv_response
from core.errors import ApplicationError
from nominations.selectors import cycle_list
from people.selectors import career_cursor, career_feed
from rewards import services as reward_services
from rewards.selectors import (
    incentive_get,
    incentive_list,
    incentive_policy,
    webhook_delivery_list,
    webhook_endpoint_list,
)
from web.context_processors import roles_for
from web.helpers import (
    back,
    confirmed,
    error_messages,
    flash_errors,
    form_id,
    not_found_as_404,
)


def _require(request, role):
    if not roles_for(request).get(role):
        raise Http404


# --- certificates (secretariat) -------------------------------------------------------


@login_required
def certificates(request):
    _require(request, "secretariat")
    items = certificate_list(user=request.user).select_related("recipient").order_by("-id")
    cycle = request.GET.get("cycle", "")
    status = request.GET.get("status", "")
    if cycle.isdigit():
        items = items.filter(nomination__cycle_id=int(cycle))
    if status:
        items = items.filter(status=status)
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/manage/certificates.html",
        {
            "page": page,
            "cycles": cycle_list().prefetch_related(None).order_by("-created_at"),
            "cycle": cycle,
            "status": status,
        },
    )


@login_required
@require_POST
@not_found_as_404
def certificate_action(request, pk, action):
    _require(request, "secretariat")
    certificate = certificate_get(user=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    if action not in ("revoke", "reissue"):
        raise Http404
    if not confirmed(request):
        return back(request, "web-certificates")
    with flash_errors(request):
        if action == "revoke":
            certificate_services.certificate_revoke(
                certificate_id=certificate.pk, actor=request.user, reason=reason
            )
            messages.success(
                request, _("Certificate %(serial)s revoked.") % {"serial": certificate.serial}
            )
        elif action == "reissue":
            new = certificate_services.certificate_reissue(
                certificate_id=certificate.pk, actor=request.user, reason=reason
            )
            messages.success(request, _("Re-issued as %(serial)s.") % {"serial": new.serial})
    return back(request, "web-certificates")


# --- webhooks (secretariat) --------------------------------------------------------------


@login_required
def webhooks(request):
    _require(request, "secretariat")
    values = {"url": "", "description": ""}
    errors: list[str] = []
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in values}
        try:
            endpoint = reward_services.webhook_endpoint_save(
                actor=request.user, url=values["url"], description=values["description"]
            )
        except (ValidationError, ApplicationError) as error:
            errors = error_messages(error)
        else:
            messages.success(request, _("Endpoint added. Give its secret to the receiver."))
            return redirect("web-webhook", endpoint.pk)
    return render(
        request,
        "web/manage/webhooks.html",
        {
            "endpoints": webhook_endpoint_list(user=request.user),
            "values": values,
            "errors": errors,
        },
    )


@login_required
def webhook(request, pk):
    _require(request, "secretariat")
    endpoint = webhook_endpoint_list(user=request.user).filter(pk=pk).first()
    if endpoint is None:
        raise Http404
    if request.method == "POST":
        with flash_errors(request):
            reward_services.webhook_endpoint_save(
                actor=request.user,
                endpoint=endpoint,
                url=endpoint.url,
                description=endpoint.description,
                active=request.POST.get("active") == "on",
            )
            messages.success(request, _("Saved."))
        return redirect("web-webhook", pk)
    page = Paginator(webhook_delivery_list(user=request.user, endpoint_id=pk), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "web/manage/webhook.html", {"endpoint": endpoint, "page": page})


# --- incentives (HR) -------------------------------------------------------------------


@login_required
def incentives(request):
    _require(request, "hr")
    cycles = list(cycle_list().prefetch_related(None).order_by("-created_at"))
    chosen = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if str(c.pk) == chosen), cycles[0] if cycles else None)
    status = request.GET.get("status", "pending")
    items = incentive_list(user=request.user).order_by("employee__name", "kind")
    if cycle:
        items = items.filter(cycle=cycle)
    if status:
        items = items.filter(status=status)
    return render(
        request,
        "web/manage/incentives.html",
        {
            "cycles": cycles,
            "cycle": cycle,
            "status": status,
            "items": items,
            "policy": incentive_policy(cycle=cycle) if cycle else None,
        },
    )


@login_required
@require_POST
def incentives_bulk(request):
    """Approve or reject the ticked records (or every one awaiting approval in
    the cycle) at once; the outcome of each is listed."""
    _require(request, "hr")
    action = request.POST.get("action", "")
    visible = incentive_list(user=request.user)
    if request.POST.get("all"):
        ids = list(
            visible.filter(cycle_id=form_id(request.POST.get("cycle")) or 0, status="pending")
            .order_by("employee__name", "kind")
            .values_list("pk", flat=True)
        )
    else:
        ids = [n for n in (form_id(v) for v in request.POST.getlist("ids")) if n]
    if not ids:
        messages.error(request, _("Tick the records to decide first."))
        return back(request, "web-incentives")
    try:
        results = reward_services.incentives_decide_many(
            ids=ids, action=action, actor=request.user, reason=request.POST.get("reason", "")
        )
    except (ValidationError, ApplicationError) as exc:
        for text in error_messages(exc):
            messages.error(request, text)
        return back(request, "web-incentives")
    names = {
        r.pk: f"{r.employee.name} ({r.get_kind_display()})"
        for r in visible.filter(pk__in=ids).select_related("employee")
    }
    done = [r for r in results if r["error"] is None]
    if done:
        messages.success(
            request,
            ngettext("%(n)d record approved.", "%(n)d records approved.", len(done))
            % {"n": len(done)}
            if action == "approve"
            else ngettext("%(n)d record rejected.", "%(n)d records rejected.", len(done))
            % {"n": len(done)},
        )
    for r in results:
        if r["error"] is not None:
            messages.error(request, f"{names.get(r['id'], r['id'])}: {r['error']}")
    return back(request, "web-incentives")


@login_required
@require_POST
@not_found_as_404
def incentive_action(request, pk, action):
    _require(request, "hr")
    record = incentive_get(user=request.user, pk=pk)
    reason = request.POST.get("reason", "")
    error = None
    try:
        if action == "approve":
            reward_services.incentive_approve(
                record_id=record.pk, actor=request.user, reason=reason
            )
        elif action == "reject":
            reward_services.incentive_reject(record_id=record.pk, actor=request.user, reason=reason)
        else:
            raise Http404
    except (ValidationError, ApplicationError) as exc:
        error = " ".join(error_messages(exc))
    record = incentive_get(user=request.user, pk=pk)
    if request.htmx:
        return render(
            request,
            "web/manage/_incentive_row.html",
            {
                "r": record,
                "error": error,
                "policy": incentive_policy(cycle=record.cycle),
                "oob": True,
            },
        )
    if error:
        messages.error(request, error)
    return back(request, "web-incentives")


CAREER_EXPORT_COLUMNS = [
    "cursor",
    "id",
    "nip",
    "name",
    "unit",
    "kind",
    "amount",
    "amount_unit",
    "cycle",
    "nomination",
    "award_level",
    "reference",
    "created_at",
]


@login_required
def career_export(request):
    """Every career event as CSV (HR), in the feed's order."""
    _require(request, "hr")

    def rows():
        for e in career_feed().iterator(chunk_size=2000):
            source = e.source or {}
            yield [
                career_cursor(e),
                e.pk,
                e.employee.nip,
                e.employee.name,
                e.employee.org_unit.code,
                e.kind,
                e.amount,
                e.unit,
                source.get("cycle", ""),
                source.get("nomination", ""),
                source.get("award_level", ""),
                e.reference,
                e.created_at.isoformat(),
            ]

    return csv_response(
        f"career-events-{timezone.localdate():%Y%m%d}.csv", CAREER_EXPORT_COLUMNS, rows()
    )
