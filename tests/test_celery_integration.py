"""A real Celery worker on the real broker runs the work a transition enqueues after commit."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from config.celery_app import app
from marketplace.choices import OrganizationKind as K
from scenarios import services
from tests.conftest import database_is_postgres
from tests.factories import ScenarioFactory, member_of

ROOT = Path(__file__).resolve().parent.parent
BROKER = os.environ.get("CELERY_BROKER_URL", "")

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (BROKER and database_is_postgres()), reason="needs CELERY_BROKER_URL and PostgreSQL (CI)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def worker():
    """A worker process on the test database, consuming from the real broker."""
    url = urlsplit(os.environ["DATABASE_URL"])
    test_db = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    env = {**os.environ, "DATABASE_URL": test_db, "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    app.control.purge()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield proc
    app.conf.task_always_eager = previous
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_for(predicate, seconds=45):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_transition_notifies_the_provider_through_a_real_worker(worker):
    provider = member_of(K.ENTERPRISE, "510100")
    city = member_of(K.CITY_OFFICE, "510100").user
    scenario = ScenarioFactory(provider=provider.organization, state="submitted")
    services.scenario_approve(scenario_id=scenario.pk, actor_user=city)
    assert wait_for(lambda: provider.user.notifications.exists()), (
        worker.stdout.read1().decode() if worker.poll() else ""
    )
    assert provider.user.notifications.count() == 1
