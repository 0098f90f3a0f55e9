"""Test doubles that tests and test workers load by dotted path (settings.EMAIL_BACKEND)."""

from __future__ import annotations

import smtplib
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class FailingOnceBackend(LocmemBackend):
    """Refuses the first message it is asked to send (as a mail server that is briefly down), then works."""

    attempts = 0

    @classmethod
    def reset(cls) -> None:
        cls.attempts = 0

    def send_messages(self, messages):
        FailingOnceBackend.attempts += 1
        if FailingOnceBackend.attempts == 1:
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return super().send_messages(messages)


class FailingOnceFileBackend(FileBackend):
    """The same across processes (a real worker): the first send fails, remembered by a marker file."""

    def send_messages(self, messages):
        marker = Path(settings.EMAIL_FILE_PATH) / "failed-once"
        if not marker.exists():
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text("the first send failed")
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return super().send_messages(messages)


def built_once(django_db_blocker, build):
    """For a module-scoped fixture: `build()` once, in a transaction rolled back after the module; each test
    runs in a savepoint inside it (pytest-django's `db`), so what one test writes is gone before the next.
    Use as `yield from built_once(django_db_blocker, build_world)`."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
