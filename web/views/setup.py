"""Cycle set-up for the secretariat (DESIGN §7.2, the same services as the
API): a new cycle, empty or copied; its dates and rules; categories; award
levels; the committee; the rubric. The set-up page opens with the checklist
of what keeps the cycle from opening."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import i18n
from core.errors import ApplicationError, NotFoundError
from nominations import readiness, services
from nominations.models import AwardLevel, Category, CommitteeMember, Criterion, Cycle
from nominations.selectors import cycle_list
from nominations.services.setup import member_role
from people.selectors import employee_list, employee_search
from rewards.models import KIND_UNITS, IncentiveKind
from rewards.selectors import incentive_policy
from rewards.services import incentive_policy_set
from web import forms
from web.helpers import error_messages, flash_errors, form_errors_from, form_id

P = Cycle.Phase
SEARCH_RESULTS = 20


def _managed(request, pk) -> Cycle:
    cycle = cycle_list().prefetch_related(None).select_related("scope_unit").filter(pk=pk).first()
    if cycle is None or not request.user.has_perm("nominations.manage_cycle", cycle):
        raise Http404
    return cycle


def submit(
    request,
    form,
    call: Callable[[dict], Any],
    done: str,
    labels: dict[str, str] | None = None,
) -> None:
    """Validate ``form``, then run ``call(cleaned_data)``; either's errors
    become messages naming their fields (by ``labels``, else the form's),
    success says ``done``."""
    labels = labels or _form_labels(form)
    if not form.is_valid():
        for field, texts in form.errors.items():
            for text in texts:
                messages.error(request, text if field == "__all__" else f"{labels[field]}: {text}")
        return
    with flash_errors(request, labels):
        call(form.cleaned_data)
        messages.success(request, done)


def _delete(request, call: Callable[[], Any], done: str) -> None:
    with flash_errors(request):
        call()
        messages.success(request, done)


def _form_labels(form) -> dict[str, str]:
    labels = {name: str(field.label) for name, field in form.fields.items()}
    labels.update({"id": labels.get("name_id", ""), "en": labels.get("name_en", "")})
    return labels


def _to(cycle: Cycle, section: str):
    return redirect(f"{reverse('web-setup', args=[cycle.pk])}#{section}")


@login_required
def cycle_new(request):
    if not request.user.has_perm("nominations.manage_cycle"):
        raise Http404
    cycles = cycle_list().prefetch_related(None).order_by("-created_at")
    form = forms.CycleNewForm(request.POST or None, cycles=cycles)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if v is not None and k != "copy_from"}
        source = cycles.filter(pk=form.cleaned_data["copy_from"]).first()
        try:
            cycle = services.cycle_create(copy_from=source, **fields)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The cycle is set up in draft. Check the list below."))
            return redirect("web-setup", cycle.pk)
    return render(
        request, "web/cycles/new.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def setup(request, pk, settings_form=None):
    cycle = _managed(request, pk)
    categories = list(cycle.categories.all())
    members = list(
        cycle.committee.select_related("employee__org_unit").prefetch_related("expertise")
    )
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        seated = {m.employee_id for m in members}
        found = [
            e
            for e in employee_search(employee_list(user=request.user), query).order_by("name")[
                :SEARCH_RESULTS
            ]
            if e.pk not in seated
        ]
    member_rows = [
        {
            "member": m,
            "role": member_role(m),
            "form": forms.CommitteeMemberForm(
                initial={
                    "role": member_role(m),
                    "load_cap": m.load_cap,
                    "expertise": [c.code for c in m.expertise.all()],
                },
                categories=categories,
                prefix=f"m{m.pk}",
            ),
        }
        for m in members
    ]
    criteria = list(cycle.rubric.criteria.all())
    levels = list(cycle.award_levels.all())
    status = 400 if settings_form is not None else 200
    return render(
        request,
        "web/cycles/setup.html",
        {
            "cycle": cycle,
            "manage": True,
            "problems": readiness.cycle_problems(cycle),
            "warnings": readiness.cycle_warnings(cycle),
            "settings": settings_form or forms.CycleSettingsForm(cycle=cycle),
            "categories": categories,
            "levels": levels,
            "incentives": _incentive_rows(cycle, levels),
            "members": member_rows,
            "new_member": forms.CommitteeMemberForm(
                categories=categories, prefix="new", auto_id=False
            ),
            "query": query,
            "found": found,
            "criteria": criteria,
            "weights": sum(c.weight for c in criteria),
            "draft": cycle.phase == P.DRAFT,
            "open": cycle.phase in (P.DRAFT, P.NOMINATING, P.REVIEWING, P.DECIDING),
            "levels_open": cycle.phase in (P.DRAFT, P.NOMINATING, P.REVIEWING),
            "incentives_open": cycle.phase not in (P.PUBLISHED, P.CLOSED),
        },
        status=status,
    )


@login_required
@require_POST
def setup_settings(request, pk):
    cycle = _managed(request, pk)
    form = forms.CycleSettingsForm(request.POST, cycle=cycle)
    if not form.is_valid():
        return setup(request, pk, settings_form=form)
    changes = {
        name: value for name, value in form.cleaned_data.items() if not form.fields[name].disabled
    }
    try:
        services.cycle_update(cycle_id=cycle.pk, **changes)
    except NotFoundError:
        raise Http404 from None
    except ValidationError as error:
        form_errors_from(form, error)
        return setup(request, pk, settings_form=form)
    except ApplicationError as error:
        messages.error(request, error.message)
        return _to(cycle, "settings")
    messages.success(request, _("The dates and rules are saved."))
    return _to(cycle, "settings")


@login_required
@require_POST
def category_add(request, pk):
    cycle = _managed(request, pk)
    form = forms.CategoryForm(request.POST)
    submit(
        request,
        form,
        lambda data: services.category_add(
            cycle=cycle, code=data["code"], names=form.names(), team=data["team"]
        ),
        _("The category is added."),
    )
    return _to(cycle, "categories")


@login_required
@require_POST
def category_change(request, pk, category_pk):
    cycle = _managed(request, pk)
    category = Category.objects.select_related("cycle").filter(cycle=cycle, pk=category_pk).first()
    if category is None:
        raise Http404
    if "delete" in request.POST:
        _delete(
            request,
            lambda: services.category_delete(category=category),
            _("The category is deleted."),
        )
        return _to(cycle, "categories")
    form = forms.CategoryForm(request.POST)
    submit(
        request,
        form,
        lambda data: services.category_update(
            category=category, code=data["code"], names=form.names(), team=data["team"]
        ),
        _("The category is saved."),
    )
    return _to(cycle, "categories")


@login_required
@require_POST
def level_add(request, pk):
    cycle = _managed(request, pk)
    form = forms.AwardLevelForm(request.POST)
    submit(
        request,
        form,
        lambda data: services.award_level_add(
            cycle=cycle,
            code=data["code"],
            names=form.names(),
            min_score=data["min_score"],
            quota=data["quota"],
        ),
        _("The award level is added."),
    )
    return _to(cycle, "levels")


@login_required
@require_POST
def level_change(request, pk, code):
    cycle = _managed(request, pk)
    level = AwardLevel.objects.select_related("cycle").filter(cycle=cycle, code=code).first()
    if level is None:
        raise Http404
    if "delete" in request.POST:
        _delete(
            request,
            lambda: services.award_level_delete(level=level),
            _("The award level is deleted."),
        )
        return _to(cycle, "levels")
    form = forms.AwardLevelForm(request.POST)
    submit(
        request,
        form,
        lambda data: services.award_level_update(
            level=level, names=form.names(), min_score=data["min_score"], quota=data["quota"]
        ),
        _("The award level is saved."),
    )
    return _to(cycle, "levels")


def _incentive_rows(cycle, levels) -> dict:
    """The bonus budget and, per award level, the amount of each kind of
    incentive ("" where the level gives none), for the set-up form."""
    policy = incentive_policy(cycle=cycle)
    units = {"IDR": "Rp", "hours": _("hours"), "points": _("points")}
    kinds = [
        {"code": k.value, "label": k.label, "unit": units.get(KIND_UNITS[k], "")}
        for k in IncentiveKind
    ]
    names = {lv.code: lv.name for lv in levels}
    rows = []
    for code, items in policy["levels"].items():
        given = {item["kind"]: item["amount"] for item in items}
        amounts = [
            {"kind": k["code"], "label": k["label"], "amount": given.get(k["code"], "")}
            for k in kinds
        ]
        rows.append({"code": code, "name": names.get(code, code), "amounts": amounts})
    return {"policy": policy, "kinds": kinds, "rows": rows}


@login_required
@require_POST
def incentives(request, pk):
    """The cycle's bonus budget and the incentives of each award level: an
    amount per kind, blank for none (0 for one without an amount)."""
    cycle = _managed(request, pk)
    published = cycle.phase in (P.PUBLISHED, P.CLOSED)
    form = forms.IncentivesForm(request.POST, levels=list(cycle.award_levels.all()))
    submit(
        request,
        form,
        lambda data: incentive_policy_set(
            cycle_id=cycle.pk,
            actor=request.user,
            bonus_budget=data["bonus_budget"],
            levels=None if published else form.levels(),
        ),
        _("The incentives are saved."),
    )
    return _to(cycle, "incentives")


@login_required
@require_POST
def member_add(request, pk):
    cycle = _managed(request, pk)
    categories = list(cycle.categories.all())
    chosen = form_id(request.POST.get("employee"))
    employee = employee_list(user=request.user).filter(pk=chosen or 0).first()
    form = forms.CommitteeMemberForm(request.POST, categories=categories, prefix="new")
    if employee is None:
        messages.error(request, _("Choose someone from the search results."))
    else:
        submit(
            request,
            form,
            lambda data: services.committee_member_add(
                cycle=cycle,
                employee=employee,
                role=data["role"],
                load_cap=data["load_cap"],
                expertise=[c for c in categories if c.code in data["expertise"]],
            ),
            _("%(name)s is on the committee.") % {"name": employee.name},
        )
    return _to(cycle, "committee")


@login_required
@require_POST
def member_change(request, pk, member_pk):
    cycle = _managed(request, pk)
    member = (
        CommitteeMember.objects.select_related("cycle", "employee")
        .filter(cycle=cycle, pk=member_pk)
        .first()
    )
    if member is None:
        raise Http404
    if "remove" in request.POST:
        _delete(
            request,
            lambda: services.committee_member_remove(member=member),
            _("%(name)s is off the committee.") % {"name": member.employee.name},
        )
        return _to(cycle, "committee")
    categories = list(cycle.categories.all())
    form = forms.CommitteeMemberForm(request.POST, categories=categories, prefix=f"m{member.pk}")
    submit(
        request,
        form,
        lambda data: services.committee_member_update(
            member=member,
            role=data["role"],
            load_cap=data["load_cap"],
            expertise=[c for c in categories if c.code in data["expertise"]],
        ),
        _("The seat of %(name)s is saved.") % {"name": member.employee.name},
    )
    return _to(cycle, "committee")


# --- the rubric editor ----------------------------------------------------------------------

CRITERION_LABELS = {
    "code": _("Code"),
    "names": _("Name"),
    "id": _("Name in Indonesian"),
    "en": _("Name in English"),
    "group": _("Group"),
    "weight": _("Weight"),
    "scale_min": _("Lowest score"),
    "scale_max": _("Highest score"),
    "criteria": _("Criteria"),
}


def _rubric_rows(criteria: list[Criterion], blank: int = 1) -> list[dict]:
    rows: list[dict] = []
    for c in criteria:
        descriptors = {lv["value"]: lv.get("descriptors", {}) for lv in c.levels}
        rows.append(
            {
                "code": c.code,
                "name": c.name,
                "name_id": c.name_id,
                "name_en": c.name_en,
                "group": c.group,
                "weight": c.weight,
                "scale_min": c.scale_min,
                "scale_max": c.scale_max,
                "asks": c.asks_statement,
                "levels": [
                    (v, descriptors.get(v, {}).get("id", ""), descriptors.get(v, {}).get("en", ""))
                    for v in range(c.scale_min, c.scale_max + 1)
                ],
            }
        )
    for _i in range(blank):
        rows.append(
            {
                "code": "",
                "name_id": "",
                "name_en": "",
                "group": "innovation",
                "weight": "",
                "scale_min": 1,
                "scale_max": 5,
                "asks": False,
                "levels": [(v, "", "") for v in range(1, 6)],
                "new": True,
            }
        )
    return rows


def _posted_rubric(post) -> tuple[list[dict], list[dict]]:
    """The criteria as the service takes them, and the rows to show again."""
    specs, rows = [], []
    index = 0
    while f"c{index}-code" in post:
        get = lambda name, i=index: post.get(f"c{i}-{name}", "").strip()  # noqa: E731
        scale_min, scale_max = _small(get("scale_min"), 1), _small(get("scale_max"), 5)
        values = range(scale_min, scale_max + 1) if scale_max - scale_min <= 20 else range(0)
        levels = [(v, get(f"l{v}-id"), get(f"l{v}-en")) for v in values]
        row = {
            "code": get("code"),
            "name": i18n.pick({"id": get("name_id"), "en": get("name_en")}),
            "name_id": get("name_id"),
            "name_en": get("name_en"),
            "group": get("group"),
            "weight": get("weight"),
            "scale_min": scale_min,
            "scale_max": scale_max,
            "asks": bool(post.get(f"c{index}-asks")),
            "levels": levels,
            "new": bool(post.get(f"c{index}-new")),
        }
        index += 1
        blank = not any([row["code"], row["name_id"], row["name_en"], row["weight"]])
        if post.get(f"c{index - 1}-remove") or (row["new"] and blank):
            continue
        rows.append(row)
        specs.append(
            {
                "code": row["code"],
                "names": {"id": row["name_id"], "en": row["name_en"]},
                "group": row["group"],
                "weight": _small(row["weight"], 0),
                "scale_min": scale_min,
                "scale_max": scale_max,
                "asks_statement": row["asks"],
                "levels": [
                    {"value": v, "descriptors": {"id": i, "en": e}} for v, i, e in levels if i or e
                ],
            }
        )
    return specs, rows


def _small(text: str, default: int) -> int:
    try:
        return max(-1000, min(1000, int(text)))
    except (TypeError, ValueError):
        return default


@login_required
def rubric(request, pk):
    cycle = _managed(request, pk)
    criteria = list(cycle.rubric.criteria.all())
    rows = _rubric_rows(criteria, blank=1 if cycle.phase == P.DRAFT else 0)
    status = 200
    if request.method == "POST":
        specs, rows = _posted_rubric(request.POST)
        missing_levels = [
            s["code"]
            for s in specs
            if any(not all(lv["descriptors"].values()) for lv in s["levels"])
        ]
        try:
            if missing_levels:
                raise ValidationError(
                    {
                        "criteria": _(
                            "Give each level's descriptor in both languages, or neither (%(code)s)."
                        )
                        % {"code": missing_levels[0]}
                    }
                )
            services.cycle_rubric_replace(cycle_id=cycle.pk, criteria=specs)
        except NotFoundError:
            raise Http404 from None
        except (ValidationError, ApplicationError) as error:
            for text in error_messages(error, CRITERION_LABELS):
                messages.error(request, text)
            rows.append(_rubric_rows([], blank=1)[0])
            status = 400
        else:
            messages.success(request, _("The rubric is saved as a new version."))
            return redirect("web-rubric", cycle.pk)
    return render(
        request,
        "web/cycles/rubric.html",
        {
            "cycle": cycle,
            "manage": True,
            "rows": rows,
            "draft": cycle.phase == P.DRAFT,
            "groups": Criterion.Group.choices,
            "weights": sum(_small(str(r["weight"]), 0) for r in rows),
            "version": cycle.rubric.version,
        },
        status=status,
    )
