"""Staff: my nominations, my certificates, my career and rewards."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from certificates.selectors import certificate_list
from nominations.listing import FIELDS, nomination_payloads
from nominations.selectors import award_level_names, nomination_scope
from people.selectors import career_profile_get, user_employee
from people.services import employee_set_public_recognition
from rewards.selectors import incentive_list
from web.helpers import status_labels


def _employee(request):
    employee = user_employee(request.user)
    if employee is None:
        raise Http404
    return employee


@login_required
def my_nominations(request):
    """Nominations naming me, with their status; the decision only once the
    cycle is published (the same rule as the API)."""
    employee = _employee(request)
    rows = list(
        nomination_scope(user=request.user)
        .filter(nominees__employee=employee)
        .exclude(status="draft")
        .select_related("cycle")
        .order_by("-created_at")
        .values(*FIELDS, "cycle__name")
    )
    items = nomination_payloads(rows, user=request.user)
    labels = status_labels()
    levels = award_level_names(cycle_ids={row["cycle_id"] for row in rows})
    for item, row in zip(items, rows, strict=True):
        item["cycle_name"] = row["cycle__name"]
        item["status_label"] = labels.get(item["status"], item["status"])
        if item["decision"] and item["decision"]["award_level"]:
            code = item["decision"]["award_level"]
            item["decision"]["award_name"] = levels.get((row["cycle_id"], code), code)
    return render(request, "web/staff/nominations.html", {"items": items})


@login_required
def my_certificates(request):
    employee = _employee(request)
    certificates = (
        certificate_list(user=request.user)
        .filter(recipient=employee)
        .select_related("nomination__category")
        .order_by("-id")
    )
    return render(request, "web/staff/certificates.html", {"certificates": certificates})


@login_required
def my_career(request):
    employee = _employee(request)
    return render(
        request,
        "web/staff/career.html",
        {
            "employee": employee,
            "profile": career_profile_get(employee=employee),
            "incentives": incentive_list(user=request.user)
            .filter(employee=employee)
            .order_by("-id"),
        },
    )


@login_required
@require_POST
def recognition_preference(request):
    """htmx: flip the public-recognition preference; answers the fragment."""
    employee = _employee(request)
    employee_set_public_recognition(
        employee=employee, public=request.POST.get("public_recognition") == "on"
    )
    if request.htmx:
        return render(request, "web/staff/_preference.html", {"employee": employee, "saved": True})
    return redirect("web-my-career")
