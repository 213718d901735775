"""The caller's interview calendar (DESIGN §7.3): ``GET /me/calendar``
answers its secret iCalendar address, ``POST /me/calendar/rotate`` replaces
it; the address itself answers the feed without a login (calendar programs
subscribe to it), and 404 once rotated."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core import serializers as strict
from core.errors import NotFoundError
from nominations import calendar, services
from people.selectors import user_employee


class CalendarAddressSerializer(strict.Serializer):
    url = serializers.URLField(help_text="secret: whoever has it reads your interviews")


def _address(request, feed) -> dict:
    return {"url": request.build_absolute_uri(reverse("api-calendar-feed", args=[feed.token]))}


def _employee(request):
    employee = user_employee(request.user)
    if employee is None:
        raise NotFoundError()
    return employee


class MyCalendarView(APIView):
    """The secret address of your interviews' iCalendar feed."""

    @extend_schema(responses=CalendarAddressSerializer)
    def get(self, request):
        return Response(_address(request, services.calendar_feed(employee=_employee(request))))


class MyCalendarRotateView(APIView):
    """A new secret address; the old one stops working."""

    @extend_schema(request=None, responses=CalendarAddressSerializer)
    def post(self, request):
        return Response(_address(request, services.calendar_rotate(employee=_employee(request))))


class CalendarFeedView(APIView):
    """Public to whoever has the address: the interviews as iCalendar."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY})
    def get(self, request, token):
        body = calendar.feed_ics(token=token)
        if body is None:
            raise NotFoundError()
        return HttpResponse(body, content_type="text/calendar; charset=utf-8")
