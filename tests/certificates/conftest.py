import pytest

from tests.nominations.helpers import decided, move_to, publish_results


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
