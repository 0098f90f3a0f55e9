import os

import pytest

from marketplace.choices import OrganizationKind as K
from tests.factories import member_of


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle and lock-out counters start at zero in every test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def link_office(db):
    return member_of(K.LINK_OFFICE, None).user


@pytest.fixture
def city_staff(db):
    """City staff of 成都市 (510100), the default region of scenarios in tests."""
    return member_of(K.CITY_OFFICE, "510100").user


@pytest.fixture
def other_city_staff(db):
    """City staff of 绵阳市 (510700)."""
    return member_of(K.CITY_OFFICE, "510700").user


@pytest.fixture
def supplier(db):
    return member_of(K.SUPPLIER, "510100").user


def database_is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").split(":")[0] in ("postgres", "postgresql", "pgsql")


requires_postgres = pytest.mark.skipif(
    not database_is_postgres(), reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)"
)
