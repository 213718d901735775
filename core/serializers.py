"""Serializer bases for every API input: a JSON value of the wrong type is
refused (400 naming the field) instead of coerced.

DRF is lenient by design: ``0`` passes as ``false``, ``123`` as the text
"123", ``5`` as a decimal, ``"5"`` as an integer. The OpenAPI schema promises
types, and clients written against it should learn of a mistake rather than
have it silently reinterpreted; so JSON bodies are checked against the type
each field declares before DRF sees them. Form and multipart bodies carry
only text and are left to DRF. Money and other decimals travel as strings
(``"7500000.00"``), never as binary floating point.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import relations, serializers

BIGINT_MAX = 2**63 - 1


def decimal_pattern(field: serializers.DecimalField) -> str:
    """The shape of a decimal field's text, as the schema states it and the
    check applies it: digits within the field's bounds, a sign only where
    negative values are allowed."""
    places = field.decimal_places or 0
    whole = f"{{1,{field.max_digits - places}}}" if field.max_digits is not None else "+"
    sign = "" if field.min_value is not None and field.min_value >= 0 else "-?"
    if not places:
        return rf"^{sign}\d{whole}$"
    return rf"^{sign}(?:\d{whole}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"


MESSAGES = {
    "text": _("Must be text."),
    "boolean": _("Must be true or false."),
    "integer": _("Must be a whole number."),
    "number": _("Must be a number."),
    "decimal": _('Must be a decimal number written as text, e.g. "1500000.00".'),
    "list": _("Must be a list."),
    "object": _("Must be an object."),
}


# Field classes and the JSON type their schema promises, first match wins
# (a DecimalField before the text fields: a decimal is text of a shape).
KINDS: list[tuple[tuple[type, ...], str]] = [
    ((serializers.BooleanField,), "boolean"),
    ((serializers.DecimalField,), "decimal"),
    ((serializers.MultipleChoiceField, serializers.ListField), "list"),
    (
        (
            serializers.CharField,
            serializers.DateField,
            serializers.DateTimeField,
            serializers.TimeField,
            serializers.DurationField,
            serializers.UUIDField,
        ),
        "text",
    ),
    ((serializers.IntegerField, relations.PrimaryKeyRelatedField), "integer"),
    ((serializers.FloatField,), "number"),
    ((relations.ManyRelatedField, serializers.ListSerializer), "list"),
    ((serializers.DictField, serializers.Serializer), "object"),
]

FITS = {
    "boolean": lambda v: isinstance(v, bool),
    "text": lambda v: isinstance(v, str),
    "decimal": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "list": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _kind(field: serializers.Field) -> str | None:
    """The JSON type a field's schema promises, or None where any goes."""
    if isinstance(field, serializers.ChoiceField) and not isinstance(
        field, serializers.MultipleChoiceField
    ):
        keys = list(field.choices)
        return "text" if keys and all(isinstance(k, str) for k in keys) else None
    return next((kind for classes, kind in KINDS if isinstance(field, classes)), None)


def _children(field: serializers.Field) -> serializers.Field | None:
    if isinstance(field, serializers.ListField | serializers.DictField):
        return field.child
    if isinstance(field, relations.ManyRelatedField):
        return field.child_relation
    return None


def type_errors(field: serializers.Field, value: Any) -> list[str]:
    """Messages for a JSON value that is not of ``field``'s type (null is
    left to the field: it knows whether it allows it)."""
    if value is None:
        return []
    kind = _kind(field)
    if kind is not None and not FITS[kind](value):
        return [str(MESSAGES[kind])]
    if (
        isinstance(field, serializers.DecimalField)
        and isinstance(value, str)
        and not re.match(decimal_pattern(field), value)
    ):
        return [str(MESSAGES["decimal"])]
    if (
        isinstance(field, serializers.CharField)
        and isinstance(value, str)
        and field.max_length is not None
        and len(value) > field.max_length
    ):
        # DRF trims surrounding white space before it counts; the schema's
        # maxLength counts the text as sent, and so does this check.
        return [field.error_messages["max_length"].format(max_length=field.max_length)]
    child = _children(field)
    if child is not None:
        items = value.values() if isinstance(value, dict) else value
        for item in items:
            if errors := type_errors(child, item):
                return errors
    return []


# No docstring here: drf-spectacular would describe every serializer without
# one of its own with it. What it does: check a JSON object's values against
# the declared field types before DRF sees them.
class StrictTypes:
    def to_internal_value(self, data: Any) -> Any:
        if type(data) is dict:  # JSON; a QueryDict (form, multipart) is all text
            fields: Mapping[str, serializers.Field] = self.fields  # type: ignore[attr-defined]
            errors = {
                name: messages
                for name, field in fields.items()
                if not field.read_only
                and field.source != "*"
                and name in data
                and (messages := type_errors(field, data[name]))
            }
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)  # type: ignore[misc]


class Partial:
    """A PATCH body: the fields of the serializer it is mixed into, each
    optional (first in the bases)."""

    def __init__(self, *args, **kwargs):
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class Serializer(StrictTypes, serializers.Serializer):
    pass


class ModelSerializer(StrictTypes, serializers.ModelSerializer):
    pass
