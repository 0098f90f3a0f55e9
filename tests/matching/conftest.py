import pytest

from matching import services


@pytest.fixture(autouse=True)
def _cold_index():
    """Each test builds the product index from its own rows: a warm one from an earlier test would lie."""
    services.forget_index()
    yield
    services.forget_index()
