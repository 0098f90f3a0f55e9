"""Benchmark cases spread (replication, promotion, adoption) and demonstration zones scored from the records,
the score reproducible from its components, designated provincially and nationally."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.choices import OrganizationKind as K
from scenarios import services
from scenarios.models import DemonstrationZone, Scenario, ScenarioInvitation, SupportGrant
from scenarios.zones import score_from_components, zone_scores
from tests.factories import (
    AgreementFactory,
    BenchmarkCaseFactory,
    ProductFactory,
    ReleaseEventFactory,
    ScenarioFactory,
    member_of,
    region,
    sector,
)

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def proven():
    """A benchmark case in 成都 manufacturing, delivered by one supplier's product."""
    supplier = member_of(K.SUPPLIER, "510100")
    product = ProductFactory(supplier=supplier.organization, name="外观缺陷检测系统")
    scenario = ScenarioFactory(state="benchmark", sector=sector("manufacturing.02"), title="电机外观检测")
    agreement = AgreementFactory(scenario=scenario, suppliers=[supplier.organization], amount=300)
    agreement.products.set([product])
    case = BenchmarkCaseFactory(scenario=scenario)
    SupportGrant.objects.create(case=case, kind="compute_subsidy", amount=50)
    return {"supplier": supplier, "product": product, "scenario": scenario, "case": case}


def test_a_provider_replicates_a_case_in_its_region_with_the_proven_supplier_invited(
    proven, link_office, django_capture_on_commit_callbacks
):
    mianyang = member_of(K.ENTERPRISE, "510700")
    response = client_for(mianyang.user).post(f"/api/v1/benchmark-cases/{proven['case'].pk}/replicate/")
    assert response.status_code == 201
    copy = Scenario.objects.get(pk=response.json()["id"])
    assert (copy.state, copy.region, copy.replicated_from) == ("draft", region("510700"), proven["case"])
    assert ScenarioInvitation.objects.filter(scenario=copy, supplier=proven["supplier"].organization).exists()
    case_page = client_for().get(f"/api/v1/benchmark-cases/{proven['case'].pk}/").json()
    assert case_page["replications"] == []  # a draft is its provider's own
    copy.state, copy.release_event = "approved", ReleaseEventFactory()
    copy.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.scenario_publish(scenario_id=copy.pk, actor_user=link_office)
    assert proven["supplier"].user.notifications.filter(title__contains="邀请").exists()
    case_page = client_for().get(f"/api/v1/benchmark-cases/{proven['case'].pk}/").json()
    assert [r["region"] for r in case_page["replications"]] == ["510700"]


def test_suppliers_cannot_replicate_a_case(proven):
    response = client_for(member_of(K.SUPPLIER, "510700").user).post(
        f"/api/v1/benchmark-cases/{proven['case'].pk}/replicate/"
    )
    assert response.status_code == 403


def test_the_office_promotes_a_proven_product_and_every_city_hears(
    proven, link_office, django_capture_on_commit_callbacks
):
    staff = [member_of(K.CITY_OFFICE, code).user for code in ("510100", "510700")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(link_office).post(
            "/api/v1/promotions/", {"product": proven["product"].pk, "case": proven["case"].pk}, format="json"
        )
    assert response.status_code == 201
    assert all(u.notifications.filter(title__contains="推广应用").exists() for u in staff)
    other = ProductFactory()
    refused = client_for(link_office).post(
        "/api/v1/promotions/", {"product": other.pk, "case": proven["case"].pk}, format="json"
    )
    assert refused.status_code == 400
    assert client_for().get("/api/v1/promotions/").json()["count"] == 1


def test_a_products_adoption_is_counted_across_regions(proven):
    elsewhere = ScenarioFactory(provider=member_of(K.ENTERPRISE, "510700").organization, state="signed")
    AgreementFactory(scenario=elsewhere, suppliers=[proven["supplier"].organization]).products.set([proven["product"]])
    body = client_for().get(f"/api/v1/products/{proven['product'].pk}/adoption/").json()
    assert (body["region_count"], body["agreements"]) == (2, 2)
    assert {r["code"] for r in body["regions"]} == {"510100", "510700"}


def test_a_zone_score_is_reproducible_from_its_components(proven, link_office):
    ScenarioFactory(
        provider=member_of(K.ENTERPRISE, "510700").organization, state="published", sector=sector("manufacturing.03")
    )
    ranking = zone_scores()
    assert ranking[0].region == region("510100") and ranking[0].sector == sector("manufacturing")
    for zone in ranking:
        assert zone.score == score_from_components(zone.components)
    top = ranking[0]
    assert top.components["agreement_amount"]["value"] == 300 and top.components["support_amount"]["normalized"] == 1
    response = client_for(link_office).post(
        "/api/v1/demonstration-zones/", {"region": "510100", "sector": "manufacturing"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert float(body["score"]) == top.score == score_from_components(body["score_components"])
    api_ranking = client_for(link_office).get("/api/v1/demonstration-zones/ranking/").json()
    assert api_ranking[0]["score"] == top.score and set(api_ranking[0]["components"]) == set(top.components)


def test_the_zone_ranking_is_for_the_office_and_cities(proven):
    assert (
        client_for(member_of(K.SUPPLIER, "510100").user).get("/api/v1/demonstration-zones/ranking/").status_code == 403
    )
    assert (
        client_for(member_of(K.CITY_OFFICE, "510700").user).get("/api/v1/demonstration-zones/ranking/").status_code
        == 200
    )


def test_a_zone_goes_from_nomination_to_national_and_takes_in_its_benchmark_scenarios(proven, link_office):
    zone = services.zone_nominate(region_code="510100", sector_code="manufacturing", actor_user=link_office)
    client = client_for(link_office)
    assert client.post(f"/api/v1/demonstration-zones/{zone.pk}/apply_national/").status_code == 409  # not designated
    assert client.post(f"/api/v1/demonstration-zones/{zone.pk}/designate/").status_code == 200
    moved = client.post(f"/api/v1/demonstration-zones/{zone.pk}/include_scenarios/").json()
    assert [s["id"] for s in moved] == [proven["scenario"].pk]
    proven["scenario"].refresh_from_db()
    assert proven["scenario"].state == "demonstration"
    assert client.post(f"/api/v1/demonstration-zones/{zone.pk}/apply_national/").json()["status"] == "national_applied"
    assert (
        client.post(f"/api/v1/demonstration-zones/{zone.pk}/designate_national/").json()["status"]
        == "national_designated"
    )
    assert client.post(f"/api/v1/demonstration-zones/{zone.pk}/designate_national/").status_code == 409
    zone.refresh_from_db()
    assert zone.national_designated_on == datetime.date.today() or zone.national_designated_on is not None


def test_a_nomination_twice_is_refused(proven, link_office):
    services.zone_nominate(region_code="510100", sector_code="manufacturing", actor_user=link_office)
    again = client_for(link_office).post(
        "/api/v1/demonstration-zones/", {"region": "510100", "sector": "manufacturing"}, format="json"
    )
    assert again.status_code == 409
    assert DemonstrationZone.objects.count() == 1


def test_the_admin_shows_the_zone_score_and_its_components(proven, client):
    office = member_of(K.LINK_OFFICE, None).user
    office.is_staff = True
    office.save()
    zone = services.zone_nominate(region_code="510100", sector_code="manufacturing", actor_user=office)
    client.force_login(office)
    page = client.get(reverse("admin:scenarios_demonstrationzone_change", args=[zone.pk])).content.decode()
    assert "协议金额（万元）" in page and "归一化" in page


def test_the_public_gallery_shows_designated_cases_only(proven, client):
    nominated = BenchmarkCaseFactory(scenario=ScenarioFactory(state="in_cooperation"), title="尚未认定的案例")
    page = client.get("/cases/").content.decode()
    assert proven["case"].title in page and nominated.title not in page
