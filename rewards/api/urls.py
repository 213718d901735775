from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=False)
router.register("incentives", views.IncentiveViewSet, basename="incentive")
router.register("recognitions", views.RecognitionViewSet, basename="recognition")
router.register("webhook-endpoints", views.WebhookEndpointViewSet, basename="webhook-endpoint")

urlpatterns = [
    path(
        "cycles/<int:cycle_id>/incentive-policy",
        views.IncentivePolicyView.as_view(),
        name="api-incentive-policy",
    ),
    path(
        "cycles/<int:cycle_id>/incentives.<str:ext>",
        views.IncentiveExportView.as_view(),
        name="api-incentive-export",
    ),
    *router.urls,
]
