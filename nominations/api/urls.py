from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=False)
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("nominations", views.NominationViewSet, basename="nomination")
router.register("assignments", views.AssignmentViewSet, basename="assignment")

urlpatterns = [
    path(
        "nominations/<int:nomination_pk>/evidence/<int:pk>",
        views.EvidenceDownloadView.as_view(),
        name="api-evidence-download",
    ),
    *router.urls,
]
