"""The trust review's smaller findings (issue 11), each as the behaviour a user relies on."""

from __future__ import annotations

import datetime
import io
import smtplib

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEntry
from marketplace.choices import OrganizationKind as K
from marketplace.models import EmailDigest, Notification
from outbox.models import OutboxMessage
from scenarios import services
from scenarios.exports import agenda_workbook
from scenarios.selectors import AgendaRow
from tests.conftest import requires_postgres
from tests.factories import ProductFactory, ReleaseEventFactory, ScenarioFactory, member_of

pytestmark = pytest.mark.django_db


def obtain(client, username, password, address="10.0.0.1"):
    return client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


# --- lock-out ------------------------------------------------------------------------------------------------


def test_bad_passwords_from_one_address_do_not_lock_the_owner_out_elsewhere(settings):
    settings.LOGIN_MAX_FAILURES = 3
    user = member_of(K.SUPPLIER, "510100").user
    attacker = APIClient()
    for _ in range(3):
        assert obtain(attacker, user.username, "wrong", "203.0.113.9").status_code == 401
    assert obtain(attacker, user.username, "pw-12345", "203.0.113.9").json()["code"] == "locked"
    assert obtain(APIClient(), user.username, "pw-12345", "198.51.100.7").status_code == 200
    assert AuditEntry.objects.filter(action="auth.user.locked_out", client_address="203.0.113.9").exists()
    assert AuditEntry.objects.filter(action="auth.user.login_failed").count() == 3


def test_each_further_lock_out_of_the_same_pair_waits_twice_as_long(settings):
    settings.LOGIN_MAX_FAILURES, settings.LOGIN_LOCKOUT_SECONDS = 2, 60
    user = member_of(K.SUPPLIER, "510100").user
    client = APIClient()
    with time_machine.travel("2026-12-01 10:00:00+08:00", tick=False) as clock:
        for _ in range(2):
            obtain(client, user.username, "wrong")
        clock.shift(61)  # the first lock-out (60 s) is over
        assert obtain(client, user.username, "pw-12345").status_code == 200
        for _ in range(2):
            obtain(client, user.username, "wrong")
        clock.shift(61)  # the second one lasts 120 s
        assert obtain(client, user.username, "pw-12345").json()["code"] == "locked"
        clock.shift(60)
        assert obtain(client, user.username, "pw-12345").status_code == 200
    waits = [e.payload["seconds"] for e in AuditEntry.objects.filter(action="auth.user.locked_out").order_by("id")]
    assert waits == [60, 120]


def test_a_forged_x_forwarded_for_is_not_a_new_address_without_a_trusted_proxy(settings):
    settings.LOGIN_MAX_FAILURES = 2
    user = member_of(K.SUPPLIER, "510100").user
    client = APIClient()
    for n in range(2):
        client.post(
            "/api/v1/auth/token/",
            {"username": user.username, "password": "wrong"},
            format="json",
            REMOTE_ADDR="203.0.113.9",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    again = client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": "pw-12345"},
        format="json",
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )
    assert again.json()["code"] == "locked"
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0


# --- tokens --------------------------------------------------------------------------------------------------


def test_a_token_expires_and_dies_with_a_password_change(settings):
    user = member_of(K.SUPPLIER, "510100").user
    client = APIClient()
    with time_machine.travel("2026-12-01 10:00:00+08:00", tick=False) as clock:
        key = obtain(client, user.username, "pw-12345").json()["token"]
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        assert client.get("/api/v1/proposals/").status_code == 200
        clock.shift(settings.API_TOKEN_TTL_SECONDS + 1)
        assert client.get("/api/v1/proposals/").status_code == 401
        key = obtain(APIClient(), user.username, "pw-12345").json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/proposals/").status_code == 200
    user.set_password("a-new-secret-987")
    user.save()
    assert not Token.objects.filter(user=user).exists()
    assert client.get("/api/v1/proposals/").status_code == 401


# --- bodies --------------------------------------------------------------------------------------------------


def test_deeply_nested_json_and_huge_integers_are_a_400_not_a_500():
    user = member_of(K.SUPPLIER, "510100").user
    client = APIClient()
    client.force_authenticate(user)
    deep = "[" * 5000 + "]" * 5000
    response = client.post("/api/v1/proposals/", deep, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"code", "message", "fields"}
    huge = '{"scenario": 99999999999999999999999999}'
    response = client.post("/api/v1/proposals/", huge, content_type="application/json")
    assert response.status_code == 400
    response = client.get("/api/v1/scenarios/?provider=99999999999999999999999")
    assert response.status_code == 400 and "provider" in response.json()["fields"]


# --- spreadsheets --------------------------------------------------------------------------------------------


def test_a_title_that_looks_like_a_formula_stays_text_in_every_workbook():
    event = ReleaseEventFactory()
    row = AgendaRow(
        starts_at=datetime.datetime(2026, 12, 10, 6, tzinfo=datetime.UTC),
        table=1,
        provider='=HYPERLINK("http://evil.example","点我")',
        supplier="+1+1",
        scenario="@SUM(A1)",
        requested=None,
    )
    sheet = load_workbook(io.BytesIO(agenda_workbook(event, [row]))).active
    values = [c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, str)]
    assert '\'=HYPERLINK("http://evil.example","点我")' in values and "'+1+1" in values
    assert all(c.data_type != "f" for r in sheet.iter_rows() for c in r)


# --- e-mail --------------------------------------------------------------------------------------------------


def test_mail_refused_for_good_is_marked_failed_and_not_retried(monkeypatch):
    from marketplace import services as market

    user = member_of(K.CITY_OFFICE, "510100").user
    user.email = "nobody@example.cn"
    user.save()
    Notification.objects.create(recipient=user, kind="system", title="提醒", dedupe_key="x")

    def refuse(self):
        raise smtplib.SMTPRecipientsRefused({"nobody@example.cn": (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    assert market.digest_send(user_id=user.pk, day=datetime.date(2026, 12, 1)) is False
    digest = EmailDigest.objects.get(recipient=user)
    assert digest.status == "failed" and "550" in digest.error


def test_mail_still_failing_after_every_retry_is_marked_failed(monkeypatch):
    from marketplace import services as market

    user = member_of(K.CITY_OFFICE, "510100").user
    user.email = "city@example.cn"
    user.save()
    Notification.objects.create(recipient=user, kind="system", title="提醒", dedupe_key="y")
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send", lambda self: (_ for _ in ()).throw(OSError("down"))
    )
    day = datetime.date(2026, 12, 1)
    for _ in range(market.DIGEST_MAX_ATTEMPTS - 1):
        with pytest.raises(OSError):
            market.digest_send(user_id=user.pk, day=day)
    assert market.digest_send(user_id=user.pk, day=day) is False
    assert EmailDigest.objects.get(recipient=user).status == "failed"


def test_the_days_email_goes_out_on_a_day_without_reminders(mailoutbox, django_capture_on_commit_callbacks):
    from scenarios.models import ReminderRule

    ReminderRule.objects.update(enabled=False)
    user = member_of(K.SUPPLIER, "510100").user
    user.email = "sup@example.cn"
    user.save()
    Notification.objects.create(recipient=user, kind="proposal", title="方案未被采纳", dedupe_key="z")
    with django_capture_on_commit_callbacks(execute=True):
        services.followup_sweep(as_of=datetime.date(2026, 12, 1))
    assert [m for m in mailoutbox if "sup@example.cn" in m.to]


def test_smtp_has_a_timeout_and_redis_redelivers_only_after_the_longest_retry_wait():
    assert settings.EMAIL_TIMEOUT and settings.EMAIL_TIMEOUT <= 30
    longest = settings.DIGEST_RETRY_BACKOFF_MAX_S
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > longest


# --- the broker down -----------------------------------------------------------------------------------------


def test_with_the_broker_down_a_change_succeeds_and_its_work_runs_when_the_broker_is_back(
    monkeypatch, django_capture_on_commit_callbacks
):
    from celery.app.task import Task
    from kombu.exceptions import OperationalError

    from config.celery_app import app
    from outbox.services import relay

    scenario = ScenarioFactory(state="published")
    supplier = member_of(K.SUPPLIER, "510100").user
    provider_user = member_of(K.ENTERPRISE, "510100").user
    provider_user.member.organization = scenario.provider
    provider_user.member.save()

    def broker_down(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    monkeypatch.setattr(Task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_submit(scenario_id=scenario.pk, actor_user=supplier, plan="方案")
    assert proposal.pk  # the supplier's request succeeded
    waiting = OutboxMessage.objects.get(task="scenarios.tasks.proposal_received")
    assert waiting.sent_at is None and "Connection refused" in waiting.last_error
    assert not Notification.objects.filter(recipient=provider_user).exists()
    assert relay() == 0  # still down: still kept

    monkeypatch.undo()  # the broker is back (in-process here)
    app.conf.task_always_eager = eager
    assert relay() >= 1
    assert Notification.objects.filter(recipient=provider_user, kind="proposal").exists()
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


# --- ranking feedback ----------------------------------------------------------------------------------------


def test_a_suppliers_own_useful_marks_do_not_raise_its_product():
    from matching.models import MatchFeedback
    from matching.services import feedback_for

    scenario = ScenarioFactory(state="published")
    supplier = member_of(K.SUPPLIER, "510100")
    product = ProductFactory(supplier=supplier.organization)
    MatchFeedback.objects.create(
        scenario=scenario, product=product, organization=supplier.organization, verdict="useful", author=supplier.user
    )
    assert feedback_for([scenario.pk]) == {}
    provider = member_of(K.ENTERPRISE, "510100")
    MatchFeedback.objects.create(
        scenario=scenario, product=product, organization=scenario.provider, verdict="useful", author=provider.user
    )
    assert product.pk in feedback_for([scenario.pk])[scenario.pk]


# --- headers -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/admin/login/", "/api/v1/", "/cases/", "/api/docs/"])
def test_every_page_carries_a_content_security_policy_and_a_permissions_policy(client, path):
    response = client.get(path, follow=True)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert "camera=()" in response.headers["Permissions-Policy"]


# --- benchmarks ----------------------------------------------------------------------------------------------


def test_benchmarks_refuse_a_database_holding_a_real_market():
    ScenarioFactory()
    with pytest.raises(CommandError, match="--force"):
        call_command("bench_followup", "--scenarios", "1")
    with pytest.raises(CommandError, match="--force"):
        call_command("bench_matching", "--scenarios", "1")
    with pytest.raises(CommandError, match="--force"):
        call_command("bench_api", "--scenarios", "1")


# --- the audit trail itself ----------------------------------------------------------------------------------


@requires_postgres
def test_the_database_refuses_to_rewrite_or_delete_the_audit_trail():
    from django.db import DatabaseError, transaction

    from audit.services import audit_record

    entry = audit_record(action="test.entry", payload={"n": 1})
    for statement in (
        f"UPDATE audit_auditentry SET action = 'x' WHERE id = {entry.pk}",
        f"DELETE FROM audit_auditentry WHERE id = {entry.pk}",
    ):
        with (
            pytest.raises(DatabaseError, match="Cannot update or delete"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.entry"


def test_users_who_acted_cannot_be_deleted():
    from django.db.models import ProtectedError

    user = member_of(K.SUPPLIER, "510100").user
    from audit.services import audit_record

    audit_record(action="test.entry", actor_user=user)
    with pytest.raises(ProtectedError):
        user.delete()


def test_the_audit_trail_is_read_by_model_and_object_for_the_office_and_the_region():
    office = member_of(K.LINK_OFFICE, None).user
    city = member_of(K.CITY_OFFICE, "510100").user
    other_city = member_of(K.CITY_OFFICE, "510700").user
    provider = member_of(K.ENTERPRISE, "510100")
    scenario = ScenarioFactory(provider=provider.organization, state="draft")
    services.scenario_update(scenario_id=scenario.pk, actor_user=provider.user, title="改过的标题")
    url = f"/api/v1/audit/?model=scenarios.scenario&object_id={scenario.pk}"
    for user, expected in ((office, 1), (city, 1), (other_city, 0)):
        client = APIClient()
        client.force_authenticate(user)
        body = client.get(url).json()
        assert body["count"] == expected
        if expected:
            entry = body["results"][0]
            assert entry["action"] == "scenarios.scenario.updated"
            assert entry["changes"]["title"][1] == "改过的标题"
            assert entry["organization"] == provider.organization.name
    client = APIClient()
    client.force_authenticate(provider.user)
    assert client.get(url).status_code == 403
    client.force_authenticate(office)
    assert client.get("/api/v1/audit/?model=nope.nothing").status_code == 400


# --- scenarios and proposals after their answer -------------------------------------------------------------


def test_a_provider_cannot_move_its_scenario_to_another_region_nor_edit_it_once_approved():
    from marketplace.models import Region

    provider = member_of(K.ENTERPRISE, "510100")
    scenario = ScenarioFactory(provider=provider.organization, state="draft")
    client = APIClient()
    client.force_authenticate(provider.user)
    moved = client.patch(f"/api/v1/scenarios/{scenario.pk}/", {"region": "510700"}, format="json")
    assert moved.status_code == 403
    scenario.refresh_from_db()
    assert scenario.region.code == "510100"
    scenario.state = "approved"
    scenario.save(update_fields=["state"])
    edited = client.patch(f"/api/v1/scenarios/{scenario.pk}/", {"title": "悄悄改"}, format="json")
    assert edited.status_code == 403 and "市州" in edited.json()["message"]
    # City staff may amend it; the amendment is kept with the old and the new value.
    city = member_of(K.CITY_OFFICE, "510100").user
    services.scenario_update(scenario_id=scenario.pk, actor_user=city, title="补充说明后的标题")
    amended = AuditEntry.objects.get(action="scenarios.scenario.amended", object_id=scenario.pk)
    assert amended.changes["title"][1] == "补充说明后的标题" and amended.actor == city
    assert Region.objects.get(code="510100").pk == amended.region_id


def test_an_accepted_proposal_is_never_rewritten_and_a_waiting_one_keeps_each_revision(
    django_capture_on_commit_callbacks,
):
    from scenarios.models import Proposal, ProposalRevision

    scenario = ScenarioFactory(state="published")
    provider = member_of(K.ENTERPRISE, "510100")
    provider.organization = scenario.provider
    provider.save()
    supplier = member_of(K.SUPPLIER, "510100").user
    client = APIClient()
    client.force_authenticate(supplier)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post("/api/v1/proposals/", {"scenario": scenario.pk, "price": 80}, format="json")
        revised = client.patch(f"/api/v1/proposals/{created.json()['id']}/", {"price": 70}, format="json")
    assert created.status_code == 201 and revised.status_code == 200
    proposal = Proposal.objects.get()
    assert [float(r.price) for r in ProposalRevision.objects.filter(proposal=proposal)] == [80.0, 70.0]
    told = Notification.objects.filter(recipient=provider.user, title__contains="第2版")
    assert told.exists()
    Proposal.objects.filter(pk=proposal.pk).update(status="accepted")
    again = client.patch(f"/api/v1/proposals/{proposal.pk}/", {"price": 1}, format="json")
    withdrawn = client.post(f"/api/v1/proposals/{proposal.pk}/withdraw/", format="json")
    assert again.status_code == 409 and withdrawn.status_code == 409
    proposal.refresh_from_db()
    assert proposal.status == "accepted" and float(proposal.price) == 70.0
    assert ProposalRevision.objects.filter(proposal=proposal).count() == 2


def test_the_relay_forgets_messages_handed_over_more_than_a_week_ago():
    from django.utils import timezone

    from outbox.services import KEEP_SENT, relay

    old = OutboxMessage.objects.create(task="scenarios.tasks.proposal_received", args=[0])
    recent = OutboxMessage.objects.create(task="scenarios.tasks.proposal_received", args=[0])
    OutboxMessage.objects.filter(pk=old.pk).update(sent_at=timezone.now() - KEEP_SENT - datetime.timedelta(hours=1))
    OutboxMessage.objects.filter(pk=recent.pk).update(sent_at=timezone.now())
    relay()
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [recent.pk]
