"""Input serializers validate; output serializers shape. No rules here."""

from decimal import Decimal

from rest_framework import serializers

from core import serializers as strict
from rewards.models import (
    IncentiveKind,
    IncentiveRecord,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)


class IncentiveSerializer(strict.ModelSerializer):
    employee = serializers.SerializerMethodField()
    award_level = serializers.CharField(source="award_level.code")
    cycle = serializers.IntegerField(source="cycle_id")
    nomination = serializers.SerializerMethodField()
    decided_by = serializers.CharField(source="decided_by.username", default=None)
    reverses = serializers.IntegerField(source="reverses_id", allow_null=True)

    class Meta:
        model = IncentiveRecord
        fields = [
            "id",
            "cycle",
            "nomination",
            "award_level",
            "employee",
            "kind",
            "amount",
            "unit",
            "status",
            "decided_by",
            "decided_at",
            "reason",
            "reverses",
            "created_at",
        ]

    def get_employee(self, obj) -> dict:
        return {
            "id": obj.employee_id,
            "nip": obj.employee.nip,
            "name": obj.employee.name,
            "unit": obj.employee.org_unit.code,
        }

    def get_nomination(self, obj) -> dict:
        return {"id": obj.nomination_id, "title": obj.nomination.title}


class BulkDecisionSerializer(strict.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=1000
    )
    action = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class BulkOutcomeSerializer(strict.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(allow_null=True, help_text="null: no such record of yours")
    error = serializers.CharField(allow_null=True, help_text="why this one was not done")


class BulkResultSerializer(strict.Serializer):
    results = BulkOutcomeSerializer(many=True)


class IncentiveItemSerializer(strict.Serializer):
    kind = serializers.ChoiceField(choices=IncentiveKind.choices)
    amount = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=Decimal(0), default=Decimal(0)
    )


class PolicyInputSerializer(strict.Serializer):
    bonus_budget = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=Decimal(0), required=False
    )
    levels = serializers.DictField(child=IncentiveItemSerializer(many=True), required=False)


class PolicySerializer(strict.Serializer):
    cycle = serializers.IntegerField()
    bonus_budget = serializers.DecimalField(max_digits=16, decimal_places=2)
    bonus_approved = serializers.DecimalField(max_digits=16, decimal_places=2)
    bonus_left = serializers.DecimalField(max_digits=16, decimal_places=2)
    levels = serializers.DictField(child=IncentiveItemSerializer(many=True))


class RecognitionSerializer(strict.Serializer):
    """The public shape of a post (``rewards.selectors.recognition_payload``)."""

    id = serializers.IntegerField()
    title = serializers.CharField(help_text="In the request's language.")
    body = serializers.CharField(help_text="In the request's language.")
    titles = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="``{id, en}``"
    )
    bodies = serializers.DictField(
        child=serializers.CharField(allow_blank=True), help_text="``{id, en}``"
    )
    names = serializers.CharField()
    unit = serializers.CharField()
    award = serializers.DictField(child=serializers.CharField())
    cycle = serializers.DictField()
    category = serializers.DictField(child=serializers.CharField())
    published_at = serializers.DateTimeField()
    url = serializers.URLField()
    verification_url = serializers.URLField(allow_null=True)


class WebhookEndpointSerializer(strict.ModelSerializer):
    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "active",
            "secret",
            "disabled_reason",
            "failures",
            "retry_at",
            "created_at",
        ]
        read_only_fields = ["secret", "disabled_reason", "failures", "retry_at", "created_at"]


class WebhookEndpointInputSerializer(strict.Serializer):
    url = serializers.URLField(max_length=500)
    description = serializers.CharField(max_length=200, allow_blank=True, default="")
    active = serializers.BooleanField(default=True)


class WebhookAttemptSerializer(strict.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["id", "created_at", "status_code", "error", "duration_ms", "response_excerpt"]


class WebhookDeliverySerializer(strict.ModelSerializer):
    attempts_log = WebhookAttemptSerializer(source="tries", many=True)
    post = serializers.IntegerField(source="post_id")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event_type",
            "post",
            "status",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "last_error",
            "created_at",
            "attempts_log",
        ]
