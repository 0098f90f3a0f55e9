import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from marketplace.choices import OrganizationKind as K
from tests.factories import member_of


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle and lock-out counters start at zero in every test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def link_office(db):
    return member_of(K.LINK_OFFICE, None).user


@pytest.fixture
def city_staff(db):
    """City staff of 成都市 (510100), the default region of scenarios in tests."""
    return member_of(K.CITY_OFFICE, "510100").user


@pytest.fixture
def other_city_staff(db):
    """City staff of 绵阳市 (510700)."""
    return member_of(K.CITY_OFFICE, "510700").user


@pytest.fixture
def supplier(db):
    return member_of(K.SUPPLIER, "510100").user


def database_is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").split(":")[0] in ("postgres", "postgresql", "pgsql")


requires_postgres = pytest.mark.skipif(
    not database_is_postgres(), reason="needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)"
)

requires_broker = pytest.mark.skipif(
    not (os.environ.get("CELERY_BROKER_URL") and database_is_postgres()),
    reason="needs CELERY_BROKER_URL and PostgreSQL (CI)",
)


def _wait_until_ready(app, processes, names, seconds=120):
    """Return once every new worker answers a ping, so a test's deadline counts the work and not a slow start
    on a loaded machine; fail with a worker's output if it exits first."""
    import socket
    import time

    expected = {name.replace("%h", socket.gethostname()) for name in names}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for proc in processes:
            if proc.poll() is not None:
                pytest.fail(f"a Celery worker exited on start: {proc.stdout.read().decode(errors='replace')}")
        answered = {name for reply in app.control.ping(destination=sorted(expected), timeout=1) for name in reply}
        if expected <= answered:
            return
    pytest.fail(f"Celery workers {sorted(expected - answered)} did not answer a ping within {seconds} s")


@pytest.fixture
def celery_workers():
    """Start real Celery processes on the test database, consuming from the real broker (CI's Redis):
    `start(n, env)` starts n workers, `start(beat=True, env=…)` a beat. Tasks enqueued meanwhile go to them
    instead of running in-process."""
    import uuid

    from django.db import connection

    from config.celery_app import app

    url = urlsplit(os.environ["DATABASE_URL"])
    test_db = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    # A queue of this test's own: what an earlier test's workers or beat left on the broker (a message
    # restored at their shutdown, a beat's last sweep) never reaches this test's workers.
    queue = f"test-{uuid.uuid4().hex[:12]}"
    base_env = {
        **os.environ,
        "DATABASE_URL": test_db,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    started = []
    previous = app.conf.task_always_eager, app.conf.task_default_queue
    quiet = ["--loglevel", "WARNING"]

    def start(n: int = 1, *, beat: bool = False, env: dict | None = None, schedule=None) -> list[subprocess.Popen]:
        app.conf.task_always_eager = False
        app.conf.task_default_queue = queue
        commands = (
            [["beat", *quiet, "-s", str(schedule)]]
            if beat
            else [
                [
                    "worker",
                    "--pool",
                    "solo",
                    *quiet,
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                    "-Q",
                    queue,
                    "-n",
                    f"test{len(started) + i}@%h",
                ]
                for i in range(n)
            ]
        )
        for command in commands:
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "config", *command],
                    cwd=Path(__file__).resolve().parent.parent,
                    env={**base_env, **(env or {})},
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
            )
        new = started[-len(commands) :]
        if not beat:
            _wait_until_ready(app, new, [command[-1] for command in commands])
        return new

    yield start
    app.conf.task_always_eager, app.conf.task_default_queue = previous
    for proc in started:
        proc.terminate()
    for proc in started:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    if started:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)  # nothing of this test's stays on the broker
