"""The API's filter backend: django-filter's, refusing integers no database
column can hold (400 naming the parameter) rather than quietly matching nothing."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
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
            errors = {
                name: [_("Must be at most %(max)d.") % {"max": BIGINT_MAX}]
                for name in filterset_class.base_filters
                if any(out_of_range(v) for v in request.query_params.getlist(name))
            }
            if errors:
                raise ValidationError(errors)
        return super().filter_queryset(request, queryset, view)


class IdFilter(django_filters.NumberFilter):
    """An object id: a whole number (documented and checked as an integer);
    one that matches nothing gives an empty list."""

    field_class = forms.IntegerField
