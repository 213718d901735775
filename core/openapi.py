"""The error answers every operation can give, documented in the OpenAPI
schema (a drf-spectacular post-processing hook), with the one error shape.

Per operation, from what it is: 400 when it takes parameters or a body; 401
when it needs a login; 403 (a refused CSRF check, a permission); 404 (an id
that is not there or not yours, an unknown route); 406 (an ``Accept`` the
API cannot answer); 409 for every change (the state or phase does not
allow it); 413 and 415 for a body (too large, an unsupported type); 429
where a throttle applies; 500. An operation's own declarations win.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as _AutoSchema
from rest_framework import serializers

ERROR_SCHEMA = {
    "type": "object",
    "description": "The one error shape: a message, a code, and the failing fields "
    "(field name → messages; empty unless the input was invalid).",
    "properties": {
        "message": {"type": "string"},
        "code": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "problems": {
            "type": "array",
            "description": "with code `not_ready`: what keeps the cycle from opening",
            "items": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                "required": ["code", "message"],
            },
        },
    },
    "required": ["message", "code", "fields"],
}

DESCRIPTIONS = {
    "400": "Invalid input; `fields` names each failing field.",
    "401": "No valid credentials (a missing, unknown or expired token).",
    "403": "Refused: a session request without its CSRF token, or not allowed.",
    "404": "Not found, or not yours to see (the two answer alike).",
    "406": "The API cannot answer in the media type asked for.",
    "409": "The object's state or the cycle's phase does not allow this.",
    "413": "The request body is larger than this operation accepts.",
    "415": "The request body's media type is not accepted.",
    "429": "Too many requests; try again later.",
    "500": "An error on our side (nothing of it is shown).",
}
CHANGES = {"post", "put", "patch", "delete"}


def _throttled_paths(generator) -> set[tuple[str, str]]:
    found = set()
    for path, _regex, method, view in getattr(generator, "endpoints", None) or []:
        if getattr(view.cls, "throttle_classes", None):
            found.add((path, method.lower()))
    return found


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    throttled = _throttled_paths(generator)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            codes = {"403", "404", "406", "500"}
            if operation.get("parameters") or operation.get("requestBody"):
                codes.add("400")
            if {} not in (operation.get("security") or [{}]):
                codes.add("401")
            if method in CHANGES:
                codes |= {"409", "413"}
            if operation.get("requestBody"):
                codes.add("415")
            if (path, method) in throttled:
                codes.add("429")
            responses = operation.setdefault("responses", {})
            if any(p.get("in") == "query" for p in operation.get("parameters") or []):
                # The HTTP server's own answer to an over-long URL (gunicorn
                # allows a 4094-byte request line), before the application.
                responses.setdefault("414", {"description": "The URL is too long."})
            for code in sorted(codes):
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result


# Text without NUL: DRF refuses it in every text field.
NO_NUL = r"^[^\u0000]*$"
NON_BLANK = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"


class AutoSchema(_AutoSchema):
    """drf-spectacular's schema, stating what the input checks enforce
    (``core.serializers``): text holds no NUL, and a field that may not be
    blank holds a character that is not white space (DRF trims it first);
    a decimal is text of the field's shape; an id or integer fits a 64-bit
    column; a list that may not be empty says so."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        from .serializers import BIGINT_MAX, decimal_pattern

        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if "$ref" in schema:
            return schema
        if isinstance(field, serializers.DecimalField) and schema.get("type") == "string":
            schema["pattern"] = decimal_pattern(field)
        elif (
            isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField)
            and schema.get("type") == "integer"
        ):
            schema.setdefault("maximum", BIGINT_MAX)
            schema.setdefault("minimum", -BIGINT_MAX)
        if direction != "request":
            return schema
        plain_text = (
            isinstance(field, serializers.CharField)
            and schema.get("type") == "string"
            and "format" not in schema
            and "enum" not in schema
        )
        if plain_text:
            schema["pattern"] = NO_NUL if field.allow_blank else NON_BLANK
            if not field.allow_blank:
                schema.setdefault("minLength", 1)
        if (
            isinstance(
                field,
                serializers.ManyRelatedField | serializers.ListField | serializers.ListSerializer,
            )
            and not field.allow_empty
        ):
            schema.setdefault("minItems", 1)
        return schema
