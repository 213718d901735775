"""Supervisors: my team, nominations in steps, evidence, submit, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFoundError
from nominations import services
from nominations.listing import FIELDS, nomination_payloads
from nominations.models import Category, Evidence
from nominations.selectors import cycle_list, nomination_get, nomination_scope
from people.selectors import employee_reporting_line, employee_search, user_employee
from web.forms import InnovationForm, ReasonForm, StatementsForm, WhoForm
from web.helpers import (
    back,
    confirmed,
    criteria_names,
    error_messages,
    flash_errors,
    form_errors_from,
    form_id,
    keyset_page,
    not_found_as_404,
)

STEPS = ["who", "innovation", "psm", "evidence", "review"]
STEP_LABELS = {
    "who": gettext_lazy("Nominees and category"),
    "innovation": gettext_lazy("Innovation"),
    "psm": gettext_lazy("Statements on public service motivation"),
    "evidence": gettext_lazy("Evidence"),
    "review": gettext_lazy("Check and submit"),
}


def _me(request):
    employee = user_employee(request.user)
    if employee is None:
        raise Http404
    return employee


def _team(employee):
    return employee_reporting_line(employee=employee).select_related("org_unit").order_by("name")


def _team_page(request, employee):
    """A page of my reporting line, by name (50 at a time: a head of a
    directorate-general has tens of thousands below them)."""
    return keyset_page(request, _team(employee), ("name", "id"))


@login_required
def team(request):
    """My reporting line and the nominations I made."""
    me = _me(request)
    made = list(
        nomination_scope(user=request.user)
        .filter(nominator=me)
        .select_related("cycle", "category")
        .prefetch_related("nominees__employee")
        .order_by("-updated_at")
    )
    return render(
        request,
        "web/supervisor/team.html",
        {
            "team": _team_page(request, me),
            "made": made,
            "open_cycles": cycle_list().filter(phase="nominating").exists(),
        },
    )


def _categories():
    return (
        Category.objects.filter(cycle__in=cycle_list().filter(phase="nominating"))
        .select_related("cycle")
        .order_by("cycle_id", "id")
    )


def _steps_context(nomination, current):
    return {
        "steps": [(s, STEP_LABELS[s]) for s in STEPS],
        "current": current,
        "nomination": nomination,
    }


PICKER_RESULTS = 20


def _who(request, me, categories, initial) -> tuple[WhoForm, dict]:
    """Step 1's form and its nominee picker. A POST with ``add``, ``remove``
    or ``action=search`` (the picker's buttons, or htmx as one types) only
    shows the form again with the change; any other POST is the form to
    save (bound, so that its errors show)."""
    team = _team(me)
    values = request.POST if request.method == "POST" else None
    picking = values is not None and (
        values.get("action") in ("search", "refresh") or "add" in values or "remove" in values
    )
    raw = initial if values is None else values
    ids = initial.get("nominees", []) if values is None else values.getlist("nominees")
    if values is not None and not picking:
        form = WhoForm(values, categories=categories, team=team)
    else:
        form = WhoForm(initial={"category": raw.get("category")}, categories=categories, team=team)
    # Changing the category shows or hides the choice of a lead.
    form.fields["category"].widget.attrs.update(
        {
            "hx-post": request.path,
            "hx-trigger": "change",
            "hx-include": "closest form",
            "hx-vals": '{"action": "refresh"}',
            "hx-target": "#chosen",
            "hx-select": "#chosen",
            "hx-swap": "outerHTML",
        }
    )
    chosen_ids = list(dict.fromkeys(n for n in map(form_id, ids) if n))
    if values is not None:
        if (add := form_id(values.get("add"))) and add not in chosen_ids:
            chosen_ids.append(add)
        if remove := form_id(values.get("remove")):
            chosen_ids = [n for n in chosen_ids if n != remove]
    by_id = team.select_related("org_unit").in_bulk(chosen_ids)
    q = (values or request.GET).get("q", "").strip()
    found = employee_search(team, q, wide=True).order_by("name", "pk") if q else None
    results = list(found[: PICKER_RESULTS + 1]) if found is not None else None
    category = next((c for c in categories if str(c.pk) == str(raw.get("category"))), None)
    lead = form_id(raw.get("lead"))
    return form, {
        "form": form,
        "chosen": [by_id[n] for n in chosen_ids if n in by_id],
        "chosen_ids": set(chosen_ids),
        "team_category": category is not None and category.team,
        "lead": lead if lead in chosen_ids else (chosen_ids[0] if chosen_ids else None),
        "q": q,
        "results": results[:PICKER_RESULTS] if results is not None else None,
        "more": results is not None and len(results) > PICKER_RESULTS,
        "picking": picking,
    }


def _who_page(request, context):
    if request.htmx and context["picking"]:
        return render(request, "web/supervisor/_picker.html", context)
    return render(request, "web/supervisor/step_who.html", context)


@login_required
def nomination_new(request):
    """Step 1 of a new nomination: category and nominees; saves a draft."""
    me = _me(request)
    categories = list(_categories())
    form, context = _who(request, me, categories, {})
    if request.method == "POST" and not context["picking"] and form.is_valid():
        category = next(c for c in categories if c.pk == form.cleaned_data["category"])
        try:
            nomination = services.nomination_create(
                nominator=me,
                cycle=category.cycle,
                category=category,
                nominees=form.cleaned_data["nominees"],
                lead=form.cleaned_data["lead"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("web-nomination-step", nomination.pk, "innovation")
    return _who_page(
        request, {**context, "no_cycle": not categories, **_steps_context(None, "who")}
    )


@login_required
@not_found_as_404
def nomination_step(request, pk, step):
    """Steps 1–5 of a draft; each valid step saves the draft."""
    if step not in STEPS:
        raise Http404
    me = _me(request)
    nomination = nomination_get(user=request.user, pk=pk)
    if nomination.nominator_id != me.pk:
        raise Http404
    if nomination.status != "draft":
        return redirect("web-nomination", pk)
    context = _steps_context(nomination, step)
    return STEP_VIEWS[step](request, nomination, me, context)


def _step_who(request, nomination, me, context):
    categories = [c for c in _categories() if c.cycle_id == nomination.cycle_id]
    nominees = list(nomination.nominees.all())
    initial = {
        "category": nomination.category_id,
        "nominees": [n.employee_id for n in nominees],
        "lead": next((n.employee_id for n in nominees if n.is_lead), None),
    }
    form, picker = _who(request, me, categories, initial)
    if request.method == "POST" and not picker["picking"] and form.is_valid():
        saved = _save(
            request,
            form,
            nomination,
            "innovation",
            category=next(c for c in categories if c.pk == form.cleaned_data["category"]),
            nominees=form.cleaned_data["nominees"],
            lead=form.cleaned_data["lead"],
        )
        if saved:
            return saved
    return _who_page(request, {**picker, **context})


def _step_innovation(request, nomination, me, context):
    fields = ("title", "problem", "solution", "impact", "started_on")
    form = InnovationForm(request.POST or None, initial={f: getattr(nomination, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, nomination, "psm", **form.cleaned_data)
        if saved:
            return saved
    return render(request, "web/supervisor/step_form.html", {"form": form, **context})


def _step_psm(request, nomination, me, context):
    criteria = list(nomination.cycle.rubric.criteria.filter(asks_statement=True))
    form = StatementsForm(
        request.POST or None, initial=nomination.psm_statements or {}, criteria=criteria
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, nomination, "evidence", psm_statements=form.cleaned_data)
        if saved:
            return saved
    return render(request, "web/supervisor/step_form.html", {"form": form, **context})


def _step_evidence(request, nomination, me, context):
    return render(
        request,
        "web/supervisor/step_evidence.html",
        {"evidence": Evidence.objects.filter(nomination=nomination), **context},
    )


def _step_review(request, nomination, me, context):
    return render(
        request,
        "web/supervisor/step_review.html",
        {
            "item": _payload(request, nomination),
            "missing": services.nomination_missing(nomination=nomination),
            "criteria_names": criteria_names(nomination.cycle),
            **context,
        },
    )


STEP_VIEWS = {
    "who": _step_who,
    "innovation": _step_innovation,
    "psm": _step_psm,
    "evidence": _step_evidence,
    "review": _step_review,
}


def _save(request, form, nomination, next_step, **fields):
    """Save the draft through the service; errors go beside the fields."""
    try:
        services.nomination_update(nomination=nomination, actor=request.user, **fields)
    except ValidationError as error:
        form_errors_from(form, error)
        return None
    except NotFoundError:
        raise Http404 from None
    except ApplicationError as error:
        form.add_error(None, error.message)
        return None
    messages.success(request, _("Draft saved."))
    return redirect("web-nomination-step", nomination.pk, next_step)


def _payload(request, nomination):
    rows = list(nomination_scope(user=request.user).filter(pk=nomination.pk).values(*FIELDS))
    return nomination_payloads(rows, user=request.user)[0]


@login_required
@require_POST
@not_found_as_404
def evidence_upload(request, pk):
    """Upload one or more files; each is accepted or refused on its own, with
    its reason (htmx answers the evidence list fragment)."""
    nomination = nomination_get(user=request.user, pk=pk)
    results = []
    for upload in request.FILES.getlist("files"):
        try:
            services.evidence_add(nomination=nomination, actor=request.user, upload=upload)
        except NotFoundError:
            raise Http404 from None
        except (ValidationError, ApplicationError) as error:
            results.append((upload.name, error_messages(error)))
        else:
            results.append((upload.name, []))
    if not results:
        results.append(("", [_("Choose at least one file.")]))
    context = {
        "nomination": nomination,
        "evidence": Evidence.objects.filter(nomination=nomination),
        "results": results,
    }
    if request.htmx:
        return render(request, "web/supervisor/_evidence.html", context)
    for name, texts in results:
        for text in texts:
            messages.error(request, f"{name}: {text}")
    return redirect("web-nomination-step", pk, "evidence")


@login_required
@require_POST
@not_found_as_404
def evidence_delete(request, pk, evidence_pk):
    nomination = nomination_get(user=request.user, pk=pk)
    item = Evidence.objects.filter(nomination=nomination, pk=evidence_pk).first()
    if item is None:
        raise Http404
    with flash_errors(request):
        services.evidence_delete(item=item, actor=request.user)
    if request.htmx:
        return render(
            request,
            "web/supervisor/_evidence.html",
            {"nomination": nomination, "evidence": Evidence.objects.filter(nomination=nomination)},
        )
    return redirect("web-nomination-step", pk, "evidence")


@login_required
@require_POST
@not_found_as_404
def nomination_submit(request, pk):
    nomination = nomination_get(user=request.user, pk=pk)
    if not confirmed(request):
        return redirect("web-nomination-step", pk, "review")
    try:
        services.nomination_submit(nomination_id=nomination.pk, actor=request.user)
    except NotFoundError:
        raise Http404 from None
    except (ValidationError, ApplicationError) as error:
        for text in error_messages(error):
            messages.error(request, text)
        return redirect("web-nomination-step", pk, "review")
    messages.success(request, _("Submitted. The nominees have been told."))
    return redirect("web-nomination", pk)


@login_required
@not_found_as_404
def nomination_detail(request, pk):
    nomination = nomination_get(user=request.user, pk=pk)
    me = user_employee(request.user)
    mine = me is not None and nomination.nominator_id == me.pk
    item = _payload(request, nomination)
    # Where a promoted nomination comes from, and where this one went: named
    # for those who may see both (its nominator, the secretariat).
    related = mine or request.user.has_perm("nominations.manage_cycle")
    return render(
        request,
        "web/supervisor/detail.html",
        {
            "item": item,
            "nomination": nomination,
            "origin": nomination.origin if item["origin"] else None,
            "promotions": nomination.promotions.select_related("cycle") if related else [],
            "related": related,
            "mine": mine,
            "criteria_names": criteria_names(nomination.cycle),
            "level_names": {lv.code: lv.name for lv in nomination.cycle.award_levels.all()},
            "withdraw_form": ReasonForm(),
        },
    )


@login_required
@require_POST
@not_found_as_404
def nomination_withdraw(request, pk):
    nomination = nomination_get(user=request.user, pk=pk)
    with flash_errors(request):
        services.nomination_withdraw(
            nomination_id=nomination.pk, actor=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("The nomination is withdrawn."))
    return back(request, "web-nomination", pk)
