"""The organisations' workspace in real Chromium, end to end across roles: a provider drafts and submits a
scenario, city staff approve it in the back office and the link office publishes it; an AI company finds it
among its recommendations and asks a question, the provider answers and the answer is public; two companies
propose with an attachment; the provider declines one with a reason and accepts the other into a signed
agreement; the declined company reads its debrief; the award is public; both sides answer a check-in. Then
every workspace page, as each role, passes an accessibility check, wide and narrow."""

import datetime
import io
import re

import pytest
from django.utils import timezone

from marketplace.choices import MemberRole
from marketplace.choices import OrganizationKind as K

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Qz7!market-pass"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def person(kind, region, name, *, staff=False, username):
    from tests.factories import member_of

    member = member_of(kind, region, name=name)
    member.role = MemberRole.ADMIN
    member.save()
    member.user.username = username
    member.user.is_staff = staff
    member.user.set_password(PASSWORD)
    member.user.email = f"{username}@example.cn"
    member.user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=member.user, email=member.user.email, verified=True, primary=True)
    return member


@pytest.fixture
def people(transactional_db):
    from tests.factories import ProductFactory, ReleaseEventFactory, sector

    p = {
        "provider": person(K.ENTERPRISE, "510100", "成都电机股份有限公司", username="dianji"),
        "city": person(K.CITY_OFFICE, "510100", "成都市经济和信息化局", staff=True, username="chengdu"),
        "office": person(K.LINK_OFFICE, None, "省人工智能产业链链长办", staff=True, username="office"),
        "sup_a": person(K.SUPPLIER, "510100", "甲视觉智能科技有限公司", username="jia"),
        "sup_b": person(K.SUPPLIER, "510700", "乙工业智能有限公司", username="yi"),
    }
    for key, name in (("sup_a", "甲视觉质检系统"), ("sup_b", "乙表面缺陷检测平台")):
        product = ProductFactory(
            supplier=p[key].organization,
            name=name,
            description="基于深度学习的电机壳体表面缺陷检测，识别划痕、磕碰与砂眼",
            maturity="mature",
        )
        product.sectors.set([sector("manufacturing.02")])
    p["event"] = ReleaseEventFactory(
        name="第四季度省级应用场景发布会", date=timezone.localdate() + datetime.timedelta(days=10)
    )
    return p


def login(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile("/my/"))


def admin_transition(page, scenario_pk, label, event=None):
    page.goto(f"/admin/scenarios/scenario/{scenario_pk}/change/")
    page.get_by_role("button", name=label, exact=True).click()
    if event is not None:
        page.locator("select[name=event]").select_option(label=str(event))
    with page.expect_navigation():
        page.get_by_role("button", name="确认").click()


def propose(page, scenario_pk, price, tmp_path, name):
    page.goto(f"/my/scenarios/{scenario_pk}/")
    page.get_by_label("揭榜方案").check()
    page.locator("input[name=p-products]").first.check()
    page.get_by_label("报价（万元）").fill(price)
    page.get_by_label("实施方案").fill(f"{name}：两期实施，三个月上线")
    attachment = tmp_path / f"{name}.pdf"
    attachment.write_bytes(PDF)
    page.locator("input[name=p-attachment]").set_input_files(str(attachment))
    page.get_by_role("button", name="提交", exact=True).click()
    page.get_by_text("已提交，场景提供方会收到通知。").wait_for()


def test_a_scenario_from_draft_to_a_running_cooperation_across_every_role(page, people, tmp_path):
    from scenarios.models import CooperationCheckIn, Proposal, Scenario
    from tests.factories import sector

    # The provider drafts and submits.
    login(page, "dianji")
    page.get_by_role("link", name="新建场景").first.click()
    page.locator("[name=title]").fill("电机壳体外观缺陷智能检测")
    page.locator("select[name=category]").select_option(label="产业类")
    page.locator("select[name=sector]").select_option(value=str(sector("manufacturing.02").pk))
    page.locator("[name=purpose]").fill("替代人工目检，识别电机壳体表面的划痕、磕碰与砂眼")
    page.locator("[name=requirements]").fill("缺陷检出率不低于 99%，单件检测不超过 2 秒")
    page.locator("[name=contact_name]").fill("王工")
    page.locator("[name=contact_phone]").fill("028-87654321")
    page.get_by_role("button", name="保存并提交审核").click()
    page.get_by_text("等待所在市（州）审核").wait_for()
    scenario = Scenario.objects.get(title="电机壳体外观缺陷智能检测")
    assert scenario.state == "submitted"

    # City staff approve it onto the coming event; the link office publishes it.
    login(page, "chengdu")
    admin_transition(page, scenario.pk, "审核通过", event=people["event"])
    login(page, "office")
    admin_transition(page, scenario.pk, "发布")
    scenario.refresh_from_db()
    assert scenario.state == "published"

    # An AI company finds it among its recommendations, with a reason it reads, and asks a question.
    login(page, "jia")
    card = page.locator("article.match", has_text="电机壳体外观缺陷智能检测")
    card.get_by_text("本地企业").wait_for()
    assert "匹配度" in card.inner_text()
    card.get_by_role("link", name="电机壳体外观缺陷智能检测").click()
    page.get_by_label("您的问题").fill("检测数据能否离开厂区？")
    page.get_by_role("button", name="提问").click()
    page.get_by_text("问题已提交").wait_for()

    # The provider answers; the answer is on the public page, without naming who asked.
    login(page, "dianji")
    page.goto(f"/my/scenarios/{scenario.pk}/")
    page.locator("#questions textarea").first.fill("不能，须在厂区内本地部署。")
    page.get_by_role("button", name="发布答复").click()
    page.get_by_text("答复已公开发布").wait_for()
    page.context.clear_cookies()
    page.goto(f"/scenarios/{scenario.pk}/")
    page.get_by_text("不能，须在厂区内本地部署。").wait_for()
    assert "甲视觉智能科技有限公司" not in page.locator("#questions").inner_text()

    # Two companies propose, each with an attachment.
    login(page, "jia")
    propose(page, scenario.pk, "88", tmp_path, "甲方案")
    login(page, "yi")
    propose(page, scenario.pk, "120", tmp_path, "乙方案")
    assert Proposal.objects.filter(scenario=scenario, attachments__isnull=False).count() == 2

    # The provider declines one with a reason and accepts the other into a signed agreement.
    login(page, "dianji")
    page.goto(f"/my/scenarios/{scenario.pk}/")
    loser = page.locator("article.proposal", has_text="乙工业智能有限公司")
    loser.get_by_text("不采纳", exact=True).click()
    loser.get_by_label("未采纳原因").select_option(label="报价超出预算")
    loser.get_by_label("给企业的说明").fill("报价高于本期预算上限")
    loser.get_by_role("button", name="告知未采纳").click()
    page.get_by_text("已告知该企业未采纳及原因。").wait_for()
    winner = page.locator("article.proposal", has_text="甲视觉智能科技有限公司")
    winner.get_by_text("采纳并登记合作协议").click()
    assert winner.get_by_label("合同金额（万元）").input_value() == "88.00"  # prefilled from the proposal
    winner.get_by_role("button", name="采纳并登记").click()
    page.get_by_text("合作协议已登记。").wait_for()
    scenario.refresh_from_db()
    assert scenario.state == "signed"

    # The declined company reads its debrief; the award is public.
    login(page, "yi")
    page.goto(f"/my/scenarios/{scenario.pk}/")
    page.get_by_text("您的方案未被采纳。").wait_for()
    assert "报价超出预算" in page.content() and "报价高于本期预算上限" in page.content()
    assert "甲方案" not in page.content() and "88" not in page.locator("#proposal").inner_text()
    page.context.clear_cookies()
    page.goto(f"/scenarios/{scenario.pk}/")
    page.get_by_text("甲视觉智能科技有限公司").first.wait_for()

    # A quarter later, both sides say the cooperation still runs.
    Scenario.objects.filter(pk=scenario.pk).update(signed_at=timezone.now() - datetime.timedelta(days=95))
    for username in ("dianji", "jia"):
        login(page, username)
        page.goto(f"/my/scenarios/{scenario.pk}/")
        page.get_by_label("是，正常运行").check()
        page.get_by_role("button", name="提交确认").click()
        page.get_by_text("感谢确认。").wait_for()
    assert CooperationCheckIn.objects.filter(scenario=scenario, running=True).count() == 2


def _workspace_pages(people, scenario):
    return {
        "dianji": ["/my/", "/my/scenarios/new/", f"/my/scenarios/{scenario.pk}/", "/my/organisation/"],
        "jia": [
            "/my/",
            f"/my/scenarios/{scenario.pk}/",
            "/my/products/",
            "/my/products/new/",
            "/my/subscription/",
            "/my/organisation/",
        ],
        "chengdu": ["/my/", "/admin/"],
    }


@pytest.mark.parametrize("width", [1280, 390])
def test_every_workspace_page_passes_an_accessibility_check_for_each_role(page, people, width):
    from axe_playwright_python.sync_playwright import Axe

    from scenarios.models import Proposal
    from tests.factories import ScenarioFactory

    scenario = ScenarioFactory(provider=people["provider"].organization, state="published", title="电机壳体检测")
    Proposal.objects.create(scenario=scenario, supplier=people["sup_a"].organization, submitted_at=timezone.now())
    axe = Axe()
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    for username, urls in _workspace_pages(people, scenario).items():
        login(page, username)
        for url in urls:
            page.goto(url)
            results = axe.run(page)
            for v in results.response["violations"]:
                if v["impact"] in ("serious", "critical"):
                    problems.append((username, url, v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]))
    assert not problems, io.StringIO("\n".join(map(str, problems))).getvalue()
