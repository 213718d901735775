"""Request guards that run before a view reads anything."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _


class BodyLimitMiddleware:
    """Refuse a request whose declared body is larger than its path allows
    (``REQUEST_BODY_LIMITS``, longest prefix first, else
    ``MAX_REQUEST_BODY_BYTES``) with 413, before a byte of it is read.

    A body without a length (chunked) is not read by Django at all under
    WSGI; the reverse proxy limits those (docs/deployment.md)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.limits = sorted(
            settings.REQUEST_BODY_LIMITS.items(), key=lambda item: len(item[0]), reverse=True
        )

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit
        return settings.MAX_REQUEST_BODY_BYTES

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = self.limit_for(request.path_info)
        if declared > limit:
            message = _("The request is too large: at most %(mb)d MB.") % {
                "mb": max(limit // 2**20, 1)
            }
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"message": message, "code": "too_large", "fields": {}}, status=413
                )
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """``Permissions-Policy`` on every answer, and ``Cache-Control: private,
    no-store`` on every answer to an authenticated request (JSON, PDFs,
    CSV and XLSX exports, pages): nothing personal is kept by a shared cache
    or the browser's disk cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        authenticated = (user is not None and user.is_authenticated) or bool(
            request.META.get("HTTP_AUTHORIZATION")
        )
        if authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
