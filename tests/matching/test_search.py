"""The search box as people use it: every word narrows, synonyms either way, a compound by its parts, the
title counting more than the body, and the count and pages exact however many scenarios answer."""

from __future__ import annotations

import pytest
from django.db import connection
from rest_framework.test import APIClient

from common.api import RankedPaginator
from marketplace.selectors import ANONYMOUS
from matching.models import PublicScenarioSearch, PublicScenarioSearchTerm, Synonym
from matching.search import RANK_WEIGHTS, public_scenario_ranking, query_clauses, search
from scenarios.choices import PUBLIC_STATES
from scenarios.models import Scenario
from scenarios.selectors import scenario_list_for
from tests.conftest import requires_postgres
from tests.factories import ScenarioFactory
from tests.matching.test_matching import product, published

pytestmark = pytest.mark.django_db


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


def _trigger_source() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'matching_public_scenario_search_sync'")
        return cursor.fetchone()[0]


def _trigger_states() -> set[str]:
    listed = _trigger_source().split("state IN (")[1].split(")")[0]
    return {s.strip().strip("'") for s in listed.split(",")}


@requires_postgres
def test_the_public_search_table_holds_exactly_the_public_scenarios_as_they_are_now():
    assert _trigger_states() == {str(s) for s in PUBLIC_STATES}
    draft = ScenarioFactory(title="无人机巡检", purpose="输电线路")
    live = published("无人机巡检", "输电线路")
    assert set(PublicScenarioSearch.objects.values_list("pk", flat=True)) == {live.pk}  # never a draft

    def vector(pk):
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector::text FROM matching_publicscenariosearch WHERE scenario_id = %s", [pk])
            return cursor.fetchone()[0]

    live.title = "病虫害监测"
    live.save()
    assert "病虫害" in vector(live.pk) and "巡检" not in vector(live.pk).split("|")[0]
    Scenario.objects.filter(pk=live.pk).update(state="closed", closed_reason="无人应标")
    assert PublicScenarioSearch.objects.filter(pk=live.pk).exists()  # a closed scenario stays public
    Scenario.objects.filter(pk=draft.pk).update(state="published", published_at=live.published_at)
    Scenario.objects.filter(pk=live.pk).update(state="withdrawn")
    assert set(PublicScenarioSearch.objects.values_list("pk", flat=True)) == {draft.pk}
    Scenario.objects.filter(pk=draft.pk).delete()
    assert not PublicScenarioSearch.objects.exists()
    assert not PublicScenarioSearchTerm.objects.exists()


@requires_postgres
def test_each_public_scenario_keeps_its_words_with_their_own_rank():
    assert f"ts_rank('{{{','.join(str(w) for w in RANK_WEIGHTS)}}}'" in _trigger_source()
    live = published("无人机巡检", "输电线路巡检")
    words = dict(PublicScenarioSearchTerm.objects.filter(scenario_id=live.pk).values_list("term", "rank"))
    assert {"无人机", "巡检", "输电", "线路"} <= set(words)
    assert words["巡检"] > words["无人机"]  # twice, once in the title, against once in the title
    live.title = "病虫害监测"
    live.save()
    words = set(PublicScenarioSearchTerm.objects.filter(scenario_id=live.pk).values_list("term", flat=True))
    assert "病虫害" in words and "无人机" not in words
    Scenario.objects.filter(pk=live.pk).update(state="withdrawn")
    assert not PublicScenarioSearchTerm.objects.exists()


@requires_postgres
@pytest.mark.parametrize(
    "query", ["缺陷检测", "瑕疵识别", "无人飞行器 巡查", "交通信号", "病虫害", "无人飞行器", "仓库"]
)
def test_the_public_ranking_is_the_search_of_what_the_public_sees(query):
    """The narrow table answers exactly as the scenario table does: same hits, same order, same count."""
    for i in range(9):
        published(f"缺陷检测第{i}号产线", "无人机巡查，病虫害" if i % 2 else "交通 信号 配时")
        published(f"第{i}号仓库", "需要瑕疵识别" if i % 3 else "病虫害防治，无人飞行器巡查")
    ScenarioFactory(title="缺陷检测草稿", purpose="交通信号 病虫害 无人机 巡查")
    public = scenario_list_for(ANONYMOUS)
    searched = search(public, query, "title").order_by("-relevance", "-published_at", "-id")
    hits = searched.count()
    assert hits >= 5  # more than a page
    for page in range(1, (hits + 3) // 4 + 1):
        expected = RankedPaginator(searched, 4).page(page)
        got = RankedPaginator(public_scenario_ranking(query), 4, rows=public, key="scenario_id").page(page)
        assert [s.pk for s in got] == [s.pk for s in expected]
        assert got.paginator.count == expected.paginator.count


@requires_postgres
def test_a_plain_public_search_is_refused_as_the_filters_refuse_it():
    client = APIClient()
    assert client.get("/api/v1/scenarios/", {"q": "缺陷检测\x00"}).status_code == 400
    assert client.get("/api/v1/scenarios/", {"q": "缺" * 201}).status_code == 400
    assert client.get("/api/v1/scenarios/", {"q": "缺陷检测", "page": "0"}).status_code == 404


@requires_postgres
@pytest.mark.parametrize("query", ["病虫害", "缺陷检测"])
def test_a_page_past_the_end_of_a_plain_public_search_is_not_found(query):
    published(f"{query}监测", "全省")
    client = APIClient()
    first = client.get("/api/v1/scenarios/", {"q": query}).json()
    assert first["count"] == 1 and first["next"] is None
    assert client.get("/api/v1/scenarios/", {"q": query, "page": 2}).status_code == 404


def test_a_search_may_reuse_the_dictionary_checked_a_moment_ago_but_not_after_this_process_changed_it(settings):
    from django.test.utils import CaptureQueriesContext

    settings.MATCHING = {**settings.MATCHING, "SEARCH_DICTIONARY_AGE": 60.0}
    query_clauses("缺陷检测")
    with CaptureQueriesContext(connection) as asked:
        query_clauses("缺陷检测")
    assert len(asked) == 0
    Synonym.objects.create(term="表观瑕疵", canonical="缺陷检测")
    clauses = query_clauses("缺陷检测")
    assert "表观瑕疵" in clauses[0][0][0]
