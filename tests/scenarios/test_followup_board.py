"""The city's follow-up board, a scenario's timeline, check-ins on running cooperation, and the parties told of
what concerns them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.choices import OrganizationKind as K
from scenarios import services
from scenarios.models import CooperationCheckIn, Proposal
from scenarios.services import followup_sweep
from tests.factories import (
    AgreementFactory,
    ProgressReportFactory,
    ReleaseEventFactory,
    ScenarioFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def chengdu():
    provider = member_of(K.ENTERPRISE, "510100")
    org = provider.organization
    supplier = member_of(K.SUPPLIER, "510100")
    s = {
        "submitted": ScenarioFactory(provider=org, state="submitted", submitted_at=ago(10)),
        "approved": ScenarioFactory(provider=org, state="approved"),
        "quiet": ScenarioFactory(provider=org, state="published", published_at=datetime.date(2026, 1, 5)),
        "wooed": ScenarioFactory(provider=org, state="published", published_at=datetime.date(2026, 2, 5)),
        "signed": ScenarioFactory(provider=org, state="signed", signed_at=ago(120)),
        "running": ScenarioFactory(provider=org, state="in_cooperation", signed_at=ago(200)),
        "proven": ScenarioFactory(provider=org, state="benchmark"),
        "draft": ScenarioFactory(provider=org, state="draft"),
    }
    Proposal.objects.create(scenario=s["wooed"], supplier=supplier.organization, submitted_at=timezone.now())
    AgreementFactory(scenario=s["signed"], suppliers=[supplier.organization])
    AgreementFactory(scenario=s["running"], suppliers=[supplier.organization])
    ProgressReportFactory(scenario=s["running"], reported_on=timezone.localdate())
    ScenarioFactory(provider=member_of(K.ENTERPRISE, "510700").organization, state="submitted", submitted_at=ago(3))
    return {"provider": provider, "supplier": supplier, **s}


def test_the_board_groups_the_regions_scenarios_by_follow_up_status(chengdu, city_staff):
    followup_sweep()
    body = client_for(city_staff).get("/api/v1/followup-board/").json()
    groups = {g["status"]: g for g in body["groups"]}
    ids = {status: [s["id"] for s in g["scenarios"]] for status, g in groups.items()}
    assert body["region"] == "510100"
    assert ids["awaiting_review"] == [chengdu["submitted"].pk]  # 绵阳's submission is not here
    assert ids["awaiting_event"] == [chengdu["approved"].pk]
    assert ids["no_proposals"] == [chengdu["quiet"].pk]
    assert ids["proposals_unsigned"] == [chengdu["wooed"].pk]
    assert ids["signed_not_started"] == [chengdu["signed"].pk]
    assert ids["cooperating"] == [chengdu["running"].pk]
    assert ids["benchmark"] == [chengdu["proven"].pk]
    assert sum(g["count"] for g in body["groups"]) == 7  # the draft is the provider's business alone
    review = groups["awaiting_review"]["scenarios"][0]
    assert review["days_since_last_action"] >= 0 and review["open_reminders"] == 1


def test_the_link_office_sees_any_region_and_city_staff_only_their_own(chengdu, city_staff, link_office):
    province = client_for(link_office).get("/api/v1/followup-board/").json()
    assert province["region"] is None
    assert next(g for g in province["groups"] if g["status"] == "awaiting_review")["count"] == 2
    mianyang = client_for(link_office).get("/api/v1/followup-board/?region=510700").json()
    assert next(g for g in mianyang["groups"] if g["status"] == "awaiting_review")["count"] == 1
    assert client_for(city_staff).get("/api/v1/followup-board/?region=510700").status_code == 403
    assert client_for(chengdu["provider"].user).get("/api/v1/followup-board/").status_code == 403


def test_the_timeline_shows_everything_in_order(chengdu, city_staff):
    scenario = chengdu["signed"]
    services.progress_report_create(
        scenario_id=scenario.pk, actor_user=city_staff, reported_on=timezone.localdate(), summary="设备到货"
    )
    followup_sweep()
    entries = client_for(city_staff).get(f"/api/v1/scenarios/{scenario.pk}/timeline/").json()
    kinds = [e["kind"] for e in entries]
    assert {"agreement", "progress_report", "reminder"} <= set(kinds)
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)


def test_both_sides_confirm_cooperation_and_a_no_is_a_signal(chengdu):
    scenario = chengdu["signed"]  # signed 120 days ago: the first check-in period is open
    services.cooperation_check_in(scenario_id=scenario.pk, actor_user=chengdu["provider"].user, running=True)
    response = client_for(chengdu["supplier"].user).post(
        f"/api/v1/scenarios/{scenario.pk}/check_in/", {"running": False, "comment": "设备停用"}, format="json"
    )
    assert response.status_code == 201 and response.json()["period"] == 1
    assert CooperationCheckIn.objects.filter(scenario=scenario, period=1).count() == 2
    report = followup_sweep()
    assert report["cooperation_unconfirmed"]["raised"] >= 1
    outsider = member_of(K.SUPPLIER, "510100").user
    refused = client_for(outsider).post(f"/api/v1/scenarios/{scenario.pk}/check_in/", {"running": True}, format="json")
    assert refused.status_code == 403


def test_a_check_in_before_the_first_period_is_refused(chengdu):
    fresh = ScenarioFactory(provider=chengdu["provider"].organization, state="signed", signed_at=ago(10))
    response = client_for(chengdu["provider"].user).post(
        f"/api/v1/scenarios/{fresh.pk}/check_in/", {"running": True}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "too_early"


def test_the_provider_hears_of_a_new_proposal_and_the_supplier_of_the_answer(
    chengdu, django_capture_on_commit_callbacks
):
    scenario, supplier = chengdu["quiet"], member_of(K.SUPPLIER, "510700")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = services.proposal_submit(scenario_id=scenario.pk, actor_user=supplier.user, plan="方案")
    assert chengdu["provider"].user.notifications.filter(kind="proposal", title__contains=scenario.title).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_create(
            scenario_id=scenario.pk,
            actor_user=chengdu["provider"].user,
            supplier_ids=[supplier.organization_id],
            signed_on=timezone.localdate(),
        )
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert supplier.user.notifications.filter(title__contains="已被采纳").exists()


def test_signing_with_one_supplier_answers_the_others(chengdu, django_capture_on_commit_callbacks):
    scenario = chengdu["wooed"]
    winner = member_of(K.SUPPLIER, "510100")
    Proposal.objects.create(scenario=scenario, supplier=winner.organization, submitted_at=timezone.now())
    services.agreement_create(
        scenario_id=scenario.pk,
        actor_user=chengdu["provider"].user,
        supplier_ids=[winner.organization_id],
        signed_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.scenario_sign(scenario_id=scenario.pk, actor_user=chengdu["provider"].user)
    loser = Proposal.objects.get(scenario=scenario, supplier=chengdu["supplier"].organization)
    assert (loser.status, loser.decision_reason) == ("declined", "该场景已与其他产品提供方签约。")
    assert chengdu["supplier"].user.notifications.filter(title__contains="未被采纳").exists()


def test_the_provider_is_told_its_scenario_was_published_at_the_event(link_office, django_capture_on_commit_callbacks):
    provider = member_of(K.ENTERPRISE, "510100")
    event = ReleaseEventFactory(name="第四季度省级应用场景发布会", date=datetime.date(2026, 12, 10))
    scenario = ScenarioFactory(provider=provider.organization, state="approved", release_event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services.scenario_publish(scenario_id=scenario.pk, actor_user=link_office)
    assert provider.user.notifications.filter(title__contains="第四季度省级应用场景发布会").exists()


def test_notifications_come_in_the_recipients_language(chengdu, django_capture_on_commit_callbacks, link_office):
    member = chengdu["provider"]
    member.language = "en"
    member.save(update_fields=["language"])
    event = ReleaseEventFactory(name="Q4 event")
    scenario = ScenarioFactory(provider=member.organization, state="approved", release_event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services.scenario_publish(scenario_id=scenario.pk, actor_user=link_office)
    title = member.user.notifications.latest("created_at").title
    assert "published at" in title and "Q4 event" in title
