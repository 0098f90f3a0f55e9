"""Logins, failed logins and lock-outs are part of the trail too."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from common.net import client_address

from .services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(action="auth.user.logged_in", actor_user=user, obj=user, client_address=client_address(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    audit_record(
        action="auth.user.login_failed", payload={"username": username}, client_address=client_address(request)
    )


def lockout_recorded(*, username: str, request, seconds: int) -> None:
    audit_record(
        action="auth.user.locked_out",
        payload={"username": username, "seconds": seconds},
        client_address=client_address(request),
    )
