"""The one error shape of the API.

Every error answer under ``/api/`` is ``{"message": str, "code": str,
"fields": {name: [str]}}``; ``fields`` names each failing field of a
validation error (nested fields are joined with dots, list items by index:
``nominees.0``) and is empty otherwise. DRF's errors come through
:func:`exception_handler`; Django's own (an unknown route, a CSRF failure, a
crash) through :func:`api_error` from ``web.views.errors``.
Services raise :class:`ApplicationError` (or its subclasses) for business-rule
failures; the handler turns it into the same shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ApplicationError(Exception):
    """A business-rule failure a caller can act on (HTTP 400 by default)."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(
        self,
        message: StrOrPromise,
        *,
        fields: Mapping[str, Sequence[StrOrPromise]] | None = None,
        details: Mapping[str, Any] | None = None,
    ):
        super().__init__(message)
        self.message = str(message)
        self.fields = {
            name: [str(m) for m in messages] for name, messages in (fields or {}).items()
        }
        # More for the caller to act on, beside message/code/fields (e.g. the
        # problems that keep a cycle from opening).
        self.details = dict(details or {})


class ConflictError(ApplicationError):
    """The object's state or the cycle's phase does not allow this (HTTP 409)."""

    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    out.update(_flatten(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _first_message(fields: dict[str, list[str]]) -> str:
    for name, messages in fields.items():
        if messages:
            if name == "non_field_errors":
                return messages[0]
            return f"{name}: {messages[0]}"
    return _("Invalid input.")


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF exception handler producing the one JSON error shape."""
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {
            "message": exc.message,
            "code": exc.code,
            "fields": exc.fields,
            **exc.details,
        }
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = {"message": _first_message(fields), "code": "invalid", "fields": fields}
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"message": str(detail), "code": str(code), "fields": {}}
    return response


def api_error(status_code: int, code: str, message: StrOrPromise):
    """The error shape as a plain Django response (outside DRF's views)."""
    from django.http import JsonResponse

    return JsonResponse({"message": str(message), "code": code, "fields": {}}, status=status_code)


class NotFoundError(ApplicationError):
    """Not there, or not yours to see or act on (HTTP 404; reveals nothing)."""

    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"

    def __init__(self, message: StrOrPromise | None = None):
        super().__init__(message or _("Not found."))


class GoneError(ApplicationError):
    """It was there and is withdrawn for good (HTTP 410), e.g. a revoked certificate."""

    status_code = status.HTTP_410_GONE
    code = "gone"


class ServiceUnavailableError(ApplicationError):
    """A service the request needs (the job queue) is down (HTTP 503)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "unavailable"
