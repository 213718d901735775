"""Thin Celery tasks: explicit names, keyword-only ids, a service does the work."""

from celery import shared_task

from . import notifications, reminders, services


@shared_task(name="nominations.notify_nominees")
def notify_nominees(*, nomination_id: int) -> int:
    return notifications.nominees_notify(nomination_id=nomination_id)


@shared_task(name="nominations.send_result_notices")
def send_result_notices(*, cycle_id: int) -> int:
    return notifications.result_notices_send(cycle_id=cycle_id)


@shared_task(name="nominations.send_slot_notices")
def send_slot_notices(*, slot_id: int) -> int:
    return notifications.slot_notices_send(slot_id=slot_id)


@shared_task(name="nominations.sweep_notices")
def sweep_notices() -> int:
    return notifications.notices_sweep()


@shared_task(name="nominations.send_reminders")
def send_reminders() -> int:
    return reminders.reminders_run()


@shared_task(name="nominations.advance_due_cycles")
def advance_due_cycles() -> list[int]:
    return services.cycles_advance_due()


@shared_task(name="nominations.prune_review_changes")
def prune_review_changes() -> int:
    return services.review_changes_prune()


@shared_task(name="nominations.assign_reviewers", bind=True)
def assign_reviewers(self, *, cycle_id: int, actor_id: int | None = None) -> dict:
    """Large cycles: the assignment runs here and reports its progress."""
    from django.contrib.auth import get_user_model

    from . import assignment

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None

    def progress(done: int, total: int, stage: str) -> None:
        self.update_state(state="PROGRESS", meta={"done": done, "total": total, "stage": stage})

    result = assignment.reviewers_assign(cycle_id=cycle_id, actor=actor, progress=progress)
    return result.as_dict()
