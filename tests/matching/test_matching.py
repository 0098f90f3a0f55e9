"""The matcher as its users meet it: explained rankings that understand synonyms and prefer the right
domain and local suppliers, kept fresh when scenarios and products change, and jobs safe to run twice."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from marketplace import services as market_services
from marketplace.choices import OrganizationKind as K
from matching import services, tasks
from matching.analysis import get_analyzer, stored_tokens
from matching.choices import RunStatus
from matching.engine import COMPONENTS
from matching.models import Match, MatchFeedback, MatchRun, Synonym
from tests.factories import ProductFactory, ScenarioFactory, member_of, region, sector

pytestmark = pytest.mark.django_db


def product(name, description, *, region_code="510100", sectors=("manufacturing.02",), **kw):
    supplier = member_of(K.SUPPLIER, region_code).organization
    p = ProductFactory(supplier=supplier, name=name, description=description, **kw)
    p.sectors.set([sector(code) for code in sectors])
    return p


def published(title, purpose, *, region_code="510100", sector_code="manufacturing.02", **kw):
    provider = member_of(K.ENTERPRISE, region_code).organization
    return ScenarioFactory(
        provider=provider, state="published", title=title, purpose=purpose, sector=sector(sector_code), **kw
    )


def ranking(scenario):
    return list(Match.objects.filter(scenario=scenario).order_by("rank").values_list("product__name", flat=True))


def test_synonyms_are_folded_onto_one_term():
    analyzer = get_analyzer()
    assert "缺陷检测" in analyzer.terms("电机壳体瑕疵识别")
    assert "无人机" in analyzer.terms("利用无人飞行器巡查林区")
    assert "系统" not in analyzer.terms("智能检测系统平台")  # generic words say nothing


def test_the_link_office_extends_synonyms_as_data():
    assert "视觉质检" not in get_analyzer().terms("采用光学检验")
    Synonym.objects.create(term="视觉质检", canonical="视觉质检")
    Synonym.objects.create(term="光学检验", canonical="视觉质检")
    assert "视觉质检" in get_analyzer().terms("采用光学检验")


def test_a_match_is_ranked_and_explained_in_the_scenarios_words():
    right = product("表面缺陷检测系统", "金属压铸件外观缺陷检测，识别砂眼、裂纹、气孔")
    product("智慧养老服务平台", "社区居家养老助餐服务", sectors=("livelihood.01",))
    scenario = published("电机壳体瑕疵识别", "人工目检砂眼裂纹效率低，希望AI识别外观瑕疵")
    services.rematch_scenarios([scenario.pk])
    best = Match.objects.filter(scenario=scenario).order_by("rank").first()
    assert best.product == right and best.rank == 1 and best.supplier == right.supplier
    assert set(best.components) == set(COMPONENTS)
    assert best.components["sector"] == 1.0 and 0 < best.score <= 1
    assert "缺陷" in best.terms and "砂眼" in best.terms
    assert "智慧养老服务平台" not in ranking(scenario)  # shares no word: not a match at all


def test_right_domain_and_local_supplier_rank_first_among_equal_texts():
    text = ("视觉缺陷检测系统", "铸件外观缺陷检测，识别砂眼裂纹")
    far = product(*text, region_code="513400")
    near = product(*text, region_code="510700")
    wrong_domain = product(*text, sectors=("city_governance.06",), region_code="510700")
    scenario = published("铸件外观缺陷检测", "识别砂眼裂纹等外观缺陷", region_code="510700")
    services.rematch_scenarios([scenario.pk])
    ranked = list(Match.objects.filter(scenario=scenario).order_by("rank").values_list("product", flat=True))
    assert ranked == [near.pk, far.pk, wrong_domain.pk]


def test_a_running_cooperation_raises_the_supplier_next_time(link_office):
    from tests.factories import AgreementFactory

    a = product("缺陷检测系统", "外观缺陷检测", region_code="513400")
    b = product("缺陷检测系统", "外观缺陷检测", region_code="513400")
    scenario = published("外观缺陷检测", "外观缺陷检测")
    services.rematch_scenarios([scenario.pk])
    first = ranking(scenario)
    done = ScenarioFactory(state="in_cooperation", provider=member_of(K.ENTERPRISE).organization)
    loser = b if Match.objects.get(scenario=scenario, rank=1).product == a else a
    AgreementFactory(scenario=done, suppliers=[loser.supplier])
    services.forget_index()
    services.rematch_scenarios([scenario.pk])
    assert Match.objects.get(scenario=scenario, rank=1).product == loser
    assert len(ranking(scenario)) == len(first)


def test_publishing_a_scenario_ranks_it_after_commit(link_office, django_capture_on_commit_callbacks):
    from scenarios.services import scenario_transition
    from tests.factories import ReleaseEventFactory

    product("缺陷检测系统", "外观缺陷检测")
    scenario = ScenarioFactory(
        state="approved", title="外观瑕疵识别", purpose="外观缺陷", release_event=ReleaseEventFactory()
    )
    with django_capture_on_commit_callbacks(execute=True):
        scenario_transition(name="publish", scenario_id=scenario.pk, actor_user=link_office)
    assert Match.objects.filter(scenario=scenario).count() == 1


def test_a_new_or_changed_product_enters_the_rankings_it_answers(django_capture_on_commit_callbacks):
    scenario = published("输电线路无人机巡检", "无人机自主巡检输电线路", sector_code="emergency.03")
    other = published("养老院离床监测", "夜间离床报警", sector_code="livelihood.02")
    services.rematch_scenarios([scenario.pk, other.pk])
    assert ranking(scenario) == []
    supplier = member_of(K.SUPPLIER)
    with django_capture_on_commit_callbacks(execute=True):
        created = market_services.product_create(
            actor_user=supplier.user, name="无人飞行器巡线系统", description="输电线路巡查", maturity="mature"
        )
    assert ranking(scenario) == ["无人飞行器巡线系统"] and ranking(other) == []
    with django_capture_on_commit_callbacks(execute=True):
        market_services.product_update(
            product_id=created.pk, actor_user=supplier.user, name="离床监测床垫", description="夜间离床报警"
        )
    assert ranking(scenario) == [] and ranking(other) == ["离床监测床垫"]


def test_every_task_can_run_twice(django_capture_on_commit_callbacks):
    p = product("缺陷检测系统", "外观缺陷检测")
    scenario = published("外观缺陷检测", "外观缺陷")
    for _ in range(2):
        tasks.match_scenario(scenario.pk)
        tasks.match_product(p.pk)
    assert Match.objects.filter(scenario=scenario).count() == 1
    run = services.full_rematch_start(enqueue=False)
    for _ in range(2):
        tasks.match_chunk(run.pk, 0)
        tasks.enqueue_chunks(run.pk)
    run.refresh_from_db()
    assert (run.status, run.chunks_done, run.scenarios_done) == (RunStatus.DONE, 1, 1)
    before = list(Match.objects.values_list("scenario_id", "product_id", "rank", "score"))
    assert len(before) == 1
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.full_rematch()  # beat's periodic job: a new recorded run each time, the same result
    assert MatchRun.objects.filter(status=RunStatus.DONE).count() == 3
    assert list(Match.objects.values_list("scenario_id", "product_id", "rank", "score")) == before


def test_a_job_killed_half_way_is_finished_by_running_it_again():
    for n in range(3):
        product(f"缺陷检测系统{n}", "外观缺陷检测")
    scenarios = [published(f"外观缺陷检测{n}", "外观缺陷") for n in range(5)]
    run = services.full_rematch_start(chunk_size=2, enqueue=False)
    assert run.chunks_total == 3
    services.run_chunk(run.pk, 0)  # … and the worker dies
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING and services.pending_chunks(run.pk) == [1, 2]
    call_command("match", "--resume", str(run.pk), stdout=open("/dev/null", "w"))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.scenarios_done == 5 and run.matches_written == 15
    before = sorted(Match.objects.values_list("scenario_id", "product_id", "rank", "score"))
    call_command("match", stdout=open("/dev/null", "w"))  # a fresh full job changes nothing
    assert sorted(Match.objects.values_list("scenario_id", "product_id", "rank", "score")) == before
    assert {s.pk for s in scenarios} == set(Match.objects.values_list("scenario_id", flat=True))


def test_matches_of_a_scenario_that_left_the_market_are_removed():
    product("缺陷检测系统", "外观缺陷检测")
    scenario = published("外观缺陷检测", "外观缺陷")
    services.rematch_scenarios([scenario.pk])
    scenario.state = "signed"
    scenario.save(update_fields=["state"])
    services.rematch_scenarios([scenario.pk])
    assert not Match.objects.filter(scenario=scenario).exists()


def test_export_matches_writes_one_line_per_scenario_with_external_keys(tmp_path):
    p = product("缺陷检测系统", "外观缺陷检测")
    scenario = published("外观缺陷检测", "外观缺陷")
    services.rematch_scenarios([scenario.pk])
    out = tmp_path / "m.jsonl"
    call_command("export_matches", str(out), "--top", "5", stdout=open("/dev/null", "w"))
    line = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert line["scenario"] == scenario.key
    assert line["matches"][0]["product"] == p.key and line["matches"][0]["supplier"] == p.supplier.key
    assert set(line["matches"][0]) == {"product", "supplier", "score", "components", "terms"}


def test_the_engine_clearly_beats_both_baselines_on_the_labelled_set(capsys):
    call_command(
        "evaluate_matching", "tests/data/matching_eval_market.json", "tests/data/matching_eval_labels.json", "--json"
    )
    table = json.loads(capsys.readouterr().out)
    engine = table["engine"]
    assert engine["scenarios"] >= 30
    for baseline in ("text_only", "sector_only"):
        assert engine["ndcg@10"] >= table[baseline]["ndcg@10"] + 0.02, table
        assert engine["mrr"] >= table[baseline]["mrr"], table
    # The plain ranker of issue 14 (BM25 over jieba words + sector, region, maturity) scores 0.925 here.
    assert round(table["plain_bm25"]["ndcg@10"], 3) == 0.925, table
    assert engine["ndcg@10"] > table["plain_bm25"]["ndcg@10"] and engine["mrr"] >= table["plain_bm25"]["mrr"], table


def test_the_evaluation_leaves_the_database_as_it_was(capsys):
    call_command(
        "evaluate_matching", "tests/data/matching_eval_market.json", "tests/data/matching_eval_labels.json", "--json"
    )
    assert not MatchRun.objects.exists()
    from marketplace.models import Product

    assert not Product.objects.filter(key__startswith="eval-").exists()


def test_suppliers_see_recommended_scenarios_and_parties_mark_them():
    p = product("缺陷检测系统", "外观缺陷检测")
    scenario = published("外观缺陷检测", "外观缺陷")
    services.rematch_scenarios([scenario.pk])
    supplier_user = member_of(K.SUPPLIER).user
    supplier_user.member.organization = p.supplier
    supplier_user.member.save()
    client = APIClient()
    client.force_authenticate(supplier_user)
    listed = client.get("/api/v1/recommendations/").json()
    assert listed["count"] == 1 and listed["results"][0]["scenario"]["key"] == scenario.key
    marked = client.post(
        "/api/v1/match-feedback/", {"scenario": scenario.pk, "product": p.pk, "verdict": "not_useful"}, format="json"
    )
    assert marked.status_code == 201 and marked.json()["rank_seen"] == 1
    again = client.post(
        "/api/v1/match-feedback/", {"scenario": scenario.pk, "product": p.pk, "verdict": "contacted"}, format="json"
    )
    assert again.status_code == 201 and MatchFeedback.objects.get().verdict == "contacted"
    services.rematch_scenarios([scenario.pk])
    # A supplier's marks on its own product are kept for it, but do not rank it (it would rank itself) …
    assert Match.objects.get(scenario=scenario).components["feedback"] == 0.5
    # … the provider's do.
    provider_user = member_of(K.ENTERPRISE).user
    provider_user.member.organization = scenario.provider
    provider_user.member.save()
    client.force_authenticate(provider_user)
    by_provider = client.post(
        "/api/v1/match-feedback/", {"scenario": scenario.pk, "product": p.pk, "verdict": "contacted"}, format="json"
    )
    assert by_provider.status_code == 201
    services.rematch_scenarios([scenario.pk])
    assert Match.objects.get(scenario=scenario).components["feedback"] == 1.0


def test_the_provider_reads_its_scenarios_ranking(city_staff):
    p = product("缺陷检测系统", "外观缺陷检测")
    scenario = published("外观缺陷检测", "外观缺陷", region_code="510100")
    services.rematch_scenarios([scenario.pk])
    client = APIClient()
    client.force_authenticate(city_staff)
    body = client.get(f"/api/v1/scenarios/{scenario.pk}/matches/").json()
    assert body[0]["product"]["key"] == p.key and body[0]["rank"] == 1 and body[0]["terms"]
    assert region("510100").code == body[0]["supplier"]["region"]


def test_search_understands_synonyms_and_ranks_by_relevance():
    best = published("电机壳体缺陷检测", "外观缺陷检测，缺陷类型多")
    weaker = published("仓库管理", "顺带做一点缺陷检测")
    published("养老院离床监测", "夜间离床报警", sector_code="livelihood.02")
    client = APIClient()
    found = client.get("/api/v1/scenarios/", {"q": "瑕疵识别"}).json()
    assert [r["id"] for r in found["results"]] == [best.pk, weaker.pk]
    products = client.get("/api/v1/products/", {"q": "无人飞行器"}).json()
    assert products["count"] == 0
    drone = product("无人机巡检系统", "输电线路巡检")
    assert [r["id"] for r in client.get("/api/v1/products/", {"q": "无人飞行器"}).json()["results"]] == [drone.pk]


@pytest.mark.parametrize("stale", ["deleted", "unchanged"])
def test_a_product_deleted_after_the_index_was_built_is_not_recommended(stale):
    scenario = published("电机壳体外观缺陷检测", "检测划痕与压伤")
    gone = product("外观缺陷检测仪", "表面缺陷检测")
    kept = product("缺陷检测系统", "电机壳体外观缺陷检测")  # the newest: its stamp still stands after the delete
    services.current_index()  # warm, with both products
    if stale == "deleted":
        # As another process would: gone from the table, the warm index none the wiser (no newer product).
        from marketplace.models import Product

        Product.objects.filter(pk=gone.pk).delete()
    services.rematch_scenarios([scenario.pk])
    names = ranking(scenario)
    assert kept.name in names
    assert (gone.name in names) == (stale == "unchanged")


def test_the_plain_ranker_is_bm25_plus_sector_region_and_maturity_as_specified():
    from collections import Counter

    from matching import plain

    def product(pid, text, *, region=1, maturity="mature", sectors=((11, 1),)):
        counts = Counter(plain.words(text))
        return plain.PlainProduct(pid, region, maturity, list(sectors), counts, sum(counts.values()))

    scenario = plain.PlainScenario(1, 1, (11, 1), set(plain.words("电机外壳缺陷检测")))
    products = [
        product(1, "电机外壳缺陷检测系统"),
        product(2, "电机外壳缺陷检测系统", maturity="prototype"),  # same text, a prototype: × 0.6
        product(3, "电机外壳缺陷检测系统", region=2, sectors=((12, 1),)),  # elsewhere, same sector only
        product(4, "仓储调度", region=2, sectors=((21, 2),)),  # nothing in common: not ranked
    ]
    assert plain.words("电机外壳缺陷检测") == ["电机", "外壳", "缺陷", "检测"]
    assert plain.rank([scenario], products)[1] == [1, 3, 2]
    assert plain.sector_fit((11, 1), [(12, 1), (11, 1)]) == 2 and plain.sector_fit((11, 1), [(21, 2)]) == 0


def test_a_match_is_explained_in_one_sentence_of_whole_words():
    p = product("电机外壳表面缺陷检测系统", "检测性能稳定，识别表面划痕与缺陷")
    scenario = published("电机外壳表面缺陷检测", "识别外壳表面的划痕与磕碰")
    services.rematch_scenarios([scenario.pk])
    client = APIClient()
    client.force_authenticate(member_of(K.LINK_OFFICE, None).user)
    (match,) = [m for m in client.get(f"/api/v1/scenarios/{scenario.pk}/matches/").json() if m["product"]["id"] == p.pk]
    explanation = match["explanation"]
    assert explanation["sentence"].startswith("同属机器视觉与检测；共同关键词：") and explanation["sentence"].endswith(
        "本地企业"
    )
    assert "测性" not in explanation["sentence"] and set(explanation["terms"]) <= {
        "电机",
        "外壳",
        "表面",
        "缺陷",
        "检测",
        "划痕",
        "识别",
        "缺陷检测",
    }
    assert 0 < explanation["strength"] <= 100 and explanation["sector_fit"] == 2 and explanation["local"] is True


def test_similar_scenarios_are_the_published_ones_closest_with_their_shared_words():
    draft = ScenarioFactory(
        state="draft",
        title="电机壳体外观缺陷检测",
        purpose="识别壳体划痕",
        requirements="检出率不低于99%",
        sector=sector("manufacturing.02"),
    )
    twin = published("电机壳体外观缺陷智能检测", "识别电机壳体表面划痕与磕碰", requirements="单件两秒内完成")
    published("产线能耗智能优化", "降低空压机能耗", sector_code="manufacturing.01", requirements="节能百分之十")
    client = APIClient()
    assert client.get(f"/api/v1/scenarios/{draft.pk}/similar/").status_code == 404  # a draft is not public
    client.force_authenticate(member_of(K.LINK_OFFICE, None).user)
    rows = client.get(f"/api/v1/scenarios/{draft.pk}/similar/").json()
    assert [r["id"] for r in rows] == [twin.pk]
    assert {"电机", "壳体", "划痕"} <= set(rows[0]["shared_terms"]) and 0 < rows[0]["similarity"] <= 1


def test_not_useful_from_the_provider_or_staff_takes_a_product_off_the_list_at_once(
    city_staff, django_capture_on_commit_callbacks
):
    first = product("缺陷检测系统", "外观缺陷检测")
    second = product("缺陷检测平台", "外观缺陷检测与分拣")
    scenario = published("外观缺陷检测", "外观缺陷", region_code="510100")
    services.rematch_scenarios([scenario.pk])
    assert set(ranking(scenario)) == {"缺陷检测系统", "缺陷检测平台"}
    with django_capture_on_commit_callbacks(execute=True):  # the re-rank runs after commit
        services.feedback_record(
            actor_user=city_staff, scenario_id=scenario.pk, product_id=first.pk, verdict="not_useful"
        )
    assert ranking(scenario) == ["缺陷检测平台"]
    # A supplier's own mark is kept but ranks nothing, and enqueues nothing.
    supplier_user = member_of(K.SUPPLIER).user
    supplier_user.member.organization = second.supplier
    supplier_user.member.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.feedback_record(
            actor_user=supplier_user, scenario_id=scenario.pk, product_id=second.pk, verdict="not_useful"
        )
    assert not callbacks and ranking(scenario) == ["缺陷检测平台"]


# --- issue 14: matching that generalises and learns from outcomes ----------------------------------------------
def _table(capsys, market, labels, *extra):
    call_command("evaluate_matching", market, labels, "--json", *extra)
    return json.loads(capsys.readouterr().out)


def test_the_engine_beats_every_baseline_on_the_second_harder_market(capsys):
    table = _table(capsys, "tests/data/matching_market2.json", "tests/data/matching_market2_labels.json")
    engine = table["engine"]
    assert engine["scenarios"] >= 60
    for baseline in ("text_only", "sector_only", "plain_bm25"):
        assert engine["ndcg@10"] > table[baseline]["ndcg@10"] + 0.05, table
        assert engine["mrr"] > table[baseline]["mrr"], table
    assert engine["ndcg@10"] >= 0.85, table


def test_providers_feedback_replayed_improves_the_scenarios_it_never_saw(capsys):
    table = _table(capsys, "tests/data/matching_market2.json", "tests/data/matching_market2_labels.json", "--replay")
    assert table["replay_held_after"]["ndcg@10"] > table["replay_held_before"]["ndcg@10"] + 0.01, table
    assert table["replay_marked_after"]["ndcg@10"] > table["replay_marked_before"]["ndcg@10"] + 0.02, table


def test_a_platform_claiming_every_sector_ranks_below_a_focused_product():
    text = ("光伏组件隐裂检测系统", "工业相机拍摄电池片EL图像，识别隐裂与断栅")
    focused = product(*text)
    platform = product(
        *text,
        sectors=(
            "manufacturing.02",
            "manufacturing.03",
            "emergency.03",
            "livelihood.07",
            "city_governance.06",
            "commerce_tourism.05",
        ),
    )
    scenario = published("光伏组件隐裂检测", "组件EL图像人工判读隐裂效率低")
    services.rematch_scenarios([scenario.pk])
    assert ranking(scenario)[:2] == [focused.name, platform.name]
    assert Match.objects.get(scenario=scenario, product=platform).components["breadth"] < 1


def test_the_suppliers_own_name_is_not_evidence_of_a_domain():
    analyzer = get_analyzer()
    tokens = stored_tokens(
        analyzer, "设备维保系统", "成都康健医疗科技有限公司研发的设备维保系统", names=["成都康健医疗科技有限公司"]
    )
    assert "医疗" not in tokens and "维保" in tokens


@pytest.mark.parametrize(
    "name", ["成都康健医疗科技有限公司", "绵阳星图智能股份有限公司", "德阳智造装备有限责任公司", "川北数据集团"]
)
def test_the_whole_name_goes_with_its_legal_form_not_only_the_short_name(name):
    """Whichever form of the name is tried first, none of it is left: not 有限公司, 股份 or 集团 either."""
    analyzer = get_analyzer()
    tokens = stored_tokens(analyzer, "设备维保系统", f"{name}研发的设备维保系统，{name}负责运维", names=[name])
    assert tokens.split() == stored_tokens(analyzer, "设备维保系统", "研发的设备维保系统，负责运维").split()


def test_administrative_and_vendor_language_meet_on_a_concept():
    vendor = product("压铸件视觉质检工作站", "工业相机配合定制光源逐帧拍照，深度学习模型判定")
    product("压铸件生产排程系统", "运筹优化排产，插单分钟级重排")
    scenario = published("压铸件质量管理", "压铸件依靠人工目检，漏检时有发生，希望替代人工")
    services.rematch_scenarios([scenario.pk])
    assert ranking(scenario)[0] == vendor.name


def _alike_pair():
    """Two scenarios written alike, and two products that answer both equally."""
    a = product("锅炉燃烧优化系统", "锅炉燃烧参数优化，降低能耗", sectors=("manufacturing.01",))
    b = product("锅炉能耗优化平台", "锅炉燃烧参数优化，降低能耗", sectors=("manufacturing.01",))
    first = published("锅炉燃烧能耗优化", "锅炉能耗偏高，希望优化燃烧参数", sector_code="manufacturing.01")
    second = published("锅炉燃烧能耗优化需求", "锅炉能耗偏高，希望优化燃烧参数降低能耗", sector_code="manufacturing.01")
    return a, b, first, second


def test_not_useful_on_one_scenario_lowers_the_product_for_alike_scenarios_only_from_the_provider():
    a, _b, first, second = _alike_pair()
    services.rematch_scenarios([second.pk])
    before = Match.objects.get(scenario=second, product=a)
    assert before.components["history"] == 0.5
    # The product's own supplier says its product was useful on the first scenario: nothing changes.
    MatchFeedback.objects.create(scenario=first, product=a, organization=a.supplier, verdict="useful")
    services.rematch_scenarios([second.pk])
    assert Match.objects.get(scenario=second, product=a).components["history"] == 0.5
    # The first scenario's provider says it was not useful: the alike scenario ranks it lower.
    MatchFeedback.objects.create(scenario=first, product=a, organization=first.provider, verdict="not_useful")
    services.rematch_scenarios([second.pk])
    after = Match.objects.get(scenario=second, product=a)
    assert after.components["history"] < 0.5 and after.score < before.score


def test_a_signed_agreement_raises_the_supplier_for_alike_scenarios():
    from scenarios.models import Agreement

    _a, b, first, second = _alike_pair()
    services.rematch_scenarios([second.pk])
    before = Match.objects.get(scenario=second, product=b).score
    agreement = Agreement.objects.create(scenario=first, signed_on="2026-11-01")
    agreement.suppliers.set([b.supplier])
    services.forget_index()
    services.rematch_scenarios([second.pk])
    after = Match.objects.get(scenario=second, product=b)
    assert after.components["history"] > 0.5 and after.score > before


def test_no_explanation_term_is_a_fragment_of_a_longer_word_in_either_text():
    from matching.explain import explain, whole_words

    product("测性能分析系统", "检测性能与可靠性分析，测性评估")
    scenario = published("设备检测性能评估", "对设备检测性能进行评估，可靠性分析")
    services.rematch_scenarios([scenario.pk])
    for match in Match.objects.filter(scenario=scenario).select_related("scenario__sector", "product", "supplier"):
        words_both = whole_words(f"{scenario.title} {scenario.purpose} {scenario.requirements}") & whole_words(
            f"{match.product.name} {match.product.description}"
        )
        terms = explain(match).terms
        assert terms and all(t in words_both for t in terms), (terms, words_both)
        assert not any(t.startswith("~") for t in terms)


def test_the_explanation_names_every_component_in_the_readers_language(city_staff):
    product("缺陷检测系统", "外观缺陷检测")
    scenario = published("外观缺陷检测", "外观缺陷", region_code="510100")
    services.rematch_scenarios([scenario.pk])
    client = APIClient()
    client.force_authenticate(city_staff)
    explanation = client.get(f"/api/v1/scenarios/{scenario.pk}/matches/").json()[0]["explanation"]
    assert [s["name"] for s in explanation["signals"]] == list(COMPONENTS)
    assert {s["label"] for s in explanation["signals"]} >= {"文本相关度", "需求覆盖度", "同类场景成效"}
    english = client.get(f"/api/v1/scenarios/{scenario.pk}/matches/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "Requirement coverage" in {s["label"] for s in english[0]["explanation"]["signals"]}
    assert "；" in explanation["sentence"] and "~" not in explanation["sentence"]


def test_the_link_office_extends_the_concept_lexicon_as_data(link_office):
    from common.errors import PermissionDenied
    from matching.models import Concept

    assert Concept.objects.filter(name="视觉检测").exists()  # seeded from matching/data/concepts.txt
    before = get_analyzer().concepts(["茶青"])
    assert before == []
    services.concept_save(actor_user=link_office, name="茶叶加工", words="茶青, 杀青 揉捻")
    assert get_analyzer().concepts(["茶青"]) == ["~茶叶加工"]
    city = member_of(K.CITY_OFFICE).user
    with pytest.raises(PermissionDenied):
        services.concept_save(actor_user=city, name="别的", words="词")
