"""Who may see what (DOMAIN.md §7), as the selectors every list is built from say."""

import pytest
from django.utils import timezone

from marketplace.choices import OrganizationKind as K
from marketplace.selectors import ANONYMOUS, actor_for
from scenarios.models import Proposal
from scenarios.selectors import proposal_list_for, scenario_list_for
from tests.factories import OrganizationFactory, ScenarioFactory, member_of, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def market():
    provider = member_of(K.ENTERPRISE, "510100")
    draft = ScenarioFactory(provider=provider.organization, state="draft", title="成都草稿")
    published = ScenarioFactory(provider=provider.organization, state="published", title="成都已发布")
    far = ScenarioFactory(provider=OrganizationFactory(region=region("510700")), state="submitted", title="绵阳待审")
    a, b = member_of(K.SUPPLIER, "510100"), member_of(K.SUPPLIER, "510700")
    for supplier in (a, b):
        Proposal.objects.create(scenario=published, supplier=supplier.organization, submitted_at=timezone.now())
    return {"provider": provider.user, "draft": draft, "published": published, "far": far, "a": a.user, "b": b.user}


def titles(user):
    return set(scenario_list_for(actor_for(user) if user else ANONYMOUS).values_list("title", flat=True))


def test_drafts_are_seen_by_their_provider_city_staff_and_link_office_only(
    market, city_staff, other_city_staff, link_office
):
    assert titles(None) == {"成都已发布"}
    assert titles(market["a"]) == {"成都已发布"}
    assert titles(market["provider"]) == {"成都草稿", "成都已发布"}
    assert titles(city_staff) == {"成都草稿", "成都已发布"}
    assert titles(other_city_staff) == {"成都已发布", "绵阳待审"}
    assert titles(link_office) == {"成都草稿", "成都已发布", "绵阳待审"}


def test_a_supplier_sees_only_its_own_proposal(market, city_staff, other_city_staff, link_office):
    def suppliers(user):
        return set(proposal_list_for(actor_for(user)).values_list("supplier__members__user", flat=True))

    assert suppliers(market["a"]) == {market["a"].pk}
    assert suppliers(market["b"]) == {market["b"].pk}
    assert (
        suppliers(market["provider"])
        == suppliers(city_staff)
        == suppliers(link_office)
        == {market["a"].pk, market["b"].pk}
    )
    assert suppliers(other_city_staff) == set()
    assert not proposal_list_for(ANONYMOUS).exists()


def test_link_office_sees_nominated_cases_that_are_not_yet_public(link_office):
    from scenarios.selectors import benchmark_case_list_for
    from tests.factories import BenchmarkCaseFactory

    nominated = BenchmarkCaseFactory(scenario=ScenarioFactory(state="in_cooperation"))
    assert benchmark_case_list_for(actor_for(link_office)).filter(pk=nominated.pk).exists()
    assert not benchmark_case_list_for(ANONYMOUS).filter(pk=nominated.pk).exists()
