"""The annual plan's targets: where the province stands, where the pace says it should stand, at the year's
edges too, and the breakdown by region and sector."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from marketplace.choices import OrganizationKind as K
from scenarios.selectors import pace_expected, plan_progress
from scenarios.services import annual_plan_for_year
from tests.factories import ScenarioFactory, member_of, region, sector

D = datetime.date


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2025, 12, 31), 0),  # before the year
        (D(2026, 1, 1), 0),  # 150 × 1/365, rounded down
        (D(2026, 1, 3), 1),  # 150 × 3/365 = 1.2
        (D(2026, 3, 31), 36),  # the first quarter's last day: 150 × 90/365 = 36.99
        (D(2026, 6, 30), 74),  # 181 days
        (D(2026, 9, 30), 112),  # 273 days
        (D(2026, 12, 30), 149),  # 364 days: 149.6
        (D(2026, 12, 31), 150),  # the year's last day: all of it
        (D(2027, 2, 1), 150),  # after the year
    ],
)
def test_the_pace_at_the_years_edges(day, expected):
    assert pace_expected(150, 2026, day) == expected


def test_a_leap_year_paces_over_366_days():
    assert pace_expected(366, 2028, D(2028, 2, 29)) == 60
    assert pace_expected(366, 2028, D(2028, 12, 31)) == 366


def test_four_events_pace_one_a_quarter():
    assert [pace_expected(4, 2026, d) for d in (D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30), D(2026, 12, 31))] == [
        0,
        1,
        2,
        4,
    ]


@pytest.mark.django_db
def test_progress_counts_the_records_and_breaks_them_down_by_region_and_sector():
    annual_plan_for_year(2026)
    mianyang = member_of(K.GOVERNMENT, "510700").organization
    for n in range(3):
        ScenarioFactory(state="published", published_at=D(2026, 3, 1 + n), sector=sector("manufacturing.02"))
    ScenarioFactory(
        state="published",
        published_at=D(2026, 5, 1),
        provider=mianyang,
        category="government",
        sector=sector("emergency.01"),
    )
    ScenarioFactory(state="published", published_at=D(2025, 12, 1))  # last year: not counted
    by_metric = {t.metric: t for t in plan_progress(2026, D(2026, 6, 30))}
    published = by_metric["published_scenarios"]
    assert (published.actual, published.expected, published.behind) == (4, 74, True)
    assert by_metric["government_scenarios"].actual == 1
    assert by_metric["manufacturing_scenarios"].actual == 3
    body = APIClient().get("/api/v1/annual-plans/2026/progress/?as_of=2026-06-30").json()
    target = next(t for t in body["targets"] if t["metric"] == "published_scenarios")
    assert {r["code"]: r["count"] for r in target["by_region"]} == {"510100": 3, "510700": 1}
    assert {r["code"]: r["count"] for r in target["by_sector"]} == {"manufacturing": 3, "emergency": 1}
    assert region("510700").name in [r["name"] for r in target["by_region"]]


@pytest.mark.django_db
def test_the_link_office_looks_at_the_progress_as_a_chart(client):
    annual_plan_for_year(2026)
    office = member_of(K.LINK_OFFICE, None).user
    office.is_staff = True
    office.save()
    client.force_login(office)
    page = client.get(reverse("admin:scenarios_annualplan_progress", args=[2026])).content.decode()
    assert 'class="bar"' in page and "新发布应用场景" in page
