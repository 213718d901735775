from django.dispatch import receiver

from nominations.signals import results_publishing

from . import services


@receiver(results_publishing)
def create_certificates(sender, cycle_id: int, **kwargs) -> None:
    """Inside the publishing transaction: pending certificates for every
    awarded nominee; their issue jobs are dispatched after the commit."""
    services.certificates_create_for_cycle(cycle_id=cycle_id)
