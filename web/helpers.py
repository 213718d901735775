"""Glue between HTML views and the services: the same rules as the API,
answered as pages."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.request import Request

from core.errors import ApplicationError, NotFoundError
from core.pagination import KeysetPagination


@dataclass
class KeysetPage:
    """A page of a long list for a template: its rows, the list's (capped)
    count and the links to the previous, next and last pages."""

    rows: list
    count: int | None
    count_exact: bool
    previous: str | None
    next: str | None
    last: str | None


def keyset_page(
    request, queryset, ordering: tuple[str, ...], size: int = 50, *, counted: bool = True
) -> KeysetPage:
    """The page of ``queryset`` that ``?cursor=`` names (the first without
    one), read as the API reads its long lists (``KeysetPagination``); a
    cursor that is not one of this list's is a 400. ``counted=False``: a
    page that shows no count is not given one (``count`` is ``None``)."""
    paginator = KeysetPagination()
    paginator.page_size = size
    paginator.counts = counted
    view = type("List", (), {"keyset_ordering": ordering})()
    try:
        rows = paginator.paginate_queryset(queryset, Request(request), view)
    except DRFValidationError:
        raise BadRequest from None
    return KeysetPage(
        rows=rows or [],
        count=min(paginator.count, paginator.count_cap) if counted else None,
        count_exact=counted and paginator.count <= paginator.count_cap,
        previous=paginator.get_previous_link(),
        next=paginator.get_next_link(),
        last=paginator.get_last_link(),
    )


def not_found_as_404(view):
    """A selector's NotFoundError (not there, or not yours) becomes the 404 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFoundError:
            raise Http404 from None

    return wrapper


def error_messages(error: Exception, labels: Mapping[str, str] | None = None) -> list[str]:
    """The texts of a service's error; with ``labels`` (field name → label)
    each field error is prefixed with the label of its field (the last part
    of a dotted name: ``criteria.0.names.en`` → ``en``)."""
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            if labels is None:
                return [f"{m}" for messages_ in error.message_dict.values() for m in messages_]
            return [
                text
                if field == "__all__"
                else f"{labels.get(field.split('.')[-1]) or labels.get(field) or field}: {text}"
                for field, texts in error.message_dict.items()
                for text in texts
            ]
        return list(error.messages)
    if isinstance(error, ApplicationError):
        return [error.message]
    return [str(error)]


def confirmed(request) -> bool:
    """Whether the confirmation box of a consequential step was ticked
    (``confirm=yes``); if not, a message asks for it."""
    if request.POST.get("confirm") == "yes":
        return True
    messages.error(request, _("Tick the box to confirm first."))
    return False


@contextlib.contextmanager
def flash_errors(request, labels: Mapping[str, str] | None = None):
    """Around a service call in a POST handler: business-rule errors become
    messages on the next page, naming their fields by ``labels`` when given
    (NotFoundError still becomes a 404)."""
    try:
        yield
    except NotFoundError:
        raise Http404 from None
    except (ApplicationError, ValidationError) as error:
        for text in error_messages(error, labels):
            messages.error(request, text)


def form_id(value) -> int | None:
    """A posted id: a positive integer that fits the database, else None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def back(request, fallback: str, *args):
    """Redirect to the ``next`` field if it is a local path, else to ``fallback``."""
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(fallback, *args)


def form_errors_from(form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the form's fields."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            name = field.split(".")[0]
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def criteria_names(cycle) -> dict[str, str]:
    """Rubric criterion code → name, to show PSM statements under their names."""
    return {c.code: c.name for c in cycle.rubric.criteria.all()}


def status_labels() -> dict[str, str]:
    from nominations.models import Nomination

    return {value: str(label) for value, label in Nomination.Status.choices}
