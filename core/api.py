from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .jobs import task_payload


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
