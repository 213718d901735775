"""Reviewers: my queue and the scoring page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ApplicationError, NotFoundError
from nominations import services
from nominations.models import Assignment, Round
from nominations.scoring import review_preview
from nominations.selectors import assignment_get, assignment_list, reviewer_view
from web.helpers import (
    confirmed,
    criteria_names,
    error_messages,
    flash_errors,
    not_found_as_404,
)


@login_required
def queue(request):
    """To do, drafts and submitted, for every cycle I review in."""
    assignments = list(assignment_list(user=request.user).order_by("nomination__cycle_id", "id"))
    groups: dict[str, list[Assignment]] = {
        Assignment.Status.ASSIGNED: [],
        Assignment.Status.DRAFT: [],
        Assignment.Status.SUBMITTED: [],
    }
    for item in assignments:
        groups[item.status].append(item)
    return render(
        request,
        "web/review/queue.html",
        {
            "groups": [
                (_("To do"), groups[Assignment.Status.ASSIGNED]),
                (_("Drafts"), groups[Assignment.Status.DRAFT]),
                (_("Submitted"), groups[Assignment.Status.SUBMITTED]),
            ]
        },
    )


def _criteria_rows(assignment, scores, comments, errors):
    rows = []
    for criterion in assignment.rubric.criteria.all():
        rows.append(
            {
                "criterion": criterion,
                "scale": criterion.scale(),
                "score": scores.get(criterion.code),
                "comment": comments.get(criterion.code, ""),
                "errors": errors.get(f"scores.{criterion.code}", [])
                + errors.get(f"comments.{criterion.code}", []),
            }
        )
    return rows


@login_required
@not_found_as_404
def scoring(request, pk):
    """The nomination (blind where the cycle says so) beside the rubric."""
    assignment = assignment_get(user=request.user, pk=pk)
    if assignment.round.kind == Round.Kind.FIELD:
        from web.views.verification import verify

        return verify(request, assignment)
    review = getattr(assignment, "review", None)
    scores = dict(review.scores) if review else {}
    comments = dict(review.comments) if review else {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        criteria = assignment.rubric.criteria.all()
        scores = {
            c.code: int(request.POST[f"score-{c.code}"])
            for c in criteria
            if request.POST.get(f"score-{c.code}", "").lstrip("-").isdigit()
        }
        comments = {
            c.code: request.POST.get(f"comment-{c.code}", "").strip()
            for c in criteria
            if request.POST.get(f"comment-{c.code}", "").strip()
        }
        submit = request.POST.get("action") == "submit"
        try:
            services.review_save(
                assignment_id=assignment.pk,
                actor=request.user,
                scores=scores,
                comments=comments,
                submit=submit,
            )
        except NotFoundError:
            raise Http404 from None
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {}
            for text in error.messages if not errors else []:
                messages.error(request, text)
            messages.error(request, _("The review was not saved: see the marked criteria."))
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Review submitted.") if submit else _("Draft saved."))
            return redirect("web-review", assignment.pk)
    view = reviewer_view(user=request.user, assignment=assignment)
    return render(
        request,
        "web/review/scoring.html",
        {
            "assignment": assignment,
            "item": view["nomination"],
            "nominees": view["nominees"],
            "evidence": view["evidence"],
            "others": view["other_reviews"],
            "rows": _criteria_rows(assignment, scores, comments, errors),
            "total": review_preview(scores, assignment.rubric.criteria.all()),
            "locked": assignment.status == Assignment.Status.SUBMITTED,
            "blind": view["blind"],
            "criteria_names": criteria_names(assignment.nomination.cycle),
        },
    )


@login_required
@require_POST
@not_found_as_404
def declare_conflict(request, pk):
    assignment = assignment_get(user=request.user, pk=pk)
    try:
        services.conflict_declare(
            nomination=assignment.nomination,
            actor=request.user,
            reason=request.POST.get("reason", ""),
        )
    except NotFoundError:
        raise Http404 from None
    except (ValidationError, ApplicationError) as error:
        for text in error_messages(error):
            messages.error(request, text)
        return redirect("web-review", pk)
    messages.success(request, _("Conflict recorded; the nomination is no longer assigned to you."))
    return redirect("web-reviews")


@login_required
@require_POST
@not_found_as_404
def reopen(request, pk):
    """The chair reopens a submitted review."""
    from nominations.selectors import assignment_for_chair

    assignment = assignment_for_chair(user=request.user, pk=pk)
    if confirmed(request):
        with flash_errors(request):
            services.review_reopen(assignment_id=assignment.pk, actor=request.user)
            messages.success(request, _("The review is open again."))
    return redirect("web-decide", assignment.nomination.cycle_id, assignment.nomination_id)
