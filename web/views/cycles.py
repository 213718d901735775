"""Cycles for the secretariat and the chair: phases, screening, assignment,
ranking and decisions, publication with progress, charts."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from certificates.selectors import certificate_list
from core import events, i18n, jobs
from core.errors import ApplicationError, NotFoundError
from core.jobs import task_payload, task_visible
from nominations import assignment as assignment_service
from nominations import readiness, services
from nominations.events import ResultsPublished
from nominations.listing import FIELDS, nomination_payloads
from nominations.models import Assignment, Cycle, Nomination
from nominations.promotion import origin_labels, promotion_candidates
from nominations.selectors import (
    cycle_flags,
    cycle_list,
    cycle_nominations,
    mark_deciders,
    nomination_get,
    nomination_scope,
    nominations_per_unit,
    ranking_by_category,
    ranking_column,
    ranking_for_pages,
    ranking_payload,
    ranking_rows_filtered,
    screening_findings,
    undelivered_mail,
)
from rewards.selectors import publication_progress, undelivered_award_mail
from web import charts
from web.context_processors import roles_for
from web.forms import OversightForm
from web.helpers import (
    confirmed,
    criteria_names,
    error_messages,
    flash_errors,
    form_id,
    not_found_as_404,
    status_labels,
)

P = Cycle.Phase
NEXT_PHASE = {
    P.DRAFT: P.NOMINATING,
    P.NOMINATING: P.REVIEWING,
    P.REVIEWING: P.DECIDING,
    P.PUBLISHED: P.CLOSED,
}


def _cycle(request, pk, *, manage=False):
    """The cycle if the user runs it (secretariat) or, unless ``manage``, chairs it."""
    cycle = cycle_list().prefetch_related(None).filter(pk=pk).first()
    if cycle is None:
        raise Http404
    if request.user.has_perm("nominations.manage_cycle", cycle):
        return cycle
    if not manage and request.user.has_perm("nominations.view_ranking", cycle):
        return cycle
    raise Http404


@login_required
def cycles(request):
    roles = roles_for(request)
    items = cycle_list().prefetch_related(None).order_by("-created_at")
    if not roles["secretariat"]:
        items = items.filter(pk__in=roles["chair_of"])
    return render(request, "web/cycles/list.html", {"cycles": items})


@login_required
def cycle_detail(request, pk):
    cycle = _cycle(request, pk)
    counts = dict(
        nomination_scope(user=request.user)
        .filter(cycle=cycle)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    statuses = [(label, counts.get(value, 0), value) for value, label in Nomination.Status.choices]
    manage = request.user.has_perm("nominations.manage_cycle", cycle)
    problems = readiness.cycle_problems(cycle) if manage and cycle.phase == P.DRAFT else []
    return render(
        request,
        "web/cycles/detail.html",
        {
            "cycle": cycle,
            "statuses": statuses,
            "next_phase": NEXT_PHASE.get(cycle.phase),
            "next_label": P(NEXT_PHASE[cycle.phase]).label if cycle.phase in NEXT_PHASE else "",
            "manage": manage,
            "problems": problems,
            "flagged": len(cycle_flags(cycle=cycle)),
            "undelivered": (
                undelivered_mail(cycle_id=cycle.pk) + undelivered_award_mail(cycle_id=cycle.pk)
                if manage
                else []
            ),
        },
    )


@login_required
def cycle_phase(request, pk):
    """What moving to the next phase will do and leave open (GET), and the
    move once confirmed (POST)."""
    cycle = _cycle(request, pk, manage=True)
    if request.method == "POST":
        if confirmed(request):
            with flash_errors(request):
                services.cycle_set_phase(
                    cycle_id=cycle.pk, phase=request.POST.get("phase", ""), actor=request.user
                )
                messages.success(request, _("The cycle moved to the next phase."))
                return redirect("web-cycle", cycle.pk)
        return redirect("web-cycle-phase", cycle.pk)
    to = NEXT_PHASE.get(cycle.phase)
    if to is None:  # deciding: publication has its own page
        return redirect("web-publication" if cycle.phase == P.DECIDING else "web-cycle", cycle.pk)
    return render(
        request,
        "web/cycles/phase.html",
        {"cycle": cycle, "preview": readiness.phase_preview(cycle, to), "to_label": P(to).label},
    )


@login_required
def screening(request, pk):
    cycle = _cycle(request, pk, manage=True)
    findings = screening_findings(cycle=cycle)
    rows = list(
        nomination_scope(user=request.user)
        .filter(cycle=cycle, status__in=["submitted", "eligible", "ineligible"])
        .order_by("status", "submitted_at")
        .values(*FIELDS)
    )
    items = nomination_payloads(rows, user=request.user)
    labels = status_labels()
    origins = origin_labels([item["origin"] for item in items])
    for item in items:
        item["findings"] = findings.get(item["id"], [])
        item["status_label"] = labels.get(item["status"], item["status"])
        item["from"] = origins.get(item["origin"]["nomination"]) if item["origin"] else None
    waiting = any(item["status"] == "submitted" for item in items)
    return render(
        request,
        "web/cycles/screening.html",
        {"cycle": cycle, "items": items, "waiting": waiting},
    )


@login_required
@require_POST
@not_found_as_404
def screen(request, pk, nomination_pk):
    cycle = _cycle(request, pk, manage=True)
    nomination = nomination_get(user=request.user, pk=nomination_pk)
    eligible = request.POST.get("eligible") == "yes"
    with flash_errors(request):
        services.nomination_screen(
            nomination_id=nomination.pk,
            actor=request.user,
            eligible=eligible,
            reason=request.POST.get("reason", ""),
        )
        messages.success(
            request,
            _("“%(title)s” is %(status)s.")
            % {
                "title": nomination.title,
                "status": Nomination.Status.ELIGIBLE.label
                if eligible
                else Nomination.Status.INELIGIBLE.label,
            },
        )
    return redirect("web-screening", cycle.pk)


@login_required
@require_POST
def screen_many(request, pk):
    """Mark the ticked submitted nominations eligible at once."""
    cycle = _cycle(request, pk, manage=True)
    ids = [n for n in (form_id(v) for v in request.POST.getlist("ids")) if n]
    if not ids:
        messages.error(request, _("Tick the nominations to mark eligible first."))
        return redirect("web-screening", cycle.pk)
    results = services.nominations_screen_eligible(nomination_ids=ids, actor=request.user)
    done = sum(1 for r in results if r["error"] is None)
    if done:
        messages.success(
            request,
            ngettext(
                "%(n)d nomination marked eligible.", "%(n)d nominations marked eligible.", done
            )
            % {"n": done},
        )
    titles = dict(nomination_scope(user=request.user).filter(pk__in=ids).values_list("pk", "title"))
    for r in results:
        if r["error"] is not None:
            messages.error(request, f"“{titles.get(r['id'], r['id'])}”: {r['error']}")
    return redirect("web-screening", cycle.pk)


@login_required
def assignment_page(request, pk):
    """Run the reviewer assignment; large cycles run it as a task whose
    progress the page follows."""
    cycle = _cycle(request, pk, manage=True)
    result = None
    task = None
    if request.method == "POST":
        try:
            outcome, task_id = assignment_service.reviewers_assign_or_queue(
                cycle=cycle, actor=request.user
            )
        except NotFoundError:
            raise Http404 from None
        except (ApplicationError, ValidationError) as error:
            for text in error_messages(error):
                messages.error(request, text)
        else:
            if outcome is None:
                return redirect(f"{reverse('web-assignment', args=[cycle.pk])}?task={task_id}")
            result = outcome.as_dict()
    elif request.GET.get("task") and task_visible(user=request.user, task_id=request.GET["task"]):
        task = task_payload(request.GET["task"])
    assigned = Assignment.objects.filter(nomination__cycle=cycle, conflict="").count()
    flagged = (
        Assignment.objects.filter(nomination__cycle=cycle)
        .exclude(conflict="")
        .select_related("nomination", "member__employee")
        .order_by("conflict_found_at")
    )
    return render(
        request,
        "web/cycles/assignment.html",
        {
            "cycle": cycle,
            "result": result,
            "task": task,
            "assigned": assigned,
            "flagged": flagged,
            "design": assignment_service.panel_design(cycle=cycle) if assigned else None,
            **_panel(cycle),
        },
    )


def _panel(cycle) -> dict:
    """Who reviews what, grouped by nomination, each reviewer's progress and
    the members who may be added by hand."""
    from nominations.selectors import cycle_assignments, cycle_progress

    by_nomination: dict[int, dict] = {}
    labels = dict(Assignment.Status.choices)
    rows = cycle_assignments(cycle=cycle)
    for row in rows:
        row["status_label"] = labels.get(row["status"], row["status"])
        item = by_nomination.setdefault(
            row["nomination"], {"id": row["nomination"], "title": row["title"], "rows": []}
        )
        item["rows"].append(row)
    return {
        "panel": list(by_nomination.values()),
        "progress": cycle_progress(rows),
        "members": list(
            cycle.committee.filter(is_chair=False, is_deputy_chair=False)
            .select_related("employee")
            .order_by("employee__name")
        ),
        "open": cycle.phase in (P.REVIEWING, P.DECIDING),
    }


@login_required
@require_POST
def assignment_add(request, pk):
    cycle = _cycle(request, pk, manage=True)
    nomination = form_id(request.POST.get("nomination"))
    if not cycle.nominations.filter(pk=nomination or 0).exists():
        raise Http404
    with flash_errors(request):
        added = services.assignment_add(
            nomination_id=nomination or 0,
            member_id=form_id(request.POST.get("reviewer")) or 0,
            actor=request.user,
        )
        messages.success(
            request,
            _("%(name)s now reviews this nomination.") % {"name": added.member.employee.name},
        )
    return redirect(f"{reverse('web-assignment', args=[cycle.pk])}#nomination-{nomination}")


@login_required
@require_POST
def assignment_remove(request, pk, assignment_pk):
    cycle = _cycle(request, pk, manage=True)
    item = Assignment.objects.filter(nomination__cycle=cycle, pk=assignment_pk).first()
    if item is None:
        raise Http404
    with flash_errors(request):
        services.assignment_remove(assignment_id=item.pk, actor=request.user)
        messages.success(request, _("The reviewer is taken off the nomination."))
    return redirect(f"{reverse('web-assignment', args=[cycle.pk])}#nomination-{item.nomination_id}")


@login_required
def task_progress(request, task_id):
    """htmx: a progress bar for a background task (polled until it ends)."""
    if not task_visible(user=request.user, task_id=task_id):
        raise Http404
    return render(request, "web/cycles/_task.html", {"task": task_payload(task_id)})


@login_required
def publication(request, pk):
    """Publish, then follow the certificates and rewards jobs to the end."""
    cycle = _cycle(request, pk, manage=True)
    if request.method == "POST":
        if confirmed(request):
            with flash_errors(request), jobs.tracking() as refused:
                services.cycle_publish(cycle_id=cycle.pk, actor=request.user)
                message = services.publication_jobs_message(deferred=bool(refused))
                (messages.warning if refused else messages.success)(request, message)
        return redirect("web-publication", cycle.pk)
    deciding = cycle.phase == P.DECIDING
    return render(
        request,
        "web/cycles/publication.html",
        {
            "cycle": cycle,
            "progress": (
                _progress(request, cycle) if cycle.phase in (P.PUBLISHED, P.CLOSED) else None
            ),
            "preview": readiness.phase_preview(cycle, P.PUBLISHED) if deciding else None,
        },
    )


def _progress(request, cycle) -> dict:
    # Polled every second while it runs: count per status in the database.
    by_status = defaultdict(
        int,
        certificate_list(user=request.user)
        .filter(nomination__cycle=cycle)
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n"),
    )
    total = sum(n for s, n in by_status.items() if s != "revoked")
    done = by_status["issued"] + by_status["failed"]
    rewards = publication_progress(cycle_id=cycle.pk)
    # Certificates exist only once the results-published event is handled.
    handed_over = not events.unhandled(ResultsPublished, cycle_id=cycle.pk)
    finished = (
        cycle.phase in (P.PUBLISHED, P.CLOSED) and handed_over and done >= total and rewards["done"]
    )
    steps = total + 1
    return {
        "total": total,
        "issued": by_status["issued"],
        "failed": by_status["failed"],
        "rewards": rewards,
        "value": done + (1 if rewards["done"] else 0),
        "max": steps,
        "percent": round(100 * (done + (1 if rewards["done"] else 0)) / steps),
        "finished": finished,
    }


@login_required
@not_found_as_404
def promotion(request, pk):
    """The secretariat puts the cycle's winners forward to its higher-level
    cycle: each awarded nomination with where it went or why it cannot go."""
    cycle = _cycle(request, pk, manage=True)
    if cycle.parent_id is None:
        raise Http404
    if request.method == "POST":
        nomination_id = form_id(request.POST.get("nomination"))
        if nomination_id is None:
            raise Http404
        nomination = nomination_get(user=request.user, pk=nomination_id)
        if nomination.cycle_id != cycle.pk:
            raise Http404
        category_id = form_id(request.POST.get("category"))
        category = cycle.parent.categories.filter(pk=category_id).first() if category_id else None
        if confirmed(request):
            with flash_errors(request):
                made = services.nomination_promote(
                    nomination_id=nomination.pk, actor=request.user, category=category
                )
                messages.success(
                    request,
                    (
                        _("“%(title)s” is put forward to %(cycle)s.")
                        if made.created
                        else _("“%(title)s” was already put forward to %(cycle)s.")
                    )
                    % {"title": nomination.title, "cycle": cycle.parent.name},
                )
        return redirect("web-promotion", cycle.pk)
    parent = cycle.parent
    rows = promotion_candidates(cycle)
    code = parent.promotion_min_award_level
    lowest = cycle.award_levels.filter(code=code).first() if code else None
    return render(
        request,
        "web/cycles/promotion.html",
        {
            "cycle": cycle,
            "parent": parent,
            "rows": rows,
            "taken": sum(1 for row in rows if row.target),
            "lowest": lowest.name if lowest else code,
            "manage": True,
        },
    )


@login_required
def publication_progress_fragment(request, pk):
    cycle = _cycle(request, pk, manage=True)
    return render(
        request,
        "web/cycles/_publication.html",
        {"cycle": cycle, "progress": _progress(request, cycle)},
    )


# Rows of one category on the ranking page at a time (a 20,000-nomination
# cycle made one page of 6 MB).
RANKING_PAGE = 100


@login_required
def ranking(request, pk):
    """Per category: adjusted score with its uncertainty, mean, median,
    sub-scores, spread, flags; sorted by the adjusted or the raw score; the
    inter-rater agreement; each reviewer's leniency; charts."""
    cycle = _cycle(request, pk)
    # Rows made only for those shown (a kept 20,000-row ranking is grouped,
    # sorted and filtered as it is kept).
    ranking, all_rows = ranking_for_pages(cycle=cycle)
    data = ranking_payload(ranking, rows=[], deciders=False)  # the rows: those shown, below
    view = request.GET.get("view")
    adjusted = view != "raw" if view in ("raw", "adjusted") else data["adjusted"]
    key = "adjusted_score" if adjusted else "score"
    # With several rounds, the final score (the rounds weighted) ranks.
    stages = list(cycle.rounds.order_by("position"))
    if len(stages) > 1 and view not in ("raw", "adjusted"):
        key = "final_score"
    by_category = ranking_by_category(all_rows, key)
    names = {c.code: c.name for c in cycle.categories.all()}
    # Filters: one category (then a page at a time), the flagged rows, the
    # rows still to decide; each row keeps its place in its whole category.
    chosen = request.GET.get("category") or None
    flagged = request.GET.get("flagged") == "1"
    undecided = request.GET.get("undecided") == "1"
    groups = []
    shown_rows: list[dict] = []
    for code, rows in by_category.items():
        if chosen and code != chosen:
            continue
        values = ranking_column(rows, key)
        shown = ranking_rows_filtered(
            rows, flagged=True if flagged else None, decided=False if undecided else None
        )
        page = Paginator(shown, RANKING_PAGE).get_page(request.GET.get("page") if chosen else 1)
        # Plain rows for the page only (a category of thousands is not
        # turned into thousands of dicts to show a hundred).
        page_rows = ranking_payload(ranking, rows=list(page.object_list), deciders=False)
        if page_rows["results"]:
            place = {n: at for at, n in enumerate(ranking_column(rows, "nomination_id"), start=1)}
            for row in page_rows["results"]:
                row["place"] = place[row["nomination"]]
        shown_rows.extend(page_rows["results"])
        groups.append(
            {
                "code": code,
                "name": names.get(code, code),
                "rows": page_rows["results"],
                "page": page if chosen else None,
                "more": len(shown) if not chosen and len(shown) > RANKING_PAGE else 0,
                "chart": charts.histogram(
                    _("Score distribution: %(category)s") % {"category": names.get(code, code)},
                    [v for v in values if v is not None],
                ),
            }
        )
    mark_deciders(cycle=cycle, results=shown_rows)  # the chair's conflicts: the rows shown
    labels = status_labels()
    origins = origin_labels([row["origin"] for row in shown_rows])
    for row in shown_rows:
        row["status_label"] = labels.get(row["status"], row["status"])
        row["from"] = origins.get(row["origin"]["nomination"]) if row["origin"] else None
    reviewers = data["reviewers"]
    context = {
        "cycle": cycle,
        "data": data,
        "groups": groups,
        "categories": [(code, names.get(code, code)) for code in by_category],
        "chosen": chosen,
        "flagged": flagged,
        "undecided": undecided,
        "adjusted": adjusted,
        "key": key,
        "stages": stages if len(stages) > 1 else [],
        "levels": {lv.code: lv.name for lv in cycle.award_levels.all()},
        "leniency_chart": charts.diverging_bars(
            # xgettext:no-python-format
            _("Reviewer leniency: points above or below the panel, with a 95% interval"),
            [(r["name"], r["leniency"], r["leniency_se"]) for r in reviewers],
        )
        if reviewers
        else None,
        "can_decide": request.user.has_perm("nominations.decide_nomination", cycle)
        or cycle.pk in roles_for(request)["chair_of"],
        # Whoever sees the ranking page may download it (view_ranking).
        "exports": bool(groups),
    }
    template = "web/cycles/_ranking.html" if request.htmx else "web/cycles/ranking.html"
    return render(request, template, context)


@login_required
@not_found_as_404
def decide(request, pk, nomination_pk):
    """One nomination for the chair: its reviews (reopen one) and the decision."""
    cycle = _cycle(request, pk)
    nomination = nomination_get(user=request.user, pk=nomination_pk)
    if nomination.cycle_id != cycle.pk:
        raise Http404
    if request.method == "POST":
        with flash_errors(request):
            services.nomination_decide(
                nomination_id=nomination.pk,
                actor=request.user,
                award_level=request.POST.get("award_level") or None,
                rationale=request.POST.get("rationale", ""),
            )
            messages.success(request, _("Decision recorded."))
            return redirect("web-ranking", cycle.pk)
    rows = list(nomination_scope(user=request.user).filter(pk=nomination.pk).values(*FIELDS))
    item = nomination_payloads(rows, user=request.user)[0]
    reviews = (
        Assignment.objects.filter(nomination=nomination)
        .select_related("member__employee", "review")
        .order_by("id")
    )
    ranking, ranked_rows = ranking_for_pages(cycle=cycle)
    ids = ranking_column(ranked_rows, "nomination_id")
    ranked = [ranked_rows[ids.index(nomination.pk)]] if nomination.pk in ids else []
    row = (ranking_payload(ranking, rows=ranked, deciders=False)["results"] or [None])[0]
    if row is not None:
        mark_deciders(cycle=cycle, results=[row])
    return render(
        request,
        "web/cycles/decide.html",
        {
            "cycle": cycle,
            "nomination": nomination,
            "item": item,
            "reviews": reviews,
            "row": row,
            "levels": cycle.award_levels.order_by("-min_score"),
            "level_names": {lv.code: lv.name for lv in cycle.award_levels.all()},
            "criteria_names": criteria_names(cycle),
            "rationale": request.POST.get("rationale", ""),
        },
    )


@login_required
def stats(request, pk):
    cycle = _cycle(request, pk)
    per_unit = nominations_per_unit(cycle=cycle)
    return render(
        request,
        "web/cycles/stats.html",
        {
            "cycle": cycle,
            "per_unit": per_unit,
            "chart": charts.paired_bars(
                _("Nominations and awards per unit"), per_unit, (_("nominations"), _("awards"))
            )
            if per_unit
            else None,
        },
    )


OVERSIGHT_PAGE = 50


@login_required
def nominations(request, pk):
    """The cycle's nominations for the secretariat and the chair: search,
    filters, sort, 50 a page, each linking to the nomination."""
    cycle = _cycle(request, pk)
    form = OversightForm(
        request.GET or None,
        categories=cycle.categories.all(),
        statuses=Nomination.Status.choices,
    )
    chosen = form.filters() if form.is_bound else {}
    # Every nomination's flags only to list the flagged ones; else the page's.
    flags = cycle_flags(cycle=cycle) if chosen.get("flagged") else None
    rows = cycle_nominations(
        cycle=cycle,
        user=request.user,
        q=chosen.get("q") or "",
        category_id=chosen.get("category"),
        status=chosen.get("status") or "",
        unit=chosen.get("unit") or "",
        only_ids=flags.keys() if flags is not None else None,
        sort=chosen.get("sort") or "submitted",
    )
    page = Paginator(rows, OVERSIGHT_PAGE).get_page(request.GET.get("page"))
    if flags is None:
        flags = cycle_flags(cycle=cycle, only=[row["id"] for row in page])
    labels = status_labels()
    levels = {lv.code: lv.name for lv in cycle.award_levels.all()}
    for row in page:
        names = {"id": row["category__name_id"], "en": row["category__name_en"]}
        row["category"] = i18n.pick(names)
        row["status_label"] = labels.get(row["status"], row["status"])
        row["flags"] = flags.get(row["id"], [])
        row["level"] = levels.get(row["award_level__code"])
    return render(
        request,
        "web/cycles/nominations.html",
        {
            "cycle": cycle,
            "form": form,
            "page": page,
            "manage": request.user.has_perm("nominations.manage_cycle", cycle),
        },
    )
