"""The admin as the link office's and city staff's workbench."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.choices import OrganizationKind as K
from scenarios.models import Scenario, TransitionLog
from tests.factories import (
    AgreementFactory,
    OrganizationFactory,
    ReleaseEventFactory,
    ScenarioFactory,
    member_of,
    region,
)

pytestmark = pytest.mark.django_db


def staff(kind, region_code=None):
    member = member_of(kind, region_code)
    member.user.is_staff = True
    member.user.save()
    return member.user


@pytest.fixture
def office_client(client):
    client.force_login(staff(K.LINK_OFFICE))
    return client


@pytest.fixture
def city_client(client):
    client.force_login(staff(K.CITY_OFFICE, "510100"))
    return client


def run_action(client, action, scenarios, **form):
    url = reverse("admin:scenarios_scenario_changelist")
    data = {"action": action, "_selected_action": [s.pk for s in scenarios], "apply": "1", **form}
    return client.post(url, data, follow=True)


def test_city_staff_see_only_their_regions_scenarios(city_client):
    mine = ScenarioFactory(title="成都场景")
    theirs = ScenarioFactory(title="绵阳场景", provider=OrganizationFactory(region=region("510700")))
    page = city_client.get(reverse("admin:scenarios_scenario_changelist"))
    assert page.status_code == 200
    assert "成都场景" in page.text and "绵阳场景" not in page.text
    assert city_client.get(reverse("admin:scenarios_scenario_change", args=[theirs.pk])).status_code == 302
    assert city_client.get(reverse("admin:scenarios_scenario_change", args=[mine.pk])).status_code == 200


def test_scenario_change_page_shows_the_transition_log_inline(office_client):
    scenario = ScenarioFactory(state="submitted")
    run_action(office_client, "do_approve", [scenario], reason="符合要求")
    page = office_client.get(reverse("admin:scenarios_scenario_change", args=[scenario.pk]))
    assert "符合要求" in page.text and "流转记录" in page.text


def test_return_action_asks_for_a_reason_before_acting(office_client):
    scenario = ScenarioFactory(state="submitted")
    url = reverse("admin:scenarios_scenario_changelist")
    page = office_client.post(url, {"action": "do_return", "_selected_action": [scenario.pk]})
    assert page.status_code == 200 and 'name="reason"' in page.text
    page = run_action(office_client, "do_return", [scenario], reason="")
    assert 'name="reason"' in page.text  # the form again, with the field required
    scenario.refresh_from_db()
    assert scenario.state == "submitted"
    run_action(office_client, "do_return", [scenario], reason="请补充技术指标")
    scenario.refresh_from_db()
    assert scenario.state == "draft"


def test_refused_action_is_reported_clearly_and_changes_nothing(city_client):
    scenario = ScenarioFactory(state="approved", release_event=ReleaseEventFactory())
    page = run_action(city_client, "do_publish", [scenario])
    assert "无权" in page.text
    scenario.refresh_from_db()
    assert scenario.state == "approved" and not TransitionLog.objects.exists()


def test_link_office_takes_a_scenario_from_draft_to_signed_in_the_admin(office_client):
    scenario = ScenarioFactory(state="draft")
    event = ReleaseEventFactory(
        date=timezone.localdate() + datetime.timedelta(days=7)
    )  # approval offers events to come
    run_action(office_client, "do_submit", [scenario])
    run_action(office_client, "do_approve", [scenario], event=event.pk)
    run_action(office_client, "do_publish", [scenario])
    AgreementFactory(scenario=scenario)
    run_action(office_client, "do_sign", [scenario])
    scenario.refresh_from_db()
    assert scenario.state == "signed"
    assert list(TransitionLog.objects.filter(scenario=scenario).values_list("transition", flat=True)) == [
        "submit",
        "approve",
        "publish",
        "sign",
    ]


def test_admin_add_goes_through_the_service_and_shows_its_refusal(city_client):
    draft = ScenarioFactory(state="draft")
    supplier = OrganizationFactory(kind=K.SUPPLIER)
    page = city_client.post(
        reverse("admin:scenarios_agreement_add"),
        {"scenario": draft.pk, "suppliers": [supplier.pk], "signed_on": "2026-07-01", "amount": "100"},
    )
    assert page.status_code == 200
    assert "只能为已发布的场景登记合作协议" in page.text


def test_city_staff_create_a_scenario_for_a_provider_of_their_region(city_client):
    provider = OrganizationFactory(kind=K.GOVERNMENT)
    page = city_client.post(
        reverse("admin:scenarios_scenario_add"),
        {
            "provider": provider.pk,
            "title": "社区独居老人监测",
            "region": provider.region.pk,
            "category": "government",
            "sector": provider.region.pk
            and Scenario._meta.get_field("sector").related_model.objects.get(code="livelihood.02").pk,
            "purpose": "跌倒监测",
            "requirements": "",
            "cooperation_mode": "pilot",
            "contact_name": "李",
            "contact_phone": "",
            "contact_email": "",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code == 302, page.text[:2000]
    scenario = Scenario.objects.get(title="社区独居老人监测")
    assert scenario.state == "draft"
    assert TransitionLog.objects.get(scenario=scenario).transition == "create"


def test_a_user_without_an_organisation_has_no_admin(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:scenarios_scenario_changelist")).status_code == 403


@pytest.mark.parametrize("kind", [K.SUPPLIER, K.GOVERNMENT, K.ENTERPRISE])
def test_providers_and_suppliers_are_sent_from_the_admin_to_their_workspace(client, kind):
    """The admin is the staff's back office; a provider or AI company logging in there lands in /my/."""
    member = member_of(kind, "510100")
    member.user.set_password("pw-12345")
    member.user.save()
    assert not member.user.is_staff
    login = client.post(reverse("admin:login"), {"username": member.user.username, "password": "pw-12345"})
    assert login.status_code == 302 and login.url == "/my/"
    assert client.get(reverse("admin:index")).url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:login")).url == "/my/"
    assert client.get(reverse("admin:scenarios_proposal_changelist"), follow=True).redirect_chain[-1][0] == "/my/"


def test_a_stale_staff_flag_opens_nothing_for_a_supplier(client):
    member = member_of(K.SUPPLIER, "510100")
    member.user.is_staff = True
    member.user.save()
    ScenarioFactory(state="published", title="已发布场景")
    client.force_login(member.user)
    assert client.get(reverse("admin:scenarios_scenario_changelist")).status_code == 403
    assert "已发布场景" not in client.get(reverse("admin:index")).text


def test_publish_all_action_publishes_the_events_list(office_client):
    event = ReleaseEventFactory()
    scenarios = [ScenarioFactory(state="approved", release_event=event) for _ in range(2)]
    office_client.post(
        reverse("admin:scenarios_releaseevent_changelist"),
        {"action": "publish_all", "_selected_action": [event.pk]},
        follow=True,
    )
    assert Scenario.objects.filter(pk__in=[s.pk for s in scenarios], state="published").count() == 2


def test_city_staff_follow_up_their_region_on_the_board(city_client):
    mine = ScenarioFactory(state="submitted", submitted_at=timezone.now(), title="成都待审核场景")
    ScenarioFactory(provider=member_of(K.ENTERPRISE, "510700").organization, state="submitted", title="绵阳待审核场景")
    page = city_client.get(reverse("admin:scenarios_followup_board")).content.decode()
    assert mine.title in page and "绵阳待审核场景" not in page
    assert "待审核" in page and "已发布无对接意向" in page


def test_the_link_office_picks_any_region_on_the_board(office_client):
    ScenarioFactory(provider=member_of(K.ENTERPRISE, "510700").organization, state="submitted", title="绵阳待审核场景")
    url = reverse("admin:scenarios_followup_board")
    assert "绵阳待审核场景" in office_client.get(url + "?region=510700").content.decode()
    assert "绵阳待审核场景" not in office_client.get(url + "?region=510100").content.decode()


def test_the_link_office_tunes_a_rule_in_the_admin_and_city_staff_only_read_it(office_client, client):
    from scenarios.models import ReminderRule

    rule = ReminderRule.objects.get(code="submitted_unreviewed")
    url = reverse("admin:scenarios_reminderrule_change", args=[rule.pk])
    form = {
        "enabled": "on",
        "threshold_days": "5",
        "repeat_days": "3",
        "escalate_after": "2",
        "notify_city_staff": "on",
    }
    assert office_client.post(url, form).status_code == 302
    rule.refresh_from_db()
    assert (rule.threshold_days, rule.repeat_days, rule.notify_link_office) == (5, 3, False)
    client.force_login(staff(K.CITY_OFFICE, "510100"))
    assert client.get(url).status_code == 200
    client.post(url, {**form, "threshold_days": "1"})
    rule.refresh_from_db()
    assert rule.threshold_days == 5
