from base64 import b64decode
from urllib import parse

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response


class StrictPageSize:
    """``?page_size=`` from 1 to 200; anything else, an empty or a repeated
    value included, is a 400 naming it, not silently the default size."""

    page_size_query_param: str | None = "page_size"
    max_page_size: int | None = 200
    page_size: int | None

    def get_page_size(self, request):
        name, most = self.page_size_query_param or "page_size", self.max_page_size or 200
        raw = request.query_params.getlist(name)
        if not raw:
            return self.page_size
        value = raw[-1].strip()
        if len(raw) > 1 or not value.isdigit() or not 1 <= int(value) <= most:
            raise ValidationError({name: [_("A whole number from 1 to %(max)d.") % {"max": most}]})
        return int(value)


class PageNumberPagination(StrictPageSize, pagination.PageNumberPagination):
    """``{count, next, previous, results}``; ``?page=`` a whole number from 1
    and ``?page_size=`` from 1 to 200 (anything else, an empty or a repeated
    value included, is a 400 naming it, not silently the first page or the
    default size)."""

    def page_number(self, request) -> int | str:
        """The page asked for: a whole number from 1, or ``last`` (DRF's
        name for the last page); 1 when not given."""
        raw = request.query_params.getlist(self.page_query_param)
        if not raw:
            return 1
        value = raw[-1].strip()
        if len(raw) == 1 and value in self.last_page_strings:
            return value
        if len(raw) > 1 or not value.isdigit() or int(value) < 1:
            raise ValidationError({self.page_query_param: [_("A whole number from 1.")]})
        return int(value)

    def get_page_number(self, request, paginator):
        number = self.page_number(request)
        return paginator.num_pages if isinstance(number, str) else number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
            elif parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters


class KeysetPagination(StrictPageSize, pagination.CursorPagination):
    """Pages of a long list that cost the same at its end as at its start:
    ``{count, count_exact, next, previous, last, results}``, the links
    carrying an opaque ``?cursor=`` (DRF's cursor pagination: the next page
    starts after the last row's sort key, an index range instead of an
    ``OFFSET`` that reads every row before it).

    ``count`` is exact up to ``count_cap`` (then ``count_exact`` is true);
    beyond it, counting would read the whole list on every page, so
    ``count`` is the cap and ``count_exact`` false ("more than this").
    ``last`` links to the last page (the list read backwards). The view
    names its order in ``keyset_ordering``: a tuple whose first field is
    nearly unique and whose last is unique, matched by an index."""

    count_cap = 10_000
    ordering = ("-id",)
    # A page that shows no count (the public wall) does not pay for one:
    # counting up to the cap reads ten thousand rows and their filters.
    counts = True

    def get_ordering(self, request, queryset, view):
        return tuple(getattr(view, "keyset_ordering", self.ordering))

    def _refuse_cursor(self) -> ValidationError:
        return ValidationError(
            {self.cursor_query_param: [_("Not a cursor of this list: use its links.")]}
        )

    def decode_cursor(self, request):
        raw = request.query_params.getlist(self.cursor_query_param)
        try:
            if len(raw) > 1 or (raw and not raw[0].strip()):
                raise NotFound()
            cursor = super().decode_cursor(request)
            # DRF cuts a larger offset down to its limit; a link never holds one.
            offset = parse.parse_qs(b64decode(raw[0]).decode()).get("o", ["0"])[0] if raw else "0"
            if int(offset) > self.offset_cutoff:
                raise NotFound()
        except (NotFound, ValueError):
            raise self._refuse_cursor() from None
        return cursor

    def paginate_queryset(self, queryset, request, view=None):
        if "page" in request.query_params:
            raise ValidationError(
                {
                    "page": [
                        _(
                            "This list is read page by page through its links (cursor),"
                            " not by number."
                        )
                    ]
                }
            )
        try:
            page: list | None = super().paginate_queryset(queryset, request, view)
        except (DjangoValidationError, ValueError, TypeError, DataError):
            # A cursor whose position is no value of the sort field (not a
            # date, beyond the id's range, a byte the database refuses).
            raise self._refuse_cursor() from None
        if not self.counts:
            return page
        if self.cursor is None and not self.has_next:
            self.count = len(page or [])  # the first page holds the whole list: no count
        else:
            self.count = queryset.order_by()[: self.count_cap + 1].count()
        return page

    def get_last_link(self) -> str | None:
        """The last page: the list read backwards from its end."""
        if not self.has_next:
            return None
        return self.encode_cursor(pagination.Cursor(offset=0, reverse=True, position=None))

    def get_paginated_response(self, data):
        return Response(
            {
                "count": min(self.count, self.count_cap),
                "count_exact": self.count <= self.count_cap,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "last": self.get_last_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        link = answer["properties"]["next"]
        answer["required"] = ["count", "count_exact", "next", "previous", "last", "results"]
        answer["properties"] = {
            "count": {
                "type": "integer",
                "description": f"Rows in the list, or {self.count_cap} when there are more.",
            },
            "count_exact": {
                "type": "boolean",
                "description": f"False when the list has more than {self.count_cap} rows.",
            },
            "next": link,
            "previous": answer["properties"]["previous"],
            "last": {**link, "description": "The last page; null on the last page."},
            "results": schema,
        }
        return answer

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": 200}
            elif parameter["name"] == self.cursor_query_param:
                parameter["description"] = (
                    "Opaque: the value in the list's next, previous or last link; any other"
                    " value is a 400."
                )
                parameter["schema"] = {"type": "string", "minLength": 1}
        return parameters
