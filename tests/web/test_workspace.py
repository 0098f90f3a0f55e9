"""The organisations' workspace (/my/): each action goes through the service the API calls (one audit entry
each), refusals show beside the fields, and a supplier never sees another supplier's proposal, question or
debrief on any workspace page."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from marketplace.choices import MemberRole
from marketplace.choices import OrganizationKind as K
from marketplace.models import Subscription
from matching.models import Match, MatchFeedback
from scenarios import services
from scenarios.models import Agreement, ClarificationQuestion, Proposal, ProposalDraft, Scenario
from tests.factories import ProductFactory, ScenarioFactory, member_of, sector

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class World:
    pass


@pytest.fixture
def w():
    w = World()
    w.prov = member_of(K.ENTERPRISE, "510100", name="成都电机股份有限公司")
    w.prov.role = MemberRole.ADMIN
    w.prov.save()
    w.sup_a = member_of(K.SUPPLIER, "510100", name="甲智能科技")
    w.sup_b = member_of(K.SUPPLIER, "510700", name="乙智能科技")
    w.city = member_of(K.CITY_OFFICE, "510100")
    w.office = member_of(K.LINK_OFFICE, None)
    w.product_a = ProductFactory(supplier=w.sup_a.organization, name="甲视觉质检系统")
    w.product_b = ProductFactory(supplier=w.sup_b.organization, name="乙缺陷检测平台")
    w.product_a.sectors.set([sector("manufacturing.02")])
    w.scenario = ScenarioFactory(
        provider=w.prov.organization,
        state="published",
        title="电机壳体外观缺陷检测",
        purpose="替代人工目检，识别划痕与磕碰",
        sector=sector("manufacturing.02"),
    )
    for product, rank, score in ((w.product_b, 1, 0.81), (w.product_a, 2, 0.64)):
        Match.objects.create(
            scenario=w.scenario,
            product=product,
            supplier=product.supplier,
            rank=rank,
            score=score,
            components={"text": score},
            terms=["缺陷", "检测", "测性"],
            engine_version="test",
            computed_at=timezone.now(),
        )
    return w


def login(member) -> Client:
    c = Client()
    c.force_login(member.user)
    return c


def page(member, w) -> str:
    return login(member).get(f"/my/scenarios/{w.scenario.pk}/").content.decode()


def act(member, w, action: str, **data):
    return login(member).post(f"/my/scenarios/{w.scenario.pk}/", {"action": action, **data})


def audited(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_the_supplier_home_recommends_best_first_with_reasons_a_person_reads(w):
    # sup_a's only match is rank 2; sup_b's is rank 1: each sees its own, with sector, local, whole words.
    text = login(w.sup_a).get("/my/").content.decode()
    assert "电机壳体外观缺陷检测" in text and "甲视觉质检系统" in text
    assert "同属" in text and "本地企业" in text and "匹配度 64%" in text
    assert "测性" not in text and "0.64" not in text
    assert "乙缺陷检测平台" not in text


def test_a_supplier_asks_drafts_submits_revises_and_withdraws_through_the_services(w):
    assert act(w.sup_a, w, "ask", **{"q-text": "数据能否出厂区？"}).status_code == 302
    assert audited("scenarios.question.asked") == 1
    draft = {"p-kind": "proposal", "p-products": [w.product_a.pk], "p-price": "80", "p-plan": "两期实施"}
    assert act(w.sup_a, w, "draft", **draft).status_code == 302
    assert ProposalDraft.objects.get().price == 80 and audited("scenarios.proposal.draft_saved") == 1
    assert "两期实施" in page(w.sup_a, w)  # the draft is loaded into the form
    assert "两期实施" not in page(w.prov, w)  # and nobody else sees it
    upload = SimpleUploadedFile("方案.pdf", PDF, content_type="application/pdf")
    assert act(w.sup_a, w, "submit", **draft, **{"p-attachment": upload}).status_code == 302
    proposal = Proposal.objects.get(supplier=w.sup_a.organization)
    assert proposal.attachments.count() == 1 and not ProposalDraft.objects.exists()
    assert audited("scenarios.proposal.submitted") == 1
    assert act(w.sup_a, w, "revise", **{**draft, "p-price": "75"}).status_code == 302
    assert audited("scenarios.proposal.revised") == 1
    assert act(w.sup_a, w, "withdraw").status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn" and audited("scenarios.proposal.withdrawn") == 1


def test_a_refused_proposal_shows_the_reason_beside_the_field_and_changes_nothing(w):
    response = act(w.sup_a, w, "submit", **{"p-kind": "proposal", "p-price": "-5", "p-plan": "x"})
    assert response.status_code == 200
    assert (
        "报价不能为负数" in response.content.decode() and "proposal_price_not_negative" not in response.content.decode()
    )
    assert not Proposal.objects.exists()


def test_the_provider_answers_shortlists_declines_with_a_reason_and_accepts_into_a_signed_agreement(w):
    services.question_ask(scenario_id=w.scenario.pk, actor_user=w.sup_b.user, text="工期多长？")
    question = ClarificationQuestion.objects.get()
    a = services.proposal_submit(scenario_id=w.scenario.pk, actor_user=w.sup_a.user, kind="proposal", price=90)
    b = services.proposal_submit(scenario_id=w.scenario.pk, actor_user=w.sup_b.user, kind="proposal", price=70)
    assert act(w.prov, w, "answer", question=question.pk, **{f"a{question.pk}-text": "六个月。"}).status_code == 302
    assert audited("scenarios.question.answered") == 1
    assert "六个月。" in Client().get(f"/scenarios/{w.scenario.pk}/").content.decode()
    assert act(w.prov, w, "shortlist", proposal=b.pk).status_code == 302
    assert audited("scenarios.proposal.shortlisted") == 1
    declined = act(w.prov, w, "decline", proposal=a.pk, **{f"d{a.pk}-code": "budget", f"d{a.pk}-reason": "高于预算"})
    assert declined.status_code == 302 and audited("scenarios.proposal.declined") == 1
    agreement = {
        f"g{b.pk}-signed_on": "2026-11-20",
        f"g{b.pk}-amount": "70",
        f"g{b.pk}-summary": "一期",
        f"g{b.pk}-publish_amount": "on",
        f"g{b.pk}-sign_now": "on",
    }
    assert act(w.prov, w, "agreement", proposal=b.pk, **agreement).status_code == 302
    w.scenario.refresh_from_db()
    assert w.scenario.state == "signed" and Agreement.objects.get().publish_amount
    assert audited("scenarios.agreement.created") == 1 and audited("scenarios.scenario.sign") == 1
    b.refresh_from_db()
    assert b.status == "accepted"
    # The declined supplier reads its debrief; the public reads the award with its amount.
    debrief = page(w.sup_a, w)
    assert "报价超出预算" in debrief and "高于预算" in debrief
    public = Client().get(f"/scenarios/{w.scenario.pk}/").content.decode()
    assert "乙智能科技" in public and "70 万元" in public


def test_feedback_invitation_reports_check_ins_and_closing_each_leave_their_audit_entry(w):
    assert act(w.prov, w, "feedback", product=w.product_a.pk, verdict="useful").status_code == 302
    assert MatchFeedback.objects.get().verdict == "useful" and audited("matching.feedback.recorded") == 1
    assert act(w.prov, w, "invite", supplier=w.sup_a.organization.pk).status_code == 302
    assert audited("scenarios.scenario.supplier_invited") == 1
    services.proposal_submit(scenario_id=w.scenario.pk, actor_user=w.sup_a.user)
    services.agreement_create(
        scenario_id=w.scenario.pk,
        actor_user=w.prov.user,
        supplier_ids=[w.sup_a.organization.pk],
        signed_on=datetime.date(2026, 6, 1),
    )
    services.scenario_sign(scenario_id=w.scenario.pk, actor_user=w.prov.user)
    Scenario.objects.filter(pk=w.scenario.pk).update(signed_at=timezone.now() - datetime.timedelta(days=100))
    report = {
        "r-reported_on": "2026-11-30",
        "r-summary": "完成部署",
        "r-milestone": "上线",
        "r-milestone_due": "2026-12-31",
        "r-milestone_status": "planned",
        "r-progress_percent": "40",
    }
    assert act(w.prov, w, "report", **report).status_code == 302
    assert audited("scenarios.progress_report.created") + audited("scenarios.progressreport.created") >= 1
    assert act(w.prov, w, "check_in", **{"c-running": "1"}).status_code == 302
    assert act(w.sup_a, w, "check_in", **{"c-running": "1", "c-comment": "运行正常"}).status_code == 302
    assert audited("scenarios.check_in.answered") == 2
    agreement = Agreement.objects.get(scenario=w.scenario)
    assert act(w.prov, w, "award_amount", agreement=agreement.pk, publish="1").status_code == 302
    agreement.refresh_from_db()
    assert agreement.publish_amount and audited("scenarios.agreement.amount_published") == 1


def test_the_provider_closes_an_open_scenario_with_a_reason(w):
    refused = act(w.prov, w, "close", **{"close-reason": ""})
    assert refused.status_code == 200 and "close-reason" in refused.content.decode()
    assert act(w.prov, w, "close", **{"close-reason": "需求取消"}).status_code == 302
    w.scenario.refresh_from_db()
    assert w.scenario.state == "closed" and audited("scenarios.scenario.close") == 1


def test_a_supplier_never_sees_another_suppliers_proposal_question_or_debrief(w):
    services.question_ask(scenario_id=w.scenario.pk, actor_user=w.sup_b.user, text="乙的机密问题")
    services.proposal_submit(
        scenario_id=w.scenario.pk, actor_user=w.sup_b.user, kind="proposal", price="987.65", plan="乙方案保密内容"
    )
    b = Proposal.objects.get(supplier=w.sup_b.organization)
    services.proposal_decline(proposal_id=b.pk, actor_user=w.prov.user, code="fit", reason="乙的机密反馈")
    client = login(w.sup_a)
    pages = ["/my/", f"/my/scenarios/{w.scenario.pk}/", "/my/organisation/", "/my/products/", "/my/subscription/"]
    for url in pages:
        text = client.get(url, follow=True).content.decode()
        for secret in ("乙的机密问题", "987.65", "乙方案保密内容", "乙的机密反馈"):
            assert secret not in text, f"{secret} on {url}"
    assert client.get(f"/my/proposals/{b.pk}/").status_code == 404


def test_a_provider_drafts_a_scenario_with_messages_in_its_language_and_is_warned_of_look_alikes(w):
    client = login(w.prov)
    form = {
        "title": "电机壳体外观缺陷检测二期",
        "category": "industry",
        "sector": sector("manufacturing.02").pk,
        "purpose": "扩展到更多产线",
        "requirements": "识别率不低于 99%",
        "contact_name": "王工",
        "contact_phone": "028-12345678",
        "cooperation_mode": "pilot",
        "budget_min": "90",
        "budget_max": "50",
        "then": "save",
    }
    refused = client.post("/my/scenarios/new/", form)
    assert refused.status_code == 200
    text = refused.content.decode()
    assert "预算下限不能高于预算上限" in text and "scenario_budget_min_le_max" not in text
    assert not Scenario.objects.filter(title="电机壳体外观缺陷检测二期").exists()
    saved = client.post("/my/scenarios/new/", {**form, "budget_min": "30", "then": "submit"})
    assert saved.status_code == 302
    created = Scenario.objects.get(title="电机壳体外观缺陷检测二期")
    assert created.state == "submitted" and audited("scenarios.scenario.submit") == 1
    assert "电机壳体外观缺陷检测</a>" in client.get(f"/my/scenarios/{created.pk}/").content.decode()


def test_a_supplier_manages_products_and_its_subscription(w):
    client = login(w.sup_a)
    response = client.post(
        "/my/products/new/",
        {
            "name": "甲巡检机器人",
            "description": "变电站巡检",
            "maturity": "mature",
            "capabilities": "巡检、红外测温",
            "attachment": SimpleUploadedFile("产品白皮书.pdf", PDF, content_type="application/pdf"),
            "sectors": [sector("energy.01").pk] if _has("energy.01") else [],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert audited("marketplace.product.created") == 1
    made = w.product_a.supplier.products.get(name="甲巡检机器人")
    assert [a.original_name for a in made.attachments.all()] == ["产品白皮书.pdf"]
    assert audited("scenarios.product.attachment_added") == 1
    assert {c.name for c in w.product_a.supplier.products.get(name="甲巡检机器人").capabilities.all()} == {
        "巡检",
        "红外测温",
    }
    response = client.post("/my/subscription/", {"keywords": "巡检 测温", "sectors": [sector("manufacturing").pk]})
    assert response.status_code == 302
    assert Subscription.objects.get(organization=w.sup_a.organization).keyword_list == ["巡检", "测温"]
    assert audited("marketplace.subscription.saved") == 1


def test_staff_are_sent_from_the_workspace_to_the_back_office(w):
    client = login(w.city)
    assert "等待您处理" in client.get("/my/").content.decode()
    assert client.get(f"/my/scenarios/{w.scenario.pk}/").url == f"/admin/scenarios/scenario/{w.scenario.pk}/change/"


def _has(code: str) -> bool:
    from marketplace.models import Sector

    return Sector.objects.filter(code=code).exists()


def test_the_organisation_admin_removes_a_colleague_and_names_another_admin(w):
    colleague = member_of(K.ENTERPRISE, "510100")
    colleague.organization = w.prov.organization
    colleague.save()
    client = login(w.prov)
    assert client.post(f"/my/members/{colleague.pk}/", {"action": "make_admin"}).status_code == 302
    colleague.refresh_from_db()
    assert colleague.role == "admin" and audited("marketplace.member.role_changed") == 1
    assert client.post(f"/my/members/{colleague.pk}/", {"action": "remove"}).status_code == 302
    colleague.user.refresh_from_db()
    assert not colleague.user.is_active and audited("marketplace.member.removed") == 1


def test_the_organisation_admin_keeps_its_qualifications_in_the_profile(w):
    client = login(w.sup_a)
    w.sup_a.role = MemberRole.ADMIN
    w.sup_a.save()
    data = {
        "profile-description": "工业视觉",
        "profile-website": "",
        "profile-headcount": "",
        "profile-contact_name": "",
        "profile-contact_phone": "",
        "profile-qualifications": ["high_tech"] if _qualification("high_tech") else [],
    }
    assert client.post("/my/organisation/", data).status_code == 302
    expected = {"high_tech"} if _qualification("high_tech") else set()
    assert set(w.sup_a.organization.qualifications.values_list("code", flat=True)) == expected
    assert audited("marketplace.organization.updated") == 1


def _qualification(code: str) -> bool:
    from marketplace.choices import Qualification

    return code in Qualification.values


def test_a_tampered_button_is_refused_in_words_and_changes_nothing(w):
    response = act(w.prov, w, "invite", supplier="x1")
    assert response.status_code == 200 and "请求有误" in response.content.decode()
    assert not w.scenario.invitations.exists()
