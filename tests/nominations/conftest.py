"""Fixtures the nomination tests share (defined beside the tests that made them)."""

from tests.nominations.test_ranking_adjusted import reviewed  # noqa: F401 - a fixture
from tests.nominations.test_review import in_review  # noqa: F401 - a fixture
