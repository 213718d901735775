from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=False)
router.register("certificates", views.CertificateViewSet, basename="certificate")

urlpatterns = [
    path("verify/<str:code>", views.VerifyCodeView.as_view(), name="api-verify-code"),
    path("verify", views.VerifyUploadView.as_view(), name="api-verify-upload"),
    path(
        "cycles/<int:cycle_id>/reissue-certificates",
        views.BulkReissueView.as_view(),
        name="api-reissue-certificates",
    ),
    *router.urls,
]
