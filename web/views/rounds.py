"""A cycle's rounds in the browser (DESIGN §3.11): the secretariat sets them
up; the chair sees each round's proposed shortlist and advances it. The
secretariat and the chair read both pages; everyone else gets 404."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nominations import rounds, services
from nominations.models import Assignment, InterviewSlot, Round
from nominations.selectors import cycle_list
from nominations.services.rounds import InfeasibleScheduleError
from people.selectors import user_employee
from web import forms
from web.helpers import confirmed, flash_errors, form_id, status_labels
from web.views.setup import submit


def _cycle(request, pk):
    """The cycle for those who run it or chair it; and whether they run it."""
    cycle = cycle_list().prefetch_related(None).filter(pk=pk).first()
    if cycle is None or not request.user.has_perm("nominations.view_ranking", cycle):
        raise Http404
    return cycle, request.user.has_perm("nominations.manage_cycle", cycle)


def _labels_of(form) -> dict[str, str]:
    return {name: str(field.label) for name, field in form.fields.items()}


def _labels(form) -> dict[str, str]:
    labels = _labels_of(form)
    labels.update(
        {
            "id": labels["name_id"],
            "en": labels["name_en"],
            "n": labels["advance_n"],
            "min_score": labels["advance_min_score"],
        }
    )
    return labels


def _save(request, form, call, done: str) -> None:
    submit(request, form, lambda _data: call(form.fields_for_service()), done, _labels(form))


@login_required
def rounds_page(request, pk):
    """The cycle's rounds in order, each with its rules, panel and state; a
    form to add one and, for each, to change or remove it."""
    cycle, manage = _cycle(request, pk)
    members = list(
        cycle.committee.filter(is_chair=False, is_deputy_chair=False).select_related("employee")
    )
    if request.method == "POST":
        if not manage:
            raise Http404
        form = forms.RoundForm(request.POST, members=members)
        _save(
            request,
            form,
            lambda fields: services.round_create(cycle_id=cycle.pk, **fields),
            _("The round is added."),
        )
        return redirect("web-rounds", cycle.pk)
    items = list(cycle.rounds.select_related("rubric").prefetch_related("panel__employee"))
    current = rounds.current_round(cycle)
    # The nominations each round reviewed (or reviews): those with a
    # reviewer in it, whether they went on or not.
    counts = dict(
        Assignment.objects.filter(round__cycle=cycle)
        .values("round_id")
        .annotate(n=Count("nomination_id", distinct=True))
        .values_list("round_id", "n")
    )
    return render(
        request,
        "web/cycles/rounds.html",
        {
            "cycle": cycle,
            "manage": manage,
            "rows": [
                {
                    "round": r,
                    "current": r.pk == current.pk,
                    "nominations": counts.get(r.pk, 0),
                    "form": forms.RoundForm(
                        initial=forms.RoundForm.initial_of(r), members=members, prefix=f"r{r.pk}"
                    ),
                }
                for r in items
            ],
            "form": forms.RoundForm(members=members, initial={"kind": "interview"}),
        },
    )


@login_required
@require_POST
def round_change(request, pk, round_pk):
    cycle, manage = _cycle(request, pk)
    found = Round.objects.filter(cycle=cycle, pk=round_pk).first()
    if found is None or not manage:
        raise Http404
    if "delete" in request.POST:
        with flash_errors(request):
            services.round_delete(round_id=found.pk)
            messages.success(request, _("The round is removed."))
        return redirect("web-rounds", cycle.pk)
    members = list(
        cycle.committee.filter(is_chair=False, is_deputy_chair=False).select_related("employee")
    )
    form = forms.RoundForm(request.POST, members=members, prefix=f"r{found.pk}")
    _save(
        request,
        form,
        lambda fields: services.round_update(round_id=found.pk, **fields),
        _("The round is saved."),
    )
    return redirect("web-rounds", cycle.pk)


@login_required
def shortlist(request, pk, round_pk):
    """The round's nominations ranked per category by their score in it,
    the rule's proposal ticked; the chair changes the ticks if need be,
    gives a rationale and advances the shortlist."""
    cycle, manage = _cycle(request, pk)
    found = Round.objects.select_related("cycle").filter(cycle=cycle, pk=round_pk).first()
    if found is None:
        raise Http404
    may_advance = request.user.has_perm("nominations.advance_round", found)
    if request.method == "POST":
        if not may_advance:
            raise Http404
        chosen = [n for n in map(form_id, request.POST.getlist("nominations")) if n]
        if confirmed(request):
            with flash_errors(
                request, {"nominations": _("Shortlist"), "rationale": _("Rationale")}
            ):
                services.round_advance(
                    round_id=found.pk,
                    actor=request.user,
                    nominations=chosen,
                    rationale=request.POST.get("rationale", ""),
                )
                messages.success(
                    request,
                    _("The shortlist of %(round)s is advanced: %(n)d nomination(s) go on.")
                    % {"round": found.name, "n": len(chosen)},
                )
        return redirect("web-shortlist", cycle.pk, found.pk)
    result = rounds.shortlist(found)
    names = {c.code: c.name for c in cycle.categories.all()}
    labels = status_labels()
    groups: dict[str, list] = defaultdict(list)
    for row in result.rows:
        groups[row.category].append(row)
    return render(
        request,
        "web/cycles/shortlist.html",
        {
            "cycle": cycle,
            "manage": manage,
            "round": found,
            "result": result,
            "groups": [(names.get(code, code), rows) for code, rows in groups.items()],
            "labels": labels,
            "may_advance": may_advance
            and found.status == Round.Status.OPEN
            and not result.last
            and not result.waiting,
            "next": cycle.rounds.filter(position__gt=found.position).order_by("position").first(),
            "may_publish": request.user.has_perm("nominations.publish_shortlist", found)
            and found.status == Round.Status.ADVANCED,
        },
    )


@login_required
@require_POST
def shortlist_publish(request, pk, round_pk):
    """The secretariat makes the advanced shortlist a public post, or takes it down."""
    cycle, _manage = _cycle(request, pk)
    found = Round.objects.filter(cycle=cycle, pk=round_pk).first()
    if found is None or not request.user.has_perm("nominations.publish_shortlist", found):
        raise Http404
    public = request.POST.get("public") != "no"
    with flash_errors(request):
        services.shortlist_publish(round_id=found.pk, actor=request.user, public=public)
        messages.success(
            request,
            _("The shortlist is public.") if public else _("The shortlist is no longer public."),
        )
    return redirect("web-shortlist", cycle.pk, found.pk)


@login_required
def interview_schedule(request, pk, round_pk):
    """An interview round's schedule, a grid per day (times × rooms) with
    each room's panel; the secretariat makes it here (days, hours, slot
    length, breaks, rooms), and is told which nominations cannot be placed
    and why when it cannot be made."""
    cycle, manage = _cycle(request, pk)
    found = Round.objects.select_related("cycle").filter(cycle=cycle, pk=round_pk).first()
    if found is None or found.kind != Round.Kind.INTERVIEW:
        raise Http404
    form = forms.ScheduleForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise Http404
        if form.is_valid():
            # Any other refusal (not the current round, already scheduled,
            # too many slots) is a message too.
            with flash_errors(request, _labels_of(form)):
                try:
                    services.interviews_schedule(
                        round_id=found.pk, actor=request.user, times=form.times()
                    )
                except InfeasibleScheduleError as error:
                    messages.error(request, error.message)
                    for item in error.details["unplaced"]:
                        messages.error(request, f"{item['title']}: {item['reason']}")
                else:
                    messages.success(request, _("The interviews are scheduled."))
            return redirect("web-schedule", cycle.pk, found.pk)
        # else: the form is shown again, its errors beside the fields
    slots = list(found.slots.select_related("nomination").prefetch_related("panel__employee"))
    days: dict = defaultdict(lambda: defaultdict(dict))
    rooms = sorted({s.room for s in slots})
    panels = {}
    for slot in slots:
        local = timezone.localtime(slot.starts_at)
        days[local.date()][local.time()][slot.room] = slot
        panels[slot.room] = [m.employee.name for m in slot.panel.all()]
    grid = [
        (
            day,
            [
                (
                    time,
                    timezone.localtime(next(iter(cells.values())).ends_at).time(),
                    [cells.get(room) for room in rooms],
                )
                for time, cells in sorted(times.items())
            ],
        )
        for day, times in sorted(days.items())
    ]
    return render(
        request,
        "web/cycles/schedule.html",
        {
            "cycle": cycle,
            "manage": manage,
            "round": found,
            "grid": grid,
            "rooms": rooms,
            "panels": [(room, panels[room]) for room in rooms],
            "form": form,
            "may_schedule": manage and not slots,
        },
    )


# The interview's two parts (the national competition's: 7 minutes of
# presentation, 13 of questions).
PRESENTATION_MINUTES, QUESTIONS_MINUTES = 7, 13


@login_required
def moderate(request, pk, slot_pk):
    """One interview for its moderator: the nomination, room, time and
    panel, a timer for the presentation and one for the questions; a panel
    member's link to score it right after. The secretariat, the chair and
    the interview's panel see it."""
    slot = (
        InterviewSlot.objects.select_related("round__cycle", "nomination__category")
        .prefetch_related("panel__employee")
        .filter(pk=slot_pk, round__cycle_id=pk)
        .first()
    )
    if slot is None:
        raise Http404
    cycle = slot.round.cycle
    employee = user_employee(request.user)
    seat = next((m for m in slot.panel.all() if employee and m.employee_id == employee.pk), None)
    if seat is None and not request.user.has_perm("nominations.view_ranking", cycle):
        raise Http404
    mine = (
        Assignment.objects.filter(round=slot.round, nomination=slot.nomination, member=seat).first()
        if seat
        else None
    )
    return render(
        request,
        "web/cycles/moderate.html",
        {
            "cycle": cycle,
            "manage": request.user.has_perm("nominations.manage_cycle", cycle),
            "slot": slot,
            "mine": mine,
            "timers": [
                ("presentation", _("Presentation"), PRESENTATION_MINUTES),
                ("questions", _("Questions"), QUESTIONS_MINUTES),
            ],
        },
    )
