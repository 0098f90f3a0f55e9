"""Session and token authentication, token revocation, login lock-out, throttling."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from marketplace.choices import OrganizationKind as K
from tests.factories import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier():
    return member_of(K.SUPPLIER, "510100").user


def obtain(client, username, password):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def test_a_user_obtains_uses_and_revokes_their_own_token(supplier):
    client = APIClient()
    token = obtain(client, supplier.username, "pw-12345").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/proposals/").status_code == 200
    assert client.delete("/api/v1/auth/token/").status_code == 204
    assert not Token.objects.filter(user=supplier).exists()
    assert client.get("/api/v1/proposals/").status_code == 401


def test_wrong_password_is_a_clear_401(supplier):
    response = obtain(APIClient(), supplier.username, "wrong")
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials"


def test_repeated_failures_lock_the_account_for_a_while(supplier, settings):
    settings.LOGIN_MAX_FAILURES = 3
    client = APIClient()
    for _ in range(3):
        assert obtain(client, supplier.username, "wrong").status_code == 401
    locked = obtain(client, supplier.username, "pw-12345")  # even the right password
    assert locked.status_code == 403 and locked.json()["code"] == "locked"
    cache.clear()  # the window passes
    assert obtain(client, supplier.username, "pw-12345").status_code == 200


def test_admin_login_shares_the_lock_out(supplier, settings, client):
    settings.LOGIN_MAX_FAILURES = 2
    for _ in range(2):
        client.post("/admin/login/", {"username": supplier.username, "password": "wrong"})
    assert obtain(APIClient(), supplier.username, "pw-12345").json()["code"] == "locked"


def test_session_authentication_needs_csrf_for_writes(supplier):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(supplier)
    response = client.post("/api/v1/products/", {"name": "x", "description": "y", "maturity": "pilot"}, format="json")
    assert response.status_code == 403


def test_anonymous_users_read_only_what_is_public():
    client = APIClient()
    assert client.get("/api/v1/scenarios/").status_code == 200
    assert client.get("/api/v1/proposals/").status_code == 401
    assert client.post("/api/v1/scenarios/", {}, format="json").status_code == 401


def test_api_use_is_throttled_per_user(supplier, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {**UserRateThrottle.THROTTLE_RATES, "user": "3/minute"})
    client = APIClient()
    client.force_authenticate(supplier)
    statuses = [client.get("/api/v1/regions/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/regions/").json()["code"] == "throttled"
