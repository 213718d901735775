import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import HISTORY_SCHEMA, OptionalReasonSerializer, ReasonSerializer, history_response
from core.csv import csv_response, xlsx_response
from core.errors import NotFoundError
from core.filters import IdFilter, TextFilter
from core.pagination import KeysetPagination
from nominations.selectors import cycle_list
from rewards import selectors, services
from rewards.models import IncentiveRecord, RecognitionPost

from .serializers import (
    BulkDecisionSerializer,
    BulkResultSerializer,
    IncentiveSerializer,
    PolicyInputSerializer,
    PolicySerializer,
    RecognitionSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointInputSerializer,
    WebhookEndpointSerializer,
)


class IncentiveFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle")
    employee = IdFilter(field_name="employee")

    class Meta:
        model = IncentiveRecord
        fields = ["cycle", "status", "kind", "employee"]


class IncentiveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Incentive records: HR sees all and decides; everyone else sees their
    own. Filters: ``cycle``, ``status``, ``kind``, ``employee``."""

    serializer_class = IncentiveSerializer
    filterset_class = IncentiveFilter

    def get_queryset(self):
        return selectors.incentive_list(user=self.request.user).order_by("id")

    def _answer(self, record, code=status.HTTP_200_OK):
        return Response(
            IncentiveSerializer(selectors.incentive_get(user=self.request.user, pk=record.pk)).data,
            status=code,
        )

    @extend_schema(request=BulkDecisionSerializer, responses=BulkResultSerializer)
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        """Approve or reject many records at once (HR); one outcome per id. The
        bonus budget is checked for the batch: when the batch's bonuses exceed
        what a cycle has left, none of them is approved (each says why)."""
        data = BulkDecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            {"results": services.incentives_decide_many(actor=request.user, **data.validated_data)}
        )

    @extend_schema(request=OptionalReasonSerializer, responses=IncentiveSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve (HR), with an optional ``reason``: appends the career event;
        a bonus draws on the cycle's budget."""
        record = selectors.incentive_get(user=request.user, pk=pk)
        data = OptionalReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(
            services.incentive_approve(
                record_id=record.pk, actor=request.user, reason=data.validated_data["reason"]
            )
        )

    @extend_schema(request=ReasonSerializer, responses=IncentiveSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject with a reason (HR)."""
        record = selectors.incentive_get(user=request.user, pk=pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._answer(
            services.incentive_reject(
                record_id=record.pk, actor=request.user, reason=data.validated_data["reason"]
            )
        )

    @extend_schema(request=ReasonSerializer, responses={201: IncentiveSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Correct an approved record (HR): answers the new, reversing record."""
        record = selectors.incentive_get(user=request.user, pk=pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reversal = services.incentive_reverse(
            record_id=record.pk, actor=request.user, reason=data.validated_data["reason"]
        )
        return self._answer(reversal, status.HTTP_201_CREATED)

    @HISTORY_SCHEMA
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Who approved or rejected the record, when and why (HR)."""
        record = selectors.incentive_get(user=request.user, pk=pk)
        if not request.user.has_perm("rewards.decide_incentive", record):
            raise NotFoundError()
        return history_response(request, record)


def _cycle_or_404(cycle_id):
    cycle = cycle_list().filter(pk=cycle_id).first()
    if cycle is None:
        raise NotFoundError()
    return cycle


class IncentivePolicyView(APIView):
    """A cycle's bonus budget and incentives per award level. Secretariat and
    HR read it; the secretariat changes it (incentives are fixed once the
    cycle is published; the budget may still grow)."""

    @extend_schema(responses=PolicySerializer)
    def get(self, request, cycle_id):
        cycle = _cycle_or_404(cycle_id)
        if not request.user.has_perm("rewards.view_policy", cycle):
            raise NotFoundError()
        return Response(PolicySerializer(selectors.incentive_policy(cycle=cycle)).data)

    @extend_schema(request=PolicyInputSerializer, responses=PolicySerializer)
    def put(self, request, cycle_id):
        data = PolicyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.incentive_policy_set(
            cycle_id=cycle_id,
            actor=request.user,
            bonus_budget=data.validated_data.get("bonus_budget"),
            levels=data.validated_data.get("levels"),
        )
        cycle = _cycle_or_404(cycle_id)
        return Response(PolicySerializer(selectors.incentive_policy(cycle=cycle)).data)


EXPORT_COLUMNS = [
    "record",
    "nip",
    "name",
    "unit_code",
    "unit",
    "kind",
    "amount",
    "amount_unit",
    "award_level",
    "nomination",
    "approved_at",
    "reverses",
]


def _export_rows(records):
    for r in records.iterator(chunk_size=2000):
        yield [
            r.pk,
            r.employee.nip,
            r.employee.name,
            r.employee.org_unit.code,
            r.employee.org_unit.name,
            r.kind,
            r.amount,
            r.unit,
            r.award_level.code,
            r.nomination.title,
            timezone.localtime(r.decided_at).strftime("%Y-%m-%d %H:%M") if r.decided_at else "",
            r.reverses_id or "",
        ]


class IncentiveExportView(APIView):
    """A cycle's approved incentives for payroll (HR), as ``csv`` or ``xlsx``.
    Reversals appear as rows with negative amounts."""

    @extend_schema(
        parameters=[OpenApiParameter("ext", str, OpenApiParameter.PATH, enum=["csv", "xlsx"])],
        responses={(200, "text/csv"): OpenApiResponse(description="the export")},
    )
    def get(self, request, cycle_id, ext):
        if ext not in ("csv", "xlsx"):
            raise NotFoundError()
        cycle = _cycle_or_404(cycle_id)
        if not request.user.has_perm("rewards.export_incentives", cycle):
            raise NotFoundError()
        records = selectors.approved_incentives_for_export(cycle_id=cycle.pk)
        name = f"insentif-{cycle.pk}-{timezone.localdate():%Y%m%d}.{ext}"
        if ext == "csv":
            return csv_response(name, EXPORT_COLUMNS, _export_rows(records))
        return xlsx_response(name, _("Incentives"), EXPORT_COLUMNS, _export_rows(records))


class RecognitionFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle")
    category = TextFilter(field_name="category__code")
    unit = TextFilter(field_name="org_unit__code")

    class Meta:
        model = RecognitionPost
        fields = ["cycle", "category", "unit"]


class RecognitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public recognition posts, newest first, a page at a time through the
    links (``cursor``). Filters: ``cycle`` (id), ``category`` (code),
    ``unit`` (org unit code). No login needed."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    serializer_class = RecognitionSerializer
    filterset_class = RecognitionFilter
    pagination_class = KeysetPagination
    keyset_ordering = ("-published_at", "-id")

    def get_queryset(self):
        return selectors.recognition_posts_public()

    def get_serializer(self, instance=None, *args, **kwargs):
        if isinstance(instance, RecognitionPost):
            instance = selectors.recognition_payload(instance)
        elif instance is not None:
            instance = [selectors.recognition_payload(post) for post in instance]
        return super().get_serializer(instance, *args, **kwargs)

    def retrieve(self, request, pk=None):
        post = selectors.recognition_post_get(pk)
        return Response(RecognitionSerializer(selectors.recognition_payload(post)).data)


class WebhookEndpointViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Outgoing webhook endpoints (secretariat). The signing secret is made
    for you (``whsec_`` + 32 random bytes, base64). Setting ``active`` to
    false stops deliveries; true again clears the failure count."""

    serializer_class = WebhookEndpointSerializer

    def get_queryset(self):
        return selectors.webhook_endpoint_list(user=self.request.user).order_by("id")

    @extend_schema(
        request=WebhookEndpointInputSerializer, responses={201: WebhookEndpointSerializer}
    )
    def create(self, request):
        if not request.user.has_perm("rewards.manage_webhooks"):
            raise NotFoundError()
        data = WebhookEndpointInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_save(actor=request.user, **data.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WebhookEndpointInputSerializer, responses=WebhookEndpointSerializer)
    def partial_update(self, request, pk=None):
        endpoint = self.get_object()
        current = {
            "url": endpoint.url,
            "description": endpoint.description,
            "active": endpoint.active,
        }
        data = WebhookEndpointInputSerializer(data={**current, **request.data})
        data.is_valid(raise_exception=True)
        endpoint = services.webhook_endpoint_save(
            actor=request.user, endpoint=endpoint, **data.validated_data
        )
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The delivery log: one row per post, with every attempt."""
        endpoint = self.get_object()
        page = self.paginate_queryset(
            selectors.webhook_delivery_list(user=request.user, endpoint_id=endpoint.pk)
        )
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)
