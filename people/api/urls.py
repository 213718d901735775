from django.urls import path

from . import views

urlpatterns = [
    path("auth/token", views.TokenView.as_view(), name="api-token"),
    path("me", views.MeView.as_view(), name="api-me"),
    path("employees", views.EmployeeListView.as_view(), name="api-employees"),
    path("career-events", views.CareerFeedView.as_view(), name="api-career-events"),
]
