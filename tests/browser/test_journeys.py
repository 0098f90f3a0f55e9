"""One journey per persona of the public site, in real Chromium, and an accessibility check (axe) of every
public page: no serious or critical violation."""

import csv
import io
import re

import pytest
from django.core import mail

from marketplace.models import Organization

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_public_finds_a_scenario_by_a_synonym_reads_it_follows_its_event_and_downloads_open_data(
    page, browser_market
):
    m = browser_market
    page.goto("/")
    page.get_by_role("searchbox", name="搜索场景").fill("瑕疵识别")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name=m.published.title).click()
    assert page.get_by_role("heading", level=1).inner_text() == m.published.title
    assert page.get_by_text(m.published.purpose).first.is_visible()
    page.get_by_role("link", name=m.event.name).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == m.event.name
    assert page.get_by_role("link", name=m.published.title).is_visible()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="开放数据").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="scenarios.csv").click()
    with open(download.value.path(), encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert {int(r["id"]) for r in rows} == {m.published.pk, m.signed.pk, m.bench.pk}


def test_the_filters_update_the_list_in_place_and_the_address_can_be_shared(page, browser_market):
    page.goto("/scenarios/")
    page.get_by_label("关键词").fill("缺陷检测")
    with page.expect_response(lambda r: "/scenarios/?" in r.url):
        page.get_by_label("关键词").press("Enter")
    page.wait_for_url(re.compile(r"q=%E7%BC%BA"))
    assert page.get_by_role("link", name=browser_market.published.title).is_visible()
    assert not page.get_by_role("link", name="仓储物流智能分拣").is_visible()
    shared = page.url
    page.goto(shared)
    assert page.get_by_role("link", name=browser_market.published.title).is_visible()


def test_a_new_ai_supplier_registers_verifies_its_email_is_verified_by_city_staff_and_logs_in(page, browser_market):
    from common.credit_code import make_credit_code
    from tests.factories import member_of

    city = member_of("city_office", "510100")
    city.user.is_staff = True
    city.user.set_password("city-pass-2026")
    city.user.save()
    page.goto("/accounts/signup/")
    page.get_by_label("单位名称").fill("蜀光智能科技有限公司")
    page.get_by_label("统一社会信用代码").fill(make_credit_code("510100", 880001))
    page.get_by_label("AI 产品提供方").check()
    page.get_by_label("所在市（州）").select_option(label="成都市")
    page.get_by_label("联系人").fill("刘经理")
    page.get_by_label("联系电话").fill("028-88886666")
    page.get_by_label("邮箱").fill("liu@shuguang.example")
    page.get_by_label("用户名").fill("shuguang")
    page.locator("#id_password1").fill("Qz7!market-pass")
    page.locator("#id_password2").fill("Qz7!market-pass")
    page.get_by_role("button", name="注册").click()
    page.wait_for_url(re.compile("/accounts/confirm-email/"))
    org = Organization.objects.get(name="蜀光智能科技有限公司")
    assert org.status == "pending"

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="确认").click()
    page.wait_for_url(re.compile("/my/"))
    page.get_by_text("正在等待所在市（州）工作人员审核").wait_for()
    page.get_by_role("button", name="退出").click()

    page.goto("/admin/login/")
    page.get_by_label("用户名").fill(city.user.username)
    page.get_by_label("密码").fill("city-pass-2026")
    page.get_by_role("button", name="登录").click()
    page.goto("/admin/marketplace/organization/?status__exact=pending")
    page.locator(f"input[name=_selected_action][value='{org.pk}']").check()
    page.locator("select[name=action]").select_option("verify_organizations")
    with page.expect_navigation():
        page.locator("button[name=index]").click()
    page.locator(".messagelist").get_by_text("已通过认证").wait_for()
    org.refresh_from_db()
    assert org.status == "verified"
    page.context.clear_cookies()

    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("liu@shuguang.example")
    page.locator("input[name=password]").fill("Qz7!market-pass")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile("/my/"))
    page.get_by_role("heading", name="为您推荐的场景").wait_for()  # a verified company's workspace
    assert page.get_by_role("link", name="消息 1 条未读").is_visible()  # the verification, unread


def _public_pages(m):
    return [
        "/",
        "/scenarios/",
        "/scenarios/?q=缺陷检测",
        f"/scenarios/{m.published.pk}/",
        "/events/",
        f"/events/{m.event.pk}/",
        "/cases/",
        f"/cases/{m.case.pk}/",
        "/zones/",
        "/open-data/",
        "/accounts/signup/",
        "/accounts/login/",
        "/no-such-page/",
    ]


@pytest.mark.parametrize("width", [1280, 390])
def test_every_public_page_passes_an_accessibility_check(page, browser_market, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    for url in _public_pages(browser_market):
        page.goto(url)
        results = axe.run(page)
        for v in results.response["violations"]:
            if v["impact"] in ("serious", "critical"):
                problems.append((url, v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]))
    assert not problems, io.StringIO("\n".join(map(str, problems))).getvalue()
