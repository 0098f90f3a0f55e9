"""Chinese by default; English when the user chooses it (pages) or asks for it (API)."""

import pytest
from django.urls import reverse

from marketplace.choices import OrganizationKind as K
from tests.factories import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client):
    member = member_of(K.LINK_OFFICE, None)
    member.user.is_staff = True
    member.user.save()
    client.force_login(member.user)
    return client


def test_workbench_is_chinese_even_for_an_english_browser(office):
    page = office.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "应用场景" in page.text and page.headers["Content-Language"] == "zh-hans"


def test_choosing_english_switches_the_workbench(office):
    office.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    page = office.get(reverse("admin:index"))
    assert "Application scenario" in page.text and page.headers["Content-Language"] == "en"
