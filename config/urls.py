from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.api import TaskView
from core.metrics import metrics
from core.views import health
from web.views import home as web_home

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health", health, name="health"),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", include("people.api.urls")),
    path("api/v1/", include("nominations.api.urls")),
    path("api/v1/", include("certificates.api.urls")),
    path("api/v1/", include("rewards.api.urls")),
    path("api/v1/tasks/<str:task_id>", TaskView.as_view(), name="api-task"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (no inline
    # script, for the Content-Security-Policy).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("api-auth/", include("rest_framework.urls")),
    # The language switch, remembered on the employee for their e-mails.
    path("i18n/setlang/", web_home.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("web.urls")),
]

# Django's own errors: the API's JSON shape under /api/, the site's pages elsewhere.
handler400 = "web.views.errors.bad_request"
handler403 = "web.views.errors.forbidden"
handler404 = "web.views.errors.not_found"
handler500 = "web.views.errors.server_error"
