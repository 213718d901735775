from django.urls import path

from . import views

urlpatterns = [
    path("recognitions", views.wall, name="recognition-wall"),
    path("recognitions/feed.atom", views.RecognitionFeed(), name="recognition-feed"),
    path("recognitions/<int:pk>", views.post_detail, name="recognition-detail"),
]
