"""`manage.py seed_demo` builds the believable market the README promises."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from marketplace.models import Organization, Product, Region, Sector
from scenarios.choices import ScenarioState
from scenarios.models import BenchmarkCase, DemonstrationZone, Proposal, ReleaseEvent, Scenario
from tests.support import built_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_market(django_db_setup, django_db_blocker):
    """Built once for the module (it takes most of a minute)."""
    yield from built_once(django_db_blocker, lambda: call_command("seed_demo", "--password", "pw-demo-1"))


def test_demo_market_covers_the_whole_province_and_lifecycle(demo_market, capsys):
    assert Region.objects.count() == 21
    assert Organization.objects.filter(kind="supplier").count() >= 60
    assert Product.objects.count() >= 200
    assert Scenario.objects.count() >= 150
    assert set(Scenario.objects.values_list("state", flat=True)) == set(ScenarioState.values)
    assert set(Scenario.objects.values_list("category", flat=True)) == {"government", "industry"}
    key_sectors = Sector.objects.filter(parent__isnull=True, is_key_sector=True)
    for top in key_sectors:
        used = Scenario.objects.filter(sector__parent=top).values("sector").distinct().count()
        assert used >= top.children.count() * 0.6, top.code
    events = ReleaseEvent.objects.filter(kind="provincial", year=2026).order_by("quarter")
    assert [e.quarter for e in events] == [1, 2, 3, 4]
    assert len({e.host_region_id for e in events}) == 4
    assert BenchmarkCase.objects.count() >= 3
    assert DemonstrationZone.objects.filter(status="designated").exists()
    assert Proposal.objects.values("supplier").distinct().count() > 10


def test_demo_accounts_log_in_with_the_given_password(demo_market):
    for username in ("demo-office", "demo-city", "demo-gov", "demo-enterprise", "demo-supplier", "demo-supplier2"):
        assert authenticate(username=username, password="pw-demo-1") is not None, username
    assert Proposal.objects.filter(supplier__members__user__username="demo-supplier").exists()
    assert Product.objects.filter(supplier__members__user__username="demo-supplier2").exists()


def test_seed_demo_if_empty_leaves_an_existing_market_alone(demo_market, capsys):
    count = Scenario.objects.count()
    call_command("seed_demo", "--if-empty")
    assert Scenario.objects.count() == count
    assert "demo-office" in capsys.readouterr().out


def test_the_demo_market_reads_true_to_a_newcomer(demo_market):
    """Dates in order, no doubled words, each city's own phone area code, fitting providers, outcome figures."""
    from marketdata.demo.catalogue import AREA_CODES, PUBLISHER_OF
    from scenarios.models import TransitionLog

    for scenario in Scenario.objects.prefetch_related("transitions", "proposals"):
        times = [log.at for log in scenario.transitions.order_by("id")]
        assert times == sorted(times), scenario.title  # submitted before approved before published …
        published = next((log.at for log in scenario.transitions.all() if log.transition == "publish"), None)
        if published:
            assert (
                scenario.published_at == published.astimezone().date()
                or abs((scenario.published_at - published.date()).days) <= 1
            )
            for proposal in scenario.proposals.all():
                assert proposal.submitted_at > published, scenario.title
        assert scenario.contact_phone.startswith(AREA_CODES[scenario.region.code] + "-"), scenario.title
    for name in Organization.objects.values_list("name", flat=True):
        for word in ("科技科技", "智能智能", "有限公司有限公司"):
            assert word not in name, name
    by_code = {s.code: s for s in Sector.objects.all()}
    for scenario in Scenario.objects.select_related("provider", "sector"):
        departments, industries = PUBLISHER_OF.get(scenario.sector.code, ([], []))
        if scenario.provider.name.startswith("四川"):
            continue
        assert any(word in scenario.provider.name for word in departments + industries), (
            scenario.provider.name,
            scenario.title,
        )
    assert by_code
    for case in BenchmarkCase.objects.all():
        assert case.outcome_figures and all({"label", "value", "unit"} <= set(f) for f in case.outcome_figures)
    assert TransitionLog.objects.exists()
