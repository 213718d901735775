from django.urls import path
from rest_framework.routers import SimpleRouter

from . import calendar, rounds, setup, verification, views

router = SimpleRouter(trailing_slash=False)
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("nominations", views.NominationViewSet, basename="nomination")
router.register("assignments", views.AssignmentViewSet, basename="assignment")

urlpatterns = [
    path("cycles/<int:cycle_pk>/categories", setup.CategoriesView.as_view()),
    path("cycles/<int:cycle_pk>/categories/<int:pk>", setup.CategoryView.as_view()),
    path("cycles/<int:cycle_pk>/award-levels", setup.AwardLevelsView.as_view()),
    path("cycles/<int:cycle_pk>/award-levels/<slug:code>", setup.AwardLevelView.as_view()),
    path("cycles/<int:cycle_pk>/committee", setup.CommitteeView.as_view()),
    path("cycles/<int:cycle_pk>/committee/<int:pk>", setup.CommitteeMemberView.as_view()),
    path("cycles/<int:cycle_pk>/assignments", setup.CycleAssignmentsView.as_view()),
    path("cycles/<int:cycle_pk>/rounds", rounds.CycleRoundsView.as_view()),
    path("rounds/<int:pk>", rounds.RoundView.as_view()),
    path("me/calendar", calendar.MyCalendarView.as_view()),
    path("me/calendar/rotate", calendar.MyCalendarRotateView.as_view()),
    path(
        "calendar/<str:token>.ics",
        calendar.CalendarFeedView.as_view(),
        name="api-calendar-feed",
    ),
    path("rounds/<int:pk>/shortlist", rounds.ShortlistView.as_view()),
    path("rounds/<int:pk>/advance", rounds.AdvanceView.as_view()),
    path("rounds/<int:pk>/history", rounds.RoundHistoryView.as_view()),
    path("rounds/<int:pk>/publish-shortlist", rounds.ShortlistPublishView.as_view()),
    path("shortlists", rounds.PublicShortlistsView.as_view()),
    path("shortlists/<int:pk>", rounds.PublicShortlistView.as_view()),
    path("rounds/<int:pk>/schedule", rounds.ScheduleView.as_view()),
    path("rounds/<int:pk>/slots", rounds.SlotsView.as_view()),
    path("slots/<int:pk>", rounds.SlotView.as_view()),
    path("nominations/<int:pk>/claims", verification.ClaimsView.as_view()),
    path("assignments/<int:pk>/verification", verification.VerificationView.as_view()),
    path(
        "assignments/<int:pk>/verification/files/<int:file_pk>",
        verification.CheckFileView.as_view(),
        name="api-check-file",
    ),
    path("cycles/<int:cycle_pk>/progress", setup.CycleProgressView.as_view()),
    path(
        "cycles/<int:cycle_pk>/ranking.<str:ext>",
        setup.RankingExportView.as_view(),
        name="api-ranking-export",
    ),
    path(
        "cycles/<int:cycle_pk>/reviews.<str:ext>",
        setup.ReviewsExportView.as_view(),
        name="api-reviews-export",
    ),
    path(
        "nominations/<int:nomination_pk>/evidence/<int:pk>",
        views.EvidenceDownloadView.as_view(),
        name="api-evidence-download",
    ),
    *router.urls,
]
