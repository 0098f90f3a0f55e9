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
