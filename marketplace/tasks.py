"""Delivery of notifications by e-mail: one digest a day per person, each sent by its own task so that a
failure is retried (with backoff, a bounded number of times) for that person alone."""

from __future__ import annotations

import datetime
import smtplib

from celery import shared_task
from django.conf import settings
from django.db import OperationalError

from . import services
from .selectors import users_with_mail_waiting


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_digests(day: str) -> int:
    """Enqueue the day's e-mail of everyone with notifications not yet e-mailed."""
    ids = users_with_mail_waiting()
    for user_id in ids:
        send_digest.delay(user_id, day)
    return len(ids)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5, acks_late=True)
def send_todays_digests() -> int:
    """Beat's daily e-mail run, independent of the follow-up sweep (each person at most once a day)."""
    from django.utils import timezone

    return send_digests(timezone.localdate().isoformat())


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError, OperationalError),
    retry_backoff=settings.DIGEST_RETRY_BACKOFF_S,
    retry_backoff_max=settings.DIGEST_RETRY_BACKOFF_MAX_S,
    retry_jitter=False,
    max_retries=8,
    acks_late=True,
)
def send_digest(user_id: int, day: str) -> bool:
    return services.digest_send(user_id=user_id, day=datetime.date.fromisoformat(day))


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=3600,
    max_retries=8,
    acks_late=True,
)
def mail_notification(notification_id: int) -> bool:
    """E-mail one notification now (an account's news); a notification already e-mailed is not sent again."""
    return services.notification_mail(notification_id=notification_id)


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=3600,
    max_retries=8,
    acks_late=True,
)
def mail_invitation(invitation_id: int) -> bool:
    """Send a colleague's invitation once."""
    return services.invitation_mail(invitation_id=invitation_id)
