"""The public site as anyone meets it: every page answers in Chinese and English, what is not public never
shows on any page or download, the search understands synonyms, and the open data reads back whole."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from audit.services import audit_record
from tests.web.conftest import SECRETS

pytestmark = pytest.mark.django_db

PAGES = ["/", "/scenarios/", "/events/", "/cases/", "/zones/", "/open-data/", "/accounts/signup/", "/accounts/login/"]


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", errors="replace")


def detail_pages(m):
    return [
        f"/scenarios/{m.published.pk}/",
        f"/scenarios/{m.signed.pk}/",
        f"/scenarios/{m.bench.pk}/",
        f"/events/{m.event.pk}/",
        f"/events/{m.event.pk}/booklet/",
        f"/cases/{m.case.pk}/",
    ]


@pytest.mark.parametrize("language, lang_attr", [("zh-hans", "zh-Hans"), ("en", "en")])
def test_every_public_page_answers_in_the_chosen_language_with_a_title_saying_where(
    client, market, language, lang_attr
):
    client.cookies["django_language"] = language
    for url in PAGES + detail_pages(market):
        response = client.get(url)
        assert response.status_code == 200, url
        html = body(response)
        assert f'<html lang="{lang_attr}">' in html, url
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert title.strip() and ("开放平台" in title or "Marketplace" in title), (url, title)
    client.cookies["django_language"] = "en"
    html = body(client.get("/scenarios/"))
    assert "Scenarios" in html and "应用场景</h1>" not in html


def test_a_scenario_page_says_what_it_is_about_and_what_an_ai_company_does_next(client, market):
    html = body(client.get(f"/scenarios/{market.published.pk}/"))
    for text in (market.published.title, market.published.purpose, market.provider.name, market.event.name, "张工"):
        assert text in html
    assert "/accounts/login/?next=" in html and "/accounts/signup/" in html
    assert f"/events/{market.event.pk}/" in html


def test_nothing_unpublished_appears_on_any_public_page_or_download_whatever_the_query(client, market):
    urls = PAGES + detail_pages(market)
    urls += [f"/scenarios/?q={SECRETS[s]}" for s in ("draft", "submitted", "approved", "withdrawn")]
    urls += ["/scenarios/?q=机密", "/scenarios/?q=机密&sort=newest", "/scenarios/?state=published&q=场景"]
    urls += [f"/scenarios/?page={n}" for n in (1, 2)] + ["/scenarios/?state=draft", "/scenarios/?sort=newest"]
    urls += [f"/events/{market.event.pk}/booklet.xlsx", "/open-data/ocds/releases.json"]
    urls += [
        f"/open-data/{d}.{f}" for d in ("scenarios", "events", "cases", "zones", "awards") for f in ("csv", "json")
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        text = body(response)
        for query in re.findall(r"q=([^&]+)", url):  # what the visitor typed is shown back to them
            text = text.replace(query, "")
        if url.endswith(".xlsx"):
            book = load_workbook(io.BytesIO(response.content))
            text = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value)
        for secret in SECRETS.values():
            assert secret not in text, (url, secret)
        for hidden in market.hidden.values():
            assert f"/scenarios/{hidden.pk}/" not in text, (url, hidden.state)
    for hidden in market.hidden.values():
        assert client.get(f"/scenarios/{hidden.pk}/").status_code == 404
        assert client.get(f"/open-data/ocds/{hidden.pk}.json").status_code == 404


def test_the_draft_filter_is_not_a_back_door(client, market):
    html = body(client.get("/scenarios/?state=draft"))
    assert SECRETS["draft"] not in html


def test_a_search_for_a_synonym_finds_the_scenario_written_in_other_words(client, market):
    html = body(client.get("/scenarios/?q=瑕疵识别"))
    assert market.published.title in html
    assert "仓储物流智能分拣" not in html


def test_a_search_refused_by_the_filters_says_why_and_shows_no_scenario(client, market):
    response = client.get("/scenarios/?budget_min=abc")
    assert response.status_code == 400
    assert market.published.title not in body(response)


def test_a_page_past_the_end_is_not_found(client, market):
    assert client.get("/scenarios/?page=999").status_code == 404
    assert client.get("/scenarios/?page=x").status_code == 404


def test_the_search_updates_in_place_for_htmx(client, market):
    response = client.get("/scenarios/?q=缺陷检测", headers={"HX-Request": "true"})
    html = body(response)
    assert market.published.title in html and "<html" not in html and 'id="results"' in html


def _api_count(client, path):
    return client.get(path).json()["count"]


def test_the_open_data_files_read_back_with_one_row_per_public_record_as_the_api_counts(client, market):
    expected = {
        "scenarios": _api_count(client, "/api/v1/scenarios/"),
        "events": _api_count(client, "/api/v1/release-events/"),
        "cases": _api_count(client, "/api/v1/benchmark-cases/"),
    }
    assert expected["scenarios"] == 3
    for name, count in expected.items():
        rows = list(csv.DictReader(io.StringIO(body(client.get(f"/open-data/{name}.csv")).lstrip("\ufeff"))))
        assert len(rows) == count, name
        book = load_workbook(io.BytesIO(client.get(f"/open-data/{name}.xlsx").content))
        assert book.active.max_row - 1 == count, name
        data = json.loads(body(client.get(f"/open-data/{name}.json")))
        assert len(data["rows"]) == count and data["license"].startswith("https://creativecommons.org/")
    scenario_ids = {
        int(r["id"]) for r in csv.DictReader(io.StringIO(body(client.get("/open-data/scenarios.csv")).lstrip("\ufeff")))
    }
    assert scenario_ids == {market.published.pk, market.signed.pk, market.bench.pk}
    awards = list(csv.DictReader(io.StringIO(body(client.get("/open-data/awards.csv")).lstrip("\ufeff"))))
    assert {a["suppliers"] for a in awards} == {market.supplier.organization.name}


def test_the_open_data_page_documents_every_field_and_the_licence(client, market):
    html = body(client.get("/open-data/"))
    from scenarios.opendata import DATASETS, OCDS_FIELDS

    for dataset in DATASETS.values():
        for field in dataset.fields:
            assert f"<code>{field.name}</code>" in html
    for field in OCDS_FIELDS:
        assert f"<code>{field.name}</code>" in html
    assert "CC BY 4.0" in html


def test_a_scenarios_history_is_an_ocds_release_list_from_planning_to_implementation(client, market):
    package = client.get(f"/open-data/ocds/{market.signed.pk}.json").json()
    tags = [r["tag"][0] for r in package["releases"]]
    assert tags[:2] == ["planning", "tender"] and "award" in tags and "contract" in tags
    award = next(r for r in package["releases"] if r["tag"] == ["award"])
    assert award["awards"][0]["suppliers"] == [{"name": market.supplier.organization.name}]
    assert all(r["ocid"] == f"ocds-aiscn-{market.signed.key}" for r in package["releases"])


def test_a_contact_the_provider_chose_not_to_publish_appears_nowhere_public(client, market):
    scenario = market.signed
    scenario.publish_contact = False
    scenario.contact_phone = "0816-55550000"
    scenario.save()
    for url in (
        f"/scenarios/{scenario.pk}/",
        f"/events/{market.event.pk}/booklet/",
        "/open-data/scenarios.csv",
        f"/api/v1/scenarios/{scenario.pk}/",
    ):
        assert "0816-55550000" not in body(client.get(url)), url
    client.force_login(market.prov_user)
    assert "0816-55550000" in body(client.get(f"/scenarios/{scenario.pk}/"))


def test_an_amendment_after_publication_is_in_the_public_history_with_what_changed(client, market):
    audit_record(
        action="scenarios.scenario.amended",
        obj=market.published,
        changes={"requirements": ["检出率≥99%", "检出率≥99.5%"]},
        payload={"state": "published"},
    )
    html = body(client.get(f"/scenarios/{market.published.pk}/"))
    assert "检出率≥99%" in html and "检出率≥99.5%" in html and "技术要求" in html
    assert SECRETS["reason"] not in html  # the internal return reason is not public history


def test_error_pages_are_styled_pages_in_the_users_language_and_json_for_the_api(client, market):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "页面不存在" in body(response) and "<html" in body(response)
    client.cookies["django_language"] = "en"
    assert "Page not found" in body(client.get("/no-such-page/"))
    api = client.get("/api/v1/no-such-thing/")
    assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_the_home_page_shows_the_years_figures_the_events_the_newest_scenarios_and_a_search(client, market):
    html = body(client.get("/"))
    assert 'action="/scenarios/"' in html and 'name="q"' in html
    assert market.published.title in html and market.event.name in html and market.case.title in html


def test_no_public_page_runs_more_queries_as_the_market_grows(client, market):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ScenarioFactory

    urls = [
        "/",
        "/scenarios/",
        "/scenarios/?q=缺陷检测",
        "/scenarios/?sort=newest",
        f"/scenarios/{market.published.pk}/",
    ]
    urls += ["/events/", f"/events/{market.event.pk}/", "/cases/", "/open-data/ocds/releases.json"]
    urls += ["/open-data/scenarios.csv"]

    def counts():
        found = {}
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
                assert response.status_code == 200
                body(response)  # a download's queries run while it streams
            found[url] = len(ctx.captured_queries)
        return found

    before = counts()
    for n in range(25):
        ScenarioFactory(
            provider=market.provider, state="published", title=f"缺陷检测产线{n}", release_event=market.event
        )
    assert counts() == before


def test_the_case_gallery_filters_by_top_level_sector_region_and_year(client, market):
    sector = market.bench.sector
    top = (sector.parent or sector).code
    assert market.case.title in body(client.get(f"/cases/?sector={top}"))
    assert market.case.title not in body(client.get("/cases/?sector=emergency"))
    assert market.case.title not in body(client.get("/cases/?region=510700"))
    assert market.case.title not in body(client.get("/cases/?year=1999"))
    api = client.get(f"/api/v1/benchmark-cases/?sector={top}").json()
    assert api["count"] == 1
