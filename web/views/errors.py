"""Error answers outside the views' own: an unknown address, a refused CSRF
check, a crash. Under ``/api/`` the JSON error shape (``core.errors``); on
the site its own pages, in the visitor's language. Nothing of the error
itself is shown (the log has it)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from core.errors import api_error


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def _page(request, status: int, title: str, text: str) -> HttpResponse:
    context = {"status": status, "title": title, "text": text}
    return render(request, "errors/error.html", context, status=status)


def bad_request(request, exception=None):
    if _is_api(request):
        return api_error(400, "bad_request", _("The request could not be understood."))
    return _page(request, 400, _("Bad request"), _("The request could not be understood."))


def forbidden(request, exception=None):
    if _is_api(request):
        return api_error(403, "permission_denied", _("You may not do this."))
    return _page(request, 403, _("Not allowed"), _("You may not do this."))


def not_found(request, exception=None):
    if _is_api(request):
        return api_error(404, "not_found", _("Not found."))
    return _page(
        request, 404, _("Page not found"), _("There is no page at this address, or not for you.")
    )


def csrf_failure(request, reason=""):
    message = _("The form expired or came from elsewhere. Reload the page and try again.")
    if _is_api(request):
        return api_error(403, "csrf_failed", message)
    return _page(request, 403, _("Not allowed"), message)


def server_error(request):
    """A crash: no request context (the database may be what failed)."""
    if _is_api(request):
        return api_error(500, "server_error", _("Something went wrong on our side."))
    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
