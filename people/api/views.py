import django_filters
from django.contrib.auth import authenticate
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, permissions
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.errors import ApplicationError
from people import selectors
from people.models import Employee, OrgUnit

from .serializers import EmployeeSerializer, MeSerializer, TokenRequestSerializer, TokenSerializer


class LoginThrottle(AnonRateThrottle):
    scope = "login"
    rate = "20/min"


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(request=TokenRequestSerializer, responses=TokenSerializer)
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
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
    """Who I am: username, roles and my employee record."""

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
                }
            ).data
        )


@extend_schema_field(OpenApiTypes.INT)
class OrgUnitFilter(django_filters.ModelChoiceFilter):
    """An org unit id; matches employees in that unit and every unit below it."""


class EmployeeFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label=_("name or NIP contains"))
    unit = OrgUnitFilter(
        queryset=OrgUnit.objects.all(),
        method="filter_unit",
        label=_("org unit id (includes the units below it)"),
    )
    active = django_filters.BooleanFilter()

    class Meta:
        model = Employee
        fields = ["search", "unit", "active"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(nip__startswith=value.replace(" ", "")))

    def filter_unit(self, queryset, name, value):
        return queryset.filter(org_unit__in=selectors.orgunit_subtree(unit=value))


class EmployeeListView(generics.ListAPIView):
    """Employees I may see: secretariat and HR see everyone, a supervisor their
    own reporting line (direct and indirect), anyone else nobody."""

    serializer_class = EmployeeSerializer
    filterset_class = EmployeeFilter

    def get_queryset(self):
        return selectors.employee_list(user=self.request.user).order_by("name", "id")
