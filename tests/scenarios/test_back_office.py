"""The admin as the staff's back office: what each person may do now, in words and forms they read."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.choices import OrganizationKind as K
from matching.models import Match
from scenarios.models import BenchmarkCase
from tests.factories import (
    AgreementFactory,
    DemonstrationZoneFactory,
    ProductFactory,
    ReleaseEventFactory,
    ScenarioFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


def staff(kind, region_code):
    user = member_of(kind, region_code).user
    user.is_staff = True  # as member_add makes staff organisations' members
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def city(client):
    client.force_login(staff(K.CITY_OFFICE, "510100"))
    return client


@pytest.fixture
def office(client):
    client.force_login(staff(K.LINK_OFFICE, None))
    return client


def change(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_a_scenario_offers_buttons_for_the_transitions_this_person_may_take_now(city, office):
    scenario = ScenarioFactory(state="submitted")
    page = city.get(change(scenario)).text
    assert 'value="do_approve"' in page and 'value="do_return"' in page
    assert 'value="do_publish"' not in page and 'value="do_sign"' not in page


def test_approving_onto_an_event_offers_only_events_to_come(city):
    past = ReleaseEventFactory(name="已举办的发布会", date=timezone.localdate() - datetime.timedelta(days=3))
    coming = ReleaseEventFactory(name="即将举办的发布会", date=timezone.localdate() + datetime.timedelta(days=20))
    scenario = ScenarioFactory(state="submitted")
    form = city.post(
        reverse("admin:scenarios_scenario_changelist"), {"action": "do_approve", "_selected_action": [scenario.pk]}
    ).text
    assert coming.name in form and past.name not in form


def test_the_match_list_is_in_words_sorted_by_score_with_whole_terms_as_tags(city):
    scenario = ScenarioFactory(state="published", title="电机壳体缺陷检测", purpose="检测划痕")
    for rank, score in ((1, 0.5), (2, 0.9)):
        product = ProductFactory(name=f"产品{rank}")
        Match.objects.create(
            scenario=scenario,
            product=product,
            supplier=product.supplier,
            rank=rank,
            score=score,
            terms=["缺陷", "测性"],
            engine_version="t",
            computed_at=timezone.now(),
        )
    page = city.get(reverse("admin:matching_match_changelist")).text
    assert "匹配度" in page and "共同关键词" in page and "测性" not in page and "90%" in page
    assert page.index("产品2") < page.index("产品1")  # the stronger match first


def test_case_outcome_figures_are_rows_of_a_form_not_json(office):
    scenario = ScenarioFactory(state="in_cooperation")
    AgreementFactory(scenario=scenario)
    data = {
        "scenario": scenario.pk,
        "title": "电机标杆",
        "background": "人工目检",
        "solution": "视觉检测",
        "outcomes": "效率提升",
        "outcome_figures_0": "检测效率",
        "outcome_figures_1": "3",
        "outcome_figures_2": "倍",
        "is_public": "on",
        "support_grants-TOTAL_FORMS": "0",
        "support_grants-INITIAL_FORMS": "0",
        "pictures-TOTAL_FORMS": "0",
        "pictures-INITIAL_FORMS": "0",
    }
    form = office.get(reverse("admin:scenarios_benchmarkcase_add")).text
    assert 'name="outcome_figures_0"' in form and "<textarea" in form
    response = office.post(reverse("admin:scenarios_benchmarkcase_add"), data)
    assert response.status_code == 302, response.text[:3000]
    case = BenchmarkCase.objects.get()
    assert case.outcome_figures == [{"label": "检测效率", "value": "3", "unit": "倍"}]
    assert "检测效率：3倍" in office.get(change(case)).text


def test_the_event_page_links_its_booklet_and_a_candidate_zone_shows_its_computed_score(office):
    event = ReleaseEventFactory()
    page = office.get(change(event)).text
    assert f"/events/{event.pk}/booklet/" in page and f"/events/{event.pk}/booklet.xlsx" in page
    ScenarioFactory(state="benchmark")
    zone = DemonstrationZoneFactory(status="candidate", designated_on=None)
    page = office.get(change(zone)).text
    assert "当前评分" in page and "归一化" in page


def test_the_back_office_front_page_shows_each_persons_queue(city):
    ScenarioFactory(state="submitted")
    ScenarioFactory(state="submitted")
    page = city.get(reverse("admin:index")).text
    assert "2 个场景等待您审核" in page.replace("<strong>", "").replace("</strong>", "")
