"""The front door: what is waiting for me, log in and out."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from certificates.selectors import certificate_list
from nominations.models import Assignment, Cycle, Nomination
from nominations.selectors import (
    assignment_list,
    cycle_list,
    nomination_scope,
    upcoming_deadlines,
)
from people.login_limits import login_blocked
from people.selectors import user_employee
from rewards.selectors import incentive_list
from web.context_processors import roles_for
from web.forms import LoginForm

S = Nomination.Status


def home(request):
    """For a visitor: what Apresiasi is. For a user: one card per thing
    waiting for them, by role."""
    if not request.user.is_authenticated:
        return render(request, "web/welcome.html")
    user = request.user
    roles = roles_for(request)
    employee = user_employee(user)
    cards = []
    if roles["staff"]:
        mine = nomination_scope(user=user).filter(nominees__employee=employee)
        cards.append(
            (_("Nominations naming me"), mine.exclude(status=S.DRAFT).count(), "web-my-nominations")
        )
        cards.append(
            (
                _("My certificates"),
                certificate_list(user=user).filter(recipient=employee, status="issued").count(),
                "web-my-certificates",
            )
        )
        cards.append(
            (
                _("My incentives awaiting HR"),
                incentive_list(user=user).filter(employee=employee, status="pending").count(),
                "web-my-career",
            )
        )
    if roles["supervisor"]:
        made = nomination_scope(user=user).filter(nominator=employee)
        cards.append((_("My drafts"), made.filter(status=S.DRAFT).count(), "web-team"))
    if roles["reviewer"] or roles["chair_of"]:
        todo = assignment_list(user=user).exclude(status=Assignment.Status.SUBMITTED).count()
        if roles["reviewer"]:
            cards.append((_("Reviews to do"), todo, "web-reviews"))
    if roles["chair_of"]:
        waiting = (
            nomination_scope(user=user)
            .filter(
                cycle_id__in=roles["chair_of"],
                cycle__phase=Cycle.Phase.DECIDING,
                status__in=[S.IN_REVIEW, S.REVIEWED],
            )
            .count()
        )
        cards.append((_("Nominations to decide"), waiting, "web-cycles"))
    if roles["secretariat"]:
        cards.append(
            (
                _("Nominations to screen"),
                nomination_scope(user=user).filter(status=S.SUBMITTED).count(),
                "web-cycles",
            )
        )
        cards.append(
            (
                _("Certificates that failed"),
                certificate_list(user=user).filter(status="failed").count(),
                "web-certificates",
            )
        )
    if roles["hr"]:
        cards.append(
            (
                _("Incentives awaiting approval"),
                incentive_list(user=user).filter(status="pending").count(),
                "web-incentives",
            )
        )
    return render(
        request,
        "web/home.html",
        {
            "cards": cards,
            "employee": employee,
            "cycles": cycle_list().prefetch_related(None).order_by("-created_at")[:5],
            "deadlines": [_deadline_text(d) for d in upcoming_deadlines()],
        },
    )


def _deadline_text(deadline) -> str:
    """“Review closes in 4 days (6 December 2026)” in the active language."""
    from django.utils import formats
    from django.utils.translation import gettext, ngettext

    what = {
        Cycle.Phase.NOMINATING: gettext("nominations close"),
        Cycle.Phase.REVIEWING: gettext("review closes"),
        Cycle.Phase.DECIDING: gettext("the results are planned"),
    }[deadline.what]
    n = deadline.days
    if n == 0:
        when = gettext("today")
    elif n == 1:
        when = gettext("tomorrow")
    elif n > 0:
        when = ngettext("in %(n)d day", "in %(n)d days", n) % {"n": n}
    else:
        when = ngettext("%(n)d day ago", "%(n)d days ago", -n) % {"n": -n}
    return gettext("%(cycle)s: %(what)s %(when)s (%(date)s).") % {
        "cycle": deadline.cycle.name,
        "what": what,
        "when": when,
        "date": formats.date_format(deadline.on, "j F Y"),
    }


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if login_blocked(request, request.POST.get("username")):
            return render(
                request,
                "web/locked.html",
                {"cooloff_minutes": settings.LOGIN_WINDOW_MINUTES},
                status=429,
            )
        return super().post(request, *args, **kwargs)


@require_POST
def set_language(request):
    """Django's language switch, remembering the choice on the employee so
    their e-mails (reminders) come in it too."""
    from people.services import employee_set_language

    response = django_set_language(request)
    employee = user_employee(request.user) if request.user.is_authenticated else None
    if employee is not None:
        employee_set_language(employee=employee, language=request.POST.get("language", ""))
    return response
