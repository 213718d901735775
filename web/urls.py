from django.contrib.auth import views as auth_views
from django.urls import path

from .views import cycles, home, manage, public, review, rounds, setup, staff, supervisor

urlpatterns = [
    # public
    path("recognitions", public.wall, name="recognition-wall"),
    path("recognitions/feed.atom", public.RecognitionFeed(), name="recognition-feed"),
    path("recognitions/<int:pk>", public.post_detail, name="recognition-detail"),
    path("verify/<str:code>", public.verify_page, name="verify-page"),
    path("", home.home, name="home"),
    path("favicon.ico", public.favicon),
    path("login", home.LoginView.as_view(), name="login"),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    # staff
    path("my/nominations", staff.my_nominations, name="web-my-nominations"),
    path("my/certificates", staff.my_certificates, name="web-my-certificates"),
    path("my/career", staff.my_career, name="web-my-career"),
    path("my/preference", staff.recognition_preference, name="web-recognition-preference"),
    # supervisor
    path("team", supervisor.team, name="web-team"),
    path("nominations/new", supervisor.nomination_new, name="web-nomination-new"),
    path("nominations/<int:pk>", supervisor.nomination_detail, name="web-nomination"),
    path(
        "nominations/<int:pk>/edit/<str:step>",
        supervisor.nomination_step,
        name="web-nomination-step",
    ),
    path("nominations/<int:pk>/evidence", supervisor.evidence_upload, name="web-evidence-upload"),
    path(
        "nominations/<int:pk>/evidence/<int:evidence_pk>/delete",
        supervisor.evidence_delete,
        name="web-evidence-delete",
    ),
    path("nominations/<int:pk>/submit", supervisor.nomination_submit, name="web-nomination-submit"),
    path(
        "nominations/<int:pk>/withdraw",
        supervisor.nomination_withdraw,
        name="web-nomination-withdraw",
    ),
    # reviewer
    path("reviews", review.queue, name="web-reviews"),
    path("reviews/<int:pk>", review.scoring, name="web-review"),
    path("reviews/<int:pk>/conflict", review.declare_conflict, name="web-review-conflict"),
    path("reviews/<int:pk>/reopen", review.reopen, name="web-review-reopen"),
    # secretariat and chair
    path("cycles", cycles.cycles, name="web-cycles"),
    path("cycles/new", setup.cycle_new, name="web-cycle-new"),
    path("cycles/<int:pk>", cycles.cycle_detail, name="web-cycle"),
    path("cycles/<int:pk>/nominations", cycles.nominations, name="web-cycle-nominations"),
    path("cycles/<int:pk>/setup", setup.setup, name="web-setup"),
    path("cycles/<int:pk>/setup/settings", setup.setup_settings, name="web-setup-settings"),
    path("cycles/<int:pk>/setup/categories", setup.category_add, name="web-category-add"),
    path(
        "cycles/<int:pk>/setup/categories/<int:category_pk>",
        setup.category_change,
        name="web-category",
    ),
    path("cycles/<int:pk>/setup/levels", setup.level_add, name="web-level-add"),
    path("cycles/<int:pk>/setup/levels/<slug:code>", setup.level_change, name="web-level"),
    path("cycles/<int:pk>/setup/incentives", setup.incentives, name="web-incentives-policy"),
    path("cycles/<int:pk>/setup/committee", setup.member_add, name="web-member-add"),
    path("cycles/<int:pk>/setup/committee/<int:member_pk>", setup.member_change, name="web-member"),
    path("cycles/<int:pk>/rubric", setup.rubric, name="web-rubric"),
    path("cycles/<int:pk>/phase", cycles.cycle_phase, name="web-cycle-phase"),
    path("cycles/<int:pk>/screening", cycles.screening, name="web-screening"),
    path("cycles/<int:pk>/screening/<int:nomination_pk>", cycles.screen, name="web-screen"),
    path("cycles/<int:pk>/screening/eligible", cycles.screen_many, name="web-screen-many"),
    path("cycles/<int:pk>/assignment", cycles.assignment_page, name="web-assignment"),
    path("cycles/<int:pk>/assignment/add", cycles.assignment_add, name="web-assignment-add"),
    path(
        "cycles/<int:pk>/assignment/<int:assignment_pk>/remove",
        cycles.assignment_remove,
        name="web-assignment-remove",
    ),
    path("cycles/<int:pk>/rounds", rounds.rounds_page, name="web-rounds"),
    path("cycles/<int:pk>/rounds/<int:round_pk>", rounds.round_change, name="web-round"),
    path("cycles/<int:pk>/rounds/<int:round_pk>/shortlist", rounds.shortlist, name="web-shortlist"),
    path(
        "cycles/<int:pk>/rounds/<int:round_pk>/schedule",
        rounds.interview_schedule,
        name="web-schedule",
    ),
    path("cycles/<int:pk>/interviews/<int:slot_pk>", rounds.moderate, name="web-moderate"),
    path("cycles/<int:pk>/ranking", cycles.ranking, name="web-ranking"),
    path("cycles/<int:pk>/decide/<int:nomination_pk>", cycles.decide, name="web-decide"),
    path("cycles/<int:pk>/publication", cycles.publication, name="web-publication"),
    path(
        "cycles/<int:pk>/publication/progress",
        cycles.publication_progress_fragment,
        name="web-publication-progress",
    ),
    path("cycles/<int:pk>/promotion", cycles.promotion, name="web-promotion"),
    path("cycles/<int:pk>/charts", cycles.stats, name="web-stats"),
    path("tasks/<str:task_id>", cycles.task_progress, name="web-task"),
    path("certificates", manage.certificates, name="web-certificates"),
    path(
        "certificates/<int:pk>/<str:action>",
        manage.certificate_action,
        name="web-certificate-action",
    ),
    path("webhooks", manage.webhooks, name="web-webhooks"),
    path("webhooks/<int:pk>", manage.webhook, name="web-webhook"),
    # HR
    path("incentives", manage.incentives, name="web-incentives"),
    path("incentives/bulk", manage.incentives_bulk, name="web-incentives-bulk"),
    path("incentives/<int:pk>/<str:action>", manage.incentive_action, name="web-incentive-action"),
    path("career-events.csv", manage.career_export, name="web-career-export"),
    # public
    path("verify", public.verify, name="web-verify"),
]
