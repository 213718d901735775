import pytest
from django.conf import settings
from django.core.management import call_command

from nominations.models import AwardLevel, Cycle, Nomination
from tests.nominations.helpers import nomination, publish_results


@pytest.fixture(scope="session", autouse=True)
def signing_key(django_db_setup):
    """The development signing key at the test settings' path (made once)."""
    if not settings.CERTIFICATE_SIGNING_KEY.exists():
        call_command("init_signing_key")
    return settings.CERTIFICATE_SIGNING_KEY


@pytest.fixture
def awarded(supervisor, subordinate, cycle):
    """A nomination decided gold for ``subordinate``, cycle in deciding."""
    item = nomination(cycle, supervisor, [subordinate])
    Nomination.objects.filter(pk=item.pk).update(
        status="decided",
        award_level=AwardLevel.objects.get(cycle=cycle, code="gold"),
        decision_rationale="r",
    )
    Cycle.objects.filter(pk=cycle.pk).update(phase="deciding")
    item.refresh_from_db()
    return item


@pytest.fixture
def publish(secretariat, cycle):
    """Publish, and hand the results-published event to its handlers here
    (certificates and rewards create their rows; their jobs are queued after
    the commit, which a test transaction runs only when asked to)."""

    return lambda: publish_results(cycle, secretariat)
