"""Logging in: the lock-out after repeated failures, and API tokens that expire.

The lock-out counts failures per user name *and* client address (as django-axes' `[["username",
"ip_address"]]` does), in the authentication backend so that every way of logging in (admin, API token) is
covered. Keyed by the pair, five bad passwords typed from one address do not lock the account's owner out
elsewhere. Each further lock-out of the same pair within a day doubles the wait (growing delays), up to a
ceiling. Failures and lock-outs are written to the audit trail.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from audit.signals import lockout_recorded
from common.net import client_address

DAY = 24 * 3600


def _pair(username: str, request) -> str:
    return f"{username.strip().lower()[:150]}|{client_address(request) or '-'}"


def login_locked(username: str, request=None) -> bool:
    return cache.get(f"login-locked:{_pair(username, request)}") is not None


def login_failed(username: str, request=None) -> None:
    pair = _pair(username, request)
    key = f"login-failures:{pair}"
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)
        failures = 1
    if failures >= settings.LOGIN_MAX_FAILURES:
        lockouts_key = f"login-lockouts:{pair}"
        cache.add(lockouts_key, 0, timeout=DAY)
        try:
            lockouts = cache.incr(lockouts_key)
        except ValueError:
            cache.set(lockouts_key, 1, timeout=DAY)
            lockouts = 1
        seconds = min(settings.LOGIN_LOCKOUT_SECONDS * 2 ** (lockouts - 1), settings.LOGIN_LOCKOUT_MAX_SECONDS)
        cache.set(f"login-locked:{pair}", seconds, timeout=seconds)
        cache.delete(key)
        lockout_recorded(username=username, request=request, seconds=seconds)


def login_succeeded(username: str, request=None) -> None:
    cache.delete(f"login-failures:{_pair(username, request)}")


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email") or ""
        if login_locked(username, request):
            raise PermissionDenied("locked")  # stops authentication altogether, whatever the password
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failed(username, request)
        else:
            login_succeeded(username, request)
        return user


def token_expired(token) -> bool:
    return token.created < timezone.now() - datetime.timedelta(seconds=settings.API_TOKEN_TTL_SECONDS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token, refused once older than API_TOKEN_TTL_SECONDS (the token is then deleted: log in again).
    A password change deletes the user's tokens (`marketplace.signals`)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise AuthenticationFailed(_("登录凭证已过期，请重新获取。"))
        return user, token
