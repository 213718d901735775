from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .jobs import task_payload


class ReasonSerializer(serializers.Serializer):
    """``{reason}`` for steps that need one (revoke, reject, reverse); the
    service says when it is blank."""

    reason = serializers.CharField(max_length=2000, allow_blank=True)


class OptionalReasonSerializer(serializers.Serializer):
    """``{reason}`` for steps where a note is optional (approve, withdraw)."""

    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TaskSerializer(serializers.Serializer):
    id = serializers.CharField()
    state = serializers.CharField()
    progress = serializers.DictField(allow_null=True)
    result = serializers.JSONField(allow_null=True)


class TaskView(APIView):
    """State and progress of a background task started through the API
    (reviewer assignment of a large cycle, bulk certificate re-issue)."""

    @extend_schema(responses=TaskSerializer)
    def get(self, request, task_id):
        return Response(task_payload(task_id))
