from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """``{count, next, previous, results}``; ``?page=`` a whole number from 1
    and ``?page_size=`` from 1 to 200 (anything else, an empty or a repeated
    value included, is a 400 naming it, not silently the first page or the
    default size)."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        value = raw[-1].strip()
        if len(raw) > 1 or not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("A whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(value)

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
