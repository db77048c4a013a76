import pytest

from tests import factories


@pytest.fixture
def article(db):
    return factories.make_article()
