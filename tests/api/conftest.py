import pytest
from django.test import override_settings

from tests.api.world import build_world
from tests.support import built_once


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media(settings, world_media):
    """A module's uploaded files outlive one test: every test of the module reads them from the same place."""
    settings.MEDIA_ROOT = world_media


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, world_media):
    """The API world (tests.api.world), built once per module; each test runs in a savepoint inside it."""

    def build():
        with override_settings(MEDIA_ROOT=world_media):
            w = build_world()
        w.sup_a_org = w.users["sup_a"].member.organization_id
        w.objects["member_prov"] = w.users["prov"].member
        return w

    yield from built_once(django_db_blocker, build)
