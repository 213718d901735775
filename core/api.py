from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import lifecycle
from . import serializers as strict
from .errors import NotFoundError
from .jobs import task_payload, task_visible
from .models import StateChange
from .pagination import PageNumberPagination


class ReasonSerializer(strict.Serializer):
    """``{reason}`` for steps that need one (revoke, reject, reverse, re-issue)."""

    reason = serializers.CharField(max_length=2000)


class OptionalReasonSerializer(strict.Serializer):
    """``{reason}`` for steps where a note is optional (approve, withdraw)."""

    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TaskSerializer(strict.Serializer):
    id = serializers.CharField()
    state = serializers.CharField()
    progress = serializers.DictField(allow_null=True)
    result = serializers.JSONField(allow_null=True)


class TaskView(APIView):
    """State and progress of a background task started through the API
    (reviewer assignment of a large cycle, bulk certificate re-issue), for
    the person who started it and the secretariat; 404 for anyone else."""

    @extend_schema(responses=TaskSerializer)
    def get(self, request, task_id):
        if not task_visible(user=request.user, task_id=task_id):
            raise NotFoundError()
        return Response(task_payload(task_id))


class ActorSerializer(strict.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class StateChangeSerializer(strict.ModelSerializer):
    """One move of an object's lifecycle: who (``null`` for the system),
    when, from, to and why."""

    actor = ActorSerializer(allow_null=True)

    class Meta:
        model = StateChange
        fields = ["id", "field", "from_state", "to_state", "actor", "reason", "created_at"]


class StateChangePageSerializer(strict.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = StateChangeSerializer(many=True)


def history_response(request, obj) -> Response:
    """The paginated history of ``obj`` (oldest first); the caller has
    already checked that the user may read it."""
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(lifecycle.history(obj), request)
    return paginator.get_paginated_response(StateChangeSerializer(page, many=True).data)


HISTORY_SCHEMA = extend_schema(request=None, responses=StateChangePageSerializer)
