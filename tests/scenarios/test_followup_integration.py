"""A real worker and a real beat on the broker: beat's sweep raises a reminder and its e-mail goes out, the
first send failing (the mail server was away) and the retry succeeding."""

import datetime
import time

import pytest
from django.utils import timezone

from marketplace.choices import OrganizationKind as K
from marketplace.models import EmailDigest
from scenarios.models import Reminder
from tests.conftest import requires_broker
from tests.factories import ScenarioFactory, member_of

pytestmark = [
    # One broker queue for the real workers: these run in one xdist worker, one after the other.
    pytest.mark.xdist_group("celery"),
    pytest.mark.integration,
    requires_broker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_for(predicate, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_beat_raises_a_reminder_and_its_email_is_sent_after_one_failure(celery_workers, tmp_path):
    city = member_of(K.CITY_OFFICE, "510100").user
    city.email = "city@example.cn"
    city.save(update_fields=["email"])
    ScenarioFactory(state="submitted", submitted_at=timezone.now() - datetime.timedelta(days=10))
    mail_dir = tmp_path / "mail"
    env = {
        "DJANGO_EMAIL_BACKEND": "tests.support.FailingOnceFileBackend",
        "DJANGO_EMAIL_FILE_PATH": str(mail_dir),
        "DIGEST_RETRY_BACKOFF_S": "1",
        "FOLLOWUP_SWEEP_EVERY_S": "2",
    }
    processes = celery_workers(1, env=env) + celery_workers(beat=True, env=env, schedule=tmp_path / "beat-schedule")

    def sent():
        return EmailDigest.objects.filter(recipient=city, status="sent").exists()

    assert wait_for(sent), b"".join(p.stdout.read1() for p in processes if p.poll() is not None)
    assert Reminder.objects.filter(rule="submitted_unreviewed").count() == 1
    digest = EmailDigest.objects.get(recipient=city)
    assert digest.attempts == 2 and "went away" in digest.error  # failed once, then the retry went out
    assert (mail_dir / "failed-once").exists()
    messages = [p for p in mail_dir.iterdir() if p.suffix == ".log"]
    assert len(messages) == 1 and "city@example.cn" in messages[0].read_text()
    time.sleep(5)  # beat keeps sweeping every 2 s: still one reminder, one e-mail
    assert Reminder.objects.filter(rule="submitted_unreviewed").count() == 1
    assert len([p for p in mail_dir.iterdir() if p.suffix == ".log"]) == 1
