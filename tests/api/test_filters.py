"""Finding scenarios and products with filters, ordering and stable pagination."""

import datetime

import pytest
from rest_framework.test import APIClient

from marketplace.choices import OrganizationKind as K
from marketplace.models import Capability, OrganizationQualification
from tests.factories import OrganizationFactory, ProductFactory, ReleaseEventFactory, ScenarioFactory, region, sector

pytestmark = pytest.mark.django_db


def titles(query: str, path="/api/v1/scenarios/") -> set[str]:
    body = APIClient().get(path + query).json()
    return {r.get("title") or r.get("name") for r in body["results"]}


@pytest.fixture
def scenarios():
    mianyang = OrganizationFactory(region=region("510700"), kind=K.GOVERNMENT)
    event = ReleaseEventFactory()
    ScenarioFactory(
        title="视觉检测",
        state="published",
        sector=sector("manufacturing.02"),
        budget_min=50,
        budget_max=200,
        cooperation_mode="procurement",
        release_event=event,
        published_at=datetime.date(2026, 3, 18),
    )
    ScenarioFactory(
        title="设备运维",
        state="signed",
        sector=sector("manufacturing.03"),
        budget_min=300,
        budget_max=500,
        cooperation_mode="joint_rnd",
        published_at=datetime.date(2026, 6, 19),
    )
    ScenarioFactory(
        title="山地搜救",
        state="published",
        provider=mianyang,
        category="government",
        sector=sector("emergency.01"),
        budget_min=10,
        budget_max=40,
        published_at=datetime.date(2026, 9, 16),
    )
    ScenarioFactory(title="草稿不公开", state="draft", sector=sector("manufacturing.02"))
    return {"event": event, "mianyang": mianyang}


def test_a_top_level_sector_includes_its_sub_areas(scenarios):
    assert titles("?sector=manufacturing") == {"视觉检测", "设备运维"}
    assert titles("?sector=manufacturing.02") == {"视觉检测"}
    assert titles("?sector=no-such") == set()


def test_region_category_state_and_mode(scenarios):
    assert titles("?region=510700") == {"山地搜救"}
    assert titles("?category=government") == {"山地搜救"}
    assert titles("?state=signed") == {"设备运维"}
    assert titles("?state=signed&state=published") == {"视觉检测", "设备运维", "山地搜救"}
    assert titles("?cooperation_mode=joint_rnd") == {"设备运维"}


def test_budget_range_finds_overlapping_budgets(scenarios):
    assert titles("?budget_min=250") == {"设备运维"}
    assert titles("?budget_max=45") == {"山地搜救"}
    assert titles("?budget_min=100&budget_max=350") == {"视觉检测", "设备运维"}


def test_event_provider_and_publication_dates(scenarios):
    assert titles(f"?release_event={scenarios['event'].pk}") == {"视觉检测"}
    assert titles(f"?provider={scenarios['mianyang'].pk}") == {"山地搜救"}
    assert titles("?published_after=2026-04-01&published_before=2026-08-31") == {"设备运维"}


def test_bad_filter_values_are_a_400_not_a_500(scenarios):
    for query in ("?budget_min=abc", "?published_after=yesterday", "?state=teleported", "?page=0", "?page=abc"):
        response = APIClient().get("/api/v1/scenarios/" + query)
        assert response.status_code in (400, 404), query
        assert set(response.json()) == {"code", "message", "fields"}


def test_ordering_and_stable_pagination_with_a_total_count():
    for i in range(25):
        ScenarioFactory(title=f"场景{i:02d}", state="published", published_at=datetime.date(2026, 3, 18))
    client = APIClient()
    first = client.get("/api/v1/scenarios/?page_size=10").json()
    second = client.get("/api/v1/scenarios/?page_size=10&page=2").json()
    third = client.get("/api/v1/scenarios/?page_size=10&page=3").json()
    assert first["count"] == 25
    ids = [r["id"] for page in (first, second, third) for r in page["results"]]
    assert len(ids) == len(set(ids)) == 25  # equal publication dates: the id breaks the tie
    by_title = client.get("/api/v1/scenarios/?ordering=title&page_size=3").json()
    assert [r["title"] for r in by_title["results"]] == ["场景00", "场景01", "场景02"]


@pytest.mark.parametrize("ordering", ["", "?ordering=-published_at", "?ordering=published_at"])
def test_undated_drafts_come_after_every_published_scenario_in_either_direction(link_office, ordering):
    ScenarioFactory(title="草稿", state="draft")
    ScenarioFactory(title="春季", state="published", published_at=datetime.date(2026, 3, 18))
    ScenarioFactory(title="秋季", state="published", published_at=datetime.date(2026, 9, 16))
    client = APIClient()
    client.force_authenticate(link_office)
    listed = [r["title"] for r in client.get("/api/v1/scenarios/" + ordering).json()["results"]]
    newest_first = ordering != "?ordering=published_at"
    assert listed == (["秋季", "春季"] if newest_first else ["春季", "秋季"]) + ["草稿"]


def test_product_filters():
    chengdu = OrganizationFactory(kind=K.SUPPLIER, region=region("510100"))
    OrganizationQualification.objects.create(organization=chengdu, code="little_giant")
    mianyang = OrganizationFactory(kind=K.SUPPLIER, region=region("510700"))
    vision = ProductFactory(supplier=chengdu, name="视觉平台", maturity="mature")
    vision.capabilities.set([Capability.objects.create(name="机器视觉")])
    vision.sectors.set([sector("manufacturing.02")])
    drone = ProductFactory(supplier=mianyang, name="无人机", maturity="pilot")
    drone.sectors.set([sector("emergency.01")])
    path = "/api/v1/products/"
    assert titles(f"?supplier={chengdu.pk}", path) == {"视觉平台"}
    assert titles("?sector=manufacturing", path) == {"视觉平台"}
    assert titles("?maturity=pilot", path) == {"无人机"}
    assert titles("?capability=机器视觉", path) == {"视觉平台"}
    assert titles("?supplier_region=510700", path) == {"无人机"}
    assert titles("?qualification=little_giant", path) == {"视觉平台"}
