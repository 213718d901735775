from django.dispatch import receiver

from nominations.signals import results_publishing

from . import services


@receiver(results_publishing)
def create_publication(sender, cycle_id: int, **kwargs) -> None:
    """Inside the publishing transaction: the rewards job's row; the job
    (incentive records, award events, posts, webhooks, e-mails) is
    dispatched after the commit."""
    services.publication_create(cycle_id=cycle_id)
