from urllib.parse import urlencode

import django_filters
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError, NotFoundError
from core.filters import BooleanFilter, IdFilter, TextFilter
from core.pagination import KeysetPagination
from core.parsers import JSONParser
from core.throttles import ClientAddressThrottle
from people import selectors, services
from people.authentication import revoke_tokens
from people.login_limits import login_blocked
from people.models import Employee, OrgUnit

from .serializers import (
    CareerFeedSerializer,
    EmployeeSerializer,
    MeSerializer,
    PreferencesSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)


class LoginThrottle(ClientAddressThrottle):
    scope = "login"
    rate = "20/min"


class TokenView(APIView):
    """``POST``: exchange a username and password for an API token (the same
    token while it lives). ``DELETE``: revoke the caller's tokens (log out).
    A token unused for ``API_TOKEN_IDLE_DAYS`` expires; changing the password
    revokes it."""

    throttle_classes = [LoginThrottle]
    # A login may come as JSON or as a form (curl -d username=… -d password=…).
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def initialize_request(self, request, *args, **kwargs):
        self.logging_in = request.method == "POST"
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self):
        # Logging in needs no credentials (and no CSRF token for a session).
        return [] if getattr(self, "logging_in", False) else super().get_authenticators()

    def get_permissions(self):
        if getattr(self, "logging_in", False):
            return [permissions.AllowAny()]
        return super().get_permissions()

    def get_throttles(self):
        return super().get_throttles() if getattr(self, "logging_in", False) else []

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        revoke_tokens(user=request.user)
        return Response(status=204)

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if login_blocked(request, data.validated_data["username"]):
            raise Throttled(detail=_("Too many failed logins; try again later."))
        user = authenticate(
            request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ApplicationError(
                _("Unable to log in with the given username and password."),
                fields={"password": [_("Wrong username or password.")]},
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeView(APIView):
    """Who I am: username, roles, my employee record, my career profile and
    my public-recognition preference. ``PATCH`` changes the preference:
    ``{"public_recognition": false}`` hides every post naming me from the
    public wall, API and feed at once."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        employee = selectors.user_employee(request.user)
        if employee is not None:
            employee = Employee.objects.select_related("org_unit").get(pk=employee.pk)
        return Response(
            MeSerializer(
                {
                    "username": request.user.get_username(),
                    "roles": selectors.user_roles(request.user),
                    "employee": employee,
                    "public_recognition": employee.public_recognition if employee else None,
                    "career_profile": (
                        selectors.career_profile_get(employee=employee) if employee else None
                    ),
                }
            ).data
        )

    @extend_schema(request=PreferencesSerializer, responses=MeSerializer)
    def patch(self, request):
        employee = selectors.user_employee(request.user)
        if employee is None:
            raise NotFoundError()
        data = PreferencesSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        if "public_recognition" in data.validated_data:  # PATCH: only what is sent
            services.employee_set_public_recognition(
                employee=employee, public=data.validated_data["public_recognition"]
            )
        return self.get(request)


class CareerFeedView(APIView):
    """Career events for HR systems (HR role), in a stable order.

    Start without ``after``; then pass the ``next_cursor`` of each answer as
    ``after`` to get only newer events. Each event has a unique ``id`` (and
    a ``reference`` naming its origin), so a consumer that stores the last
    cursor it processed can resume and apply each event exactly once. Events
    are never changed or deleted: a correction is a new event with the
    opposite amount. ``limit``: 1–1000 (default 200)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("after", str, description="the previous answer's next_cursor"),
            OpenApiParameter("limit", int, description="1–1000, default 200"),
        ],
        responses=CareerFeedSerializer,
    )
    def get(self, request):
        if not request.user.has_perm("people.read_career_feed"):
            raise NotFoundError()
        after = request.query_params.get("after") or None
        try:
            cursor = selectors.parse_career_cursor(after) if after else None
        except ValueError:
            raise ApplicationError(
                _("Not a cursor from this feed."), fields={"after": [_("Not a valid cursor.")]}
            ) from None
        try:
            limit = int(request.query_params.get("limit", 200))
            if not 1 <= limit <= 1000:
                raise ValueError(limit)
        except ValueError:
            raise ApplicationError(
                _("The limit must be a whole number from 1 to 1000."),
                fields={"limit": [_("Enter a whole number from 1 to 1000.")]},
            ) from None
        events = list(selectors.career_feed(after=cursor)[: limit + 1])
        has_more = len(events) > limit
        events = events[:limit]
        next_cursor = selectors.career_cursor(events[-1]) if events else after
        next_url = None
        if has_more:
            next_url = request.build_absolute_uri(
                f"{request.path}?{urlencode({'after': next_cursor, 'limit': limit})}"
            )
        return Response(
            CareerFeedSerializer(
                {
                    "results": events,
                    "next_cursor": next_cursor,
                    "has_more": has_more,
                    "next": next_url,
                }
            ).data
        )


class OrgUnitFilter(IdFilter):
    """An org unit id; matches employees in that unit and every unit below it
    (an id that is no unit matches nobody)."""


class EmployeeFilter(django_filters.FilterSet):
    search = TextFilter(method="filter_search", label=_("name or NIP contains"))
    unit = OrgUnitFilter(
        method="filter_unit",
        label=_("org unit id (includes the units below it)"),
    )
    active = BooleanFilter()

    class Meta:
        model = Employee
        fields = ["search", "unit", "active"]

    def filter_search(self, queryset, name, value):
        return selectors.employee_search(queryset, value, sortable=True)

    def filter_unit(self, queryset, name, value):
        unit = OrgUnit.objects.filter(pk=value).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(org_unit__in=selectors.orgunit_subtree(unit=unit))


class EmployeeListView(generics.ListAPIView):
    """Employees I may see: secretariat and HR see everyone, a supervisor their
    own reporting line (direct and indirect), anyone else nobody. By name,
    a page at a time through the links (``cursor``); ``count`` is exact up
    to 10,000."""

    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilter
    pagination_class = KeysetPagination

    def get_queryset(self):
        return selectors.employee_list(user=self.request.user)

    @property
    def keyset_ordering(self) -> tuple[str, str]:
        return selectors.employee_search_sort(self.request.query_params.get("search", ""))
