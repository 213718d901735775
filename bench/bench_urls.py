"""The project's URLs plus two baselines served by the same gunicorn:
a hello-JSON view and a bare DRF ``ListAPIView`` over one table."""

from django.http import JsonResponse
from django.urls import include, path
from rest_framework import authentication, generics, renderers, serializers

from nominations.models import Nomination


def hello(request):
    return JsonResponse({"hello": "world"})


class BareSerializer(serializers.ModelSerializer):
    class Meta:
        model = Nomination
        fields = [
            "id",
            "cycle",
            "category",
            "nominator",
            "title",
            "status",
            "submitted_at",
            "started_on",
            "created_at",
            "updated_at",
        ]


class BareList(generics.ListAPIView):
    """Stock DRF: DRF's own token authentication and JSON renderer, a
    ModelSerializer, the project's pagination."""

    authentication_classes = [authentication.TokenAuthentication]
    renderer_classes = [renderers.JSONRenderer]
    serializer_class = BareSerializer
    queryset = Nomination.objects.order_by("-created_at", "-id")


urlpatterns = [
    path("bench/hello", hello),
    path("bench/bare", BareList.as_view()),
    path("", include("config.urls")),
]
