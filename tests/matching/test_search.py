"""The search box as people use it: every word narrows, synonyms either way, a compound by its parts, the
title counting more than the body, and the count and pages exact however many scenarios answer."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from matching import services
from matching.models import Synonym
from matching.search import query_clauses
from scenarios.choices import PUBLIC_STATES
from tests.conftest import requires_postgres
from tests.matching.test_matching import product, published

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_index():
    services.forget_index()
    yield
    services.forget_index()


def ids(query, **params):
    body = APIClient().get("/api/v1/scenarios/", {"q": query, **params}).json()
    return [r["id"] for r in body["results"]], body["count"]


def test_every_word_narrows_and_synonyms_count_either_way():
    both = published("无人机电力巡检", "输电线路巡查")
    drone_only = published("无人机航拍测绘", "地形测绘")
    patrol_only = published("人工巡检排班", "巡检路线")
    found, count = ids("无人飞行器 巡查")
    assert found == [both.pk] and count == 1
    found, _count = ids("无人机")
    assert set(found) == {both.pk, drone_only.pk}
    assert patrol_only.pk not in found


def test_a_compound_is_found_by_its_parts_but_not_by_overlapping_pieces():
    by_parts = published("路口交通与信号灯改造", "交通 信号 配时")
    found, _count = ids("交通信号")
    assert found == [by_parts.pk]
    # Search mode cuts 无人机 into 无人 and 人机 too; a text with those two pieces is not about drones.
    published("无人值守的人机交互终端", "自助服务")
    found, count = ids("无人机")
    assert (found, count) == ([], 0)


def test_a_part_that_is_a_form_of_the_whole_adds_no_second_way():
    clause = query_clauses("无人飞行器")[0]
    assert len(clause) == 1 and "无人机" in clause[0][0]


def test_a_synonym_written_in_capitals_is_found_in_any_case():
    assert Synonym.objects.filter(term="LLM", canonical="大模型").exists()  # as the link office wrote it
    model = published("政务大模型问答", "政策咨询")
    found, _count = ids("llm")
    assert found == [model.pk]
    found, _count = ids("LLM")
    assert found == [model.pk]


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_body():
    body = published("仓库管理系统", "顺带做一点缺陷检测")
    title = published("缺陷检测", "电机壳体")
    found, _count = ids("瑕疵识别")
    assert found == [title.pk, body.pk]


def test_the_count_and_every_page_are_exact_when_many_scenarios_answer():
    titled = [published(f"缺陷检测第{i}号产线", "产线质检") for i in range(7)]
    bodied = [published(f"第{i}号仓库", "需要缺陷检测") for i in range(6)]
    seen = []
    for page in (1, 2, 3):
        found, count = ids("缺陷检测", page=page, page_size=5)
        assert count == 13
        seen += found
    assert len(seen) == 13 and set(seen) == {s.pk for s in titled + bodied}
    assert set(seen[:7]) == {s.pk for s in titled}  # every title hit before every body hit


def test_filters_apply_to_a_search():
    here = published("缺陷检测", "产线", region_code="510100")
    published("缺陷检测", "产线", region_code="510300")
    found, count = ids("缺陷检测", region="510100")
    assert (found, count) == ([here.pk], 1)


def test_products_are_searched_the_same_way():
    drone = product("无人机巡检系统", "输电线路巡检")
    product("人机交互屏", "无人值守")
    body = APIClient().get("/api/v1/products/", {"q": "无人飞行器"}).json()
    assert [r["id"] for r in body["results"]] == [drone.pk] and body["count"] == 1


@requires_postgres
def test_the_public_search_index_covers_exactly_the_public_states():
    """The partial index the public search runs on must name the states that are public today; if they
    drift apart, the planner quietly falls back to the whole index."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'scenario_public_search_gin'")
        (definition,) = cursor.fetchone()
    assert "published_at IS NOT NULL" in definition
    listed = definition.split("ARRAY[")[1].split("]")[0]
    named = {s.strip().split("::")[0].strip("'") for s in listed.split(",")}
    assert named == {str(s) for s in PUBLIC_STATES}
