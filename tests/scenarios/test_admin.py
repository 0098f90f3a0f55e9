"""The admin as the link office's and city staff's workbench."""

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.choices import OrganizationKind as K
from scenarios.models import Proposal, Scenario, TransitionLog
from tests.factories import (
    AgreementFactory,
    MemberFactory,
    OrganizationFactory,
    ReleaseEventFactory,
    ScenarioFactory,
    member_of,
    region,
    sector,
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
    event = ReleaseEventFactory()
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


def proposals_on_one_scenario():
    scenario = ScenarioFactory(state="published", title="共同场景")
    mine = member_of(K.SUPPLIER, "510100", name="甲方智能科技")
    theirs = member_of(K.SUPPLIER, "510700", name="乙方智能科技")
    # Prices no sequence-made name can contain (a user named user11661 once "showed" a price of 66).
    for member, price, plan in ((mine, "123.45", "甲方案"), (theirs, "987.65", "乙方案保密内容")):
        Proposal.objects.create(
            scenario=scenario, supplier=member.organization, price=price, plan=plan, submitted_at=timezone.now()
        )
    return scenario, mine.user, theirs.user


def test_supplier_never_sees_another_suppliers_proposal_in_the_admin(client):
    _scenario, mine, theirs = proposals_on_one_scenario()
    mine.is_staff = True
    mine.save()
    client.force_login(mine)
    page = client.get(reverse("admin:scenarios_proposal_changelist"))
    assert page.status_code == 200
    assert "123.45" in page.text  # a price the list does show: its own
    assert theirs.member.organization.name not in page.text and "987.65" not in page.text
    other = Proposal.objects.get(supplier=theirs.member.organization)
    assert client.get(reverse("admin:scenarios_proposal_change", args=[other.pk])).status_code == 302
    assert (
        "乙方案保密内容"
        not in client.get(reverse("admin:scenarios_proposal_change", args=[other.pk]), follow=True).text
    )


def test_supplier_browses_published_scenarios_only_and_cannot_act_on_them(client):
    member = member_of(K.SUPPLIER, "510100")
    member.user.is_staff = True
    member.user.save()
    ScenarioFactory(state="published", title="已发布场景")
    ScenarioFactory(state="draft", title="草稿场景")
    client.force_login(member.user)
    page = client.get(reverse("admin:scenarios_scenario_changelist"))
    assert "已发布场景" in page.text and "草稿场景" not in page.text
    assert "do_publish" not in page.text


def test_supplier_submits_a_proposal_in_the_admin(client):
    member = member_of(K.SUPPLIER, "510100")
    member.user.is_staff = True
    member.user.save()
    scenario = ScenarioFactory(state="published")
    client.force_login(member.user)
    page = client.post(
        reverse("admin:scenarios_proposal_add"),
        {
            "scenario": scenario.pk,
            "kind": "proposal",
            "price": "90",
            "plan": "三期实施",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code == 302, page.text[:3000]
    assert Proposal.objects.get(scenario=scenario).supplier == member.organization


def test_provider_sees_only_its_own_scenarios_and_the_proposals_on_them(client):
    scenario, supplier_a, supplier_b = proposals_on_one_scenario()
    provider_user = MemberFactory(organization=scenario.provider).user
    provider_user.is_staff = True
    provider_user.save()
    ScenarioFactory(state="draft", title="别人的草稿")
    client.force_login(provider_user)
    page = client.get(reverse("admin:scenarios_scenario_changelist"))
    assert "共同场景" in page.text and "别人的草稿" not in page.text
    page = client.get(reverse("admin:scenarios_proposal_changelist"))
    assert supplier_a.member.organization.name in page.text and supplier_b.member.organization.name in page.text


def test_provider_drafts_and_submits_a_scenario_in_the_admin(client):
    member = member_of(K.GOVERNMENT, "510100")
    member.user.is_staff = True
    member.user.save()
    client.force_login(member.user)
    page = client.post(
        reverse("admin:scenarios_scenario_add"),
        {
            "title": "山地搜救",
            "region": member.organization.region.pk,
            "category": "government",
            "sector": sector("emergency.01").pk,
            "purpose": "无人机搜救",
            "requirements": "夜间可用",
            "cooperation_mode": "pilot",
            "contact_name": "王",
            "contact_phone": "028-1",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "transitions-TOTAL_FORMS": "0",
            "transitions-INITIAL_FORMS": "0",
        },
    )
    assert page.status_code == 302, page.text[:3000]
    scenario = Scenario.objects.get(title="山地搜救")
    assert scenario.provider == member.organization
    run_action(client, "do_submit", [scenario])
    scenario.refresh_from_db()
    assert scenario.state == "submitted"


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
