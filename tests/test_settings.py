"""Configuration comes from the environment; production passes `check --deploy` with no warning."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 20 + "production-secret-key-with-enough-entropy-0123456789",
    "DJANGO_ALLOWED_HOSTS": "scenarios.example.gov.cn",
    "DJANGO_DEBUG": "false",
}


def manage(*args, env=None):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            **PRODUCTION_ENV,
            "DATABASE_URL": "postgres://market:pw@db:5432/market",
            "CELERY_BROKER_URL": "redis://redis:6379/0",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_environment_the_platform_is_local_sqlite_and_eager_celery():
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    result = manage("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["django.db.backends.sqlite3", "True", "zh-hans", "Asia/Shanghai"]


def test_database_and_broker_urls_select_the_real_services():
    code = "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER)"
    result = manage(
        "shell",
        "-c",
        code,
        env={"DATABASE_URL": "postgres://u:p@db:5432/market", "CELERY_BROKER_URL": "redis://redis:6379/0"},
    )
    assert result.stdout.split()[-2:] == ["django.db.backends.postgresql", "False"]


@pytest.mark.django_db
def test_health_check_answers_plain_http_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["scenarios.example.gov.cn"]
    response = client.get("/healthz", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
