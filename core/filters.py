"""The API's filter backend: django-filter's, refusing (400 naming the
parameter) what its schema does not allow rather than quietly ignoring it:
a parameter given more than once (django-filter took the last one),
integers no database column can hold, and an empty value for a filter that
is not free text (``?status=``: no status is empty)."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

BIGINT_MAX = 2**63 - 1
_INTEGER = re.compile(r"\s*[-+]?\d+\s*")


def out_of_range(value: str) -> bool:
    """Whether ``value`` is an integer beyond a 64-bit column's range."""
    return bool(_INTEGER.fullmatch(value)) and abs(int(value)) > BIGINT_MAX


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            errors = {}
            for name, filter_ in filterset_class.base_filters.items():
                values = request.query_params.getlist(name)
                if len(values) > 1:  # the schema says one value; which one is meant?
                    errors[name] = [_("Give this parameter once.")]
                elif any(out_of_range(v) for v in values):
                    errors[name] = [_("Must be at most %(max)d.") % {"max": BIGINT_MAX}]
                elif not isinstance(filter_, django_filters.CharFilter) and "" in values:
                    errors[name] = [_("May not be empty; leave the parameter out instead.")]
            if errors:
                raise ValidationError(errors)
        return super().filter_queryset(request, queryset, view)


@extend_schema_field({"type": "integer", "minimum": -BIGINT_MAX, "maximum": BIGINT_MAX})
class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number (documented and checked as an integer);
    one that matches nothing gives an empty list."""

    field_class = forms.IntegerField


@extend_schema_field({"type": "string", "pattern": r"^[^\u0000]*$"})
class TextFilter(django_filters.CharFilter):
    """Free text (documented as text without NUL, which forms refuse)."""


class TrueFalseField(forms.Field):
    """``true`` or ``false``, as the schema's boolean is written in a query
    string; anything else is refused (Django's null-boolean field would take
    ``null`` or ``maybe`` as "no filter")."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "True"):
            return True
        if value in ("false", "False"):
            return False
        raise forms.ValidationError(_("Must be true or false."), code="invalid")


class BooleanFilter(django_filters.BooleanFilter):
    field_class = TrueFalseField
