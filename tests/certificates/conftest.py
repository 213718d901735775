import pytest
from django.conf import settings
from django.core.management import call_command

from tests.nominations.helpers import decided, move_to, publish_results


@pytest.fixture(scope="session", autouse=True)
def signing_key(django_db_setup):
    """The development signing key at the test settings' path (made once)."""
    if not settings.CERTIFICATE_SIGNING_KEY.exists():
        call_command("init_signing_key")
    return settings.CERTIFICATE_SIGNING_KEY


@pytest.fixture
def awarded(supervisor, subordinate, cycle):
    """A nomination decided gold for ``subordinate``, cycle in deciding."""
    item = decided(cycle, supervisor, [subordinate])
    move_to(cycle, "deciding")
    return item


@pytest.fixture
def publish(secretariat, cycle):
    """Publish, and hand the results-published event to its handlers here
    (certificates and rewards create their rows; their jobs are queued after
    the commit, which a test transaction runs only when asked to)."""

    return lambda: publish_results(cycle, secretariat)
