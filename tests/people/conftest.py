import pytest

from tests.factories import OrgUnitFactory


@pytest.fixture
def units(db):
    """The two org units the import test files refer to."""
    return [OrgUnitFactory(code="DIT"), OrgUnitFactory(code="SET")]
