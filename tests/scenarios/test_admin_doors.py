"""The admin is one more door onto the same core: it shows what the access policy shows and changes things
only through the services. The repros of the trust review (issue 11), each refused and changing nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from marketplace.choices import OrganizationKind as K
from scenarios.models import Agreement, DockingMeeting, Proposal, Scenario
from tests.api.test_permission_matrix import MATRIX, market_state
from tests.api.world import ROLES, build_world
from tests.factories import member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = build_world()
    for user in w.users.values():
        if user is not None:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    return w


def as_(w, role) -> Client:
    c = Client()
    c.force_login(w.users[role])
    return c


def history_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


# The API's permission matrix, read again for the admin: every detail row of a record the admin also shows
# must open in the admin exactly for the roles the API answers 200 (anonymous visitors have no admin).
ADMIN_OF_ROUTE = {
    "scenario-detail": "scenarios.scenario",
    "proposal-detail": "scenarios.proposal",
    "agreement-detail": "scenarios.agreement",
    "progress-report-detail": "scenarios.progressreport",
    "benchmark-case-detail": "scenarios.benchmarkcase",
    "reminder-detail": "scenarios.reminder",
    "notification-detail": "marketplace.notification",
    "member-detail": "marketplace.member",
    "organization-detail": "marketplace.organization",
    "demonstration-zone-detail": "scenarios.demonstrationzone",
    "release-event-detail": "scenarios.releaseevent",
}
SAME_TABLE = [
    pytest.param(kwargs["pk"], route, expected, id=f"{route}-{kwargs['pk']}")
    for route, method, kwargs, _body, expected in MATRIX
    if method == "get" and route in ADMIN_OF_ROUTE and isinstance(kwargs.get("pk"), str)
]


def test_the_table_covers_every_record_the_admin_shows():
    assert {p.values[1] for p in SAME_TABLE} == set(ADMIN_OF_ROUTE)


@pytest.mark.parametrize(("name", "route", "expected"), SAME_TABLE)
def test_admin_change_pages_open_exactly_for_whom_the_api_shows_the_record(w, name, route, expected):
    w.objects["member_prov"] = w.users["prov"].member
    for role, status in zip(ROLES, expected.split(), strict=True):
        if role == "anon":
            continue
        admin_status = as_(w, role).get(change_url(w[name])).status_code
        if role in WORKSPACE_ROLES:  # the back office is the staff's, even for a stale is_staff flag
            assert admin_status != 200, f"{name} as {role}: the admin opened for a provider or supplier"
            continue
        assert (admin_status == 200) == (status == "200"), f"{name} as {role}: API {status}, admin {admin_status}"


WORKSPACE_ROLES = ("sup_a", "sup_b", "prov", "prov_x")


def test_city_staff_cannot_hand_a_scenario_to_another_citys_enterprise(w):
    """Repro: posting the scenario change form with only provider=<an enterprise of another city> saved it."""
    foreign = member_of(K.ENTERPRISE, "510700").organization
    before = market_state()
    response = as_(w, "city").post(change_url(w["draft"]), {"provider": foreign.pk, "title": w["draft"].title})
    assert response.status_code in (200, 302, 403)
    assert Scenario.objects.get(pk=w["draft"].pk).provider_id == w["org_prov"].pk
    assert market_state() == before


def test_an_agreement_cannot_be_rewritten_from_its_change_form(w):
    """Repro: another region's scenario, amount=99999 and a foreign supplier were saved on the change form."""
    agreement = w["agreement"]
    before = market_state()
    for role in ("city", "office", "prov"):
        response = as_(w, role).post(
            change_url(agreement),
            {"scenario": w["far_draft"].pk, "amount": "99999", "suppliers": [w.users["sup_b"].member.organization_id]},
        )
        assert response.status_code == 403, role
    assert Agreement.objects.get(pk=agreement.pk).amount == agreement.amount
    assert market_state() == before


def test_a_supplier_never_sees_a_competitors_proposal_or_the_transition_log_in_the_admin(w):
    sup = as_(w, "sup_b")
    assert sup.get(change_url(w["proposal_a"])).status_code in (302, 403)
    page = sup.get(change_url(w["pub"])).text
    assert "sup_a 保密方案" not in page
    assert "流转记录" not in page or "transitionlog_set" not in page
    assert sup.get(history_url(w["pub"])).status_code == 403
    changelist = sup.get(reverse("admin:scenarios_transitionlog_changelist"))
    assert w["pub"].title not in changelist.text


def test_a_supplier_opening_a_release_event_sees_only_its_published_scenarios(w):
    approved = Scenario.objects.get(release_event=w["event"], state="approved")
    page = as_(w, "sup_a").get(change_url(w["event"])).text
    assert approved.title not in page
    assert approved.title in as_(w, "office").get(change_url(w["event"])).text


def test_docking_meetings_do_not_name_unpublished_scenarios_or_scores_to_suppliers(w):
    approved = Scenario.objects.get(release_event=w["event"], state="approved")
    DockingMeeting.objects.create(
        event=w["event"],
        scenario=approved,
        provider=approved.provider,
        supplier_id=w.users["sup_a"].member.organization_id,
        starts_at="2026-12-10T14:00:00+08:00",
        table=1,
        score=0.8123,
    )
    page = as_(w, "sup_a").get(reverse("admin:scenarios_dockingmeeting_changelist")).text
    assert approved.title not in page and "0.812" not in page
    assert approved.title in as_(w, "office").get(reverse("admin:scenarios_dockingmeeting_changelist")).text


def test_city_staff_see_no_other_organisations_members_or_phones(w):
    member = w.users["sup_b"].member
    member.phone = "13800001111"
    member.save()
    city = as_(w, "city")
    assert "13800001111" not in city.get(change_url(member.organization)).text
    assert city.get(change_url(member)).status_code == 302
    assert "13800001111" in as_(w, "office").get(change_url(member.organization)).text


def test_nothing_in_the_admin_saves_without_a_service(w):
    """Every registered admin either offers no change, or its form is a ServiceForm."""
    from django.contrib import admin

    from marketplace.admin_base import ServiceForm

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("marketplace", "scenarios", "matching", "audit"):
            continue
        form = model_admin.form
        writes = any(
            model_admin.has_add_permission(_request(w, role)) or model_admin.has_change_permission(_request(w, role))
            for role in ("office", "city", "prov", "sup_a")
        )
        if writes:
            assert issubclass(form, ServiceForm), f"{model._meta.label} writes without a service"


def _request(w, role):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = w.users[role]
    return request


def test_an_admin_edit_leaves_one_audit_entry_with_old_and_new_values(w):
    office = as_(w, "office")
    scenario = w["draft"]
    data = {
        f: getattr(scenario, f) or ""
        for f in (
            "title",
            "category",
            "purpose",
            "requirements",
            "cooperation_mode",
            "contact_name",
            "contact_phone",
            "contact_email",
        )
    }
    data.update(title="新的标题", sector=scenario.sector_id, region=scenario.region_id)
    for inline in ("attachments", "transitions"):
        data.update({f"{inline}-TOTAL_FORMS": 0, f"{inline}-INITIAL_FORMS": 0})
    data = {k: v for k, v in data.items() if v is not None}
    response = office.post(change_url(scenario), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.filter(object_id=scenario.pk, action="scenarios.scenario.updated").get()
    assert entry.changes["title"] == [scenario.title, "新的标题"]
    assert entry.actor == w.users["office"]
    history = office.get(history_url(scenario)).text
    assert "场景名称" in history and "新的标题" in history and "修改" in history


def test_a_proposal_already_accepted_cannot_be_revised_or_withdrawn_in_the_admin(w):
    proposal = w["proposal_a"]
    Proposal.objects.filter(pk=proposal.pk).update(status="accepted")
    sup = as_(w, "sup_a")
    response = sup.post(change_url(proposal), {"kind": "proposal", "price": "1", "plan": "改"})
    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).price == proposal.price
