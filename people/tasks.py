from celery import shared_task

from . import services


@shared_task(name="people.refresh_award_window")
def refresh_award_window() -> int:
    """Daily: awards older than five years leave the profiles' five-year count."""
    return services.career_profiles_refresh_award_window()
