"""Login lock-out: repeated failures for one user name lock it for a while, for every way of logging in
(admin, API token), because it sits in the authentication backend."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import PermissionDenied


def _key(username: str) -> str:
    return f"login-failures:{username.strip().lower()[:150]}"


def login_locked(username: str) -> bool:
    return cache.get(_key(username), 0) >= settings.LOGIN_MAX_FAILURES


def login_failed(username: str) -> None:
    key = _key(username)
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def login_succeeded(username: str) -> None:
    cache.delete(_key(username))


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get("email") or ""
        if login_locked(username):
            raise PermissionDenied("locked")  # stops authentication altogether, whatever the password
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failed(username)
        else:
            login_succeeded(username)
        return user
