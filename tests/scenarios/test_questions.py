"""Clarification questions: an AI company asks, the provider answers in public, without naming the asker."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEntry
from marketplace.choices import OrganizationKind as K
from marketplace.models import Notification, Subscription
from scenarios import services
from scenarios.models import Proposal
from tests.factories import ReleaseEventFactory, ScenarioFactory, member_of, sector

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the service enqueued after commit (in-process), as a request's end does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def market():
    provider = member_of(K.ENTERPRISE, "510100", name="成都电机股份有限公司")
    asker = member_of(K.SUPPLIER, "510100", name="甲智能科技")
    bidder = member_of(K.SUPPLIER, "510700", name="乙智能科技")
    outsider = member_of(K.SUPPLIER, "510700", name="丙智能科技")
    scenario = ScenarioFactory(provider=provider.organization, state="published")
    Proposal.objects.create(scenario=scenario, supplier=bidder.organization, submitted_at=scenario.created_at)
    return provider, asker, bidder, outsider, scenario


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_a_question_answered_is_public_without_its_asker_and_the_interested_are_told(market, committed):
    provider, asker, bidder, outsider, scenario = market
    url = f"/api/v1/scenarios/{scenario.pk}/questions/"
    with committed():
        asked = client_for(asker.user).post(url, {"text": "  数据能否离开厂区？ "}, format="json")
    assert asked.status_code == 201, asked.json()
    assert asked.json()["text"] == "数据能否离开厂区？" and asked.json()["mine"] is True
    question_id = asked.json()["id"]
    assert AuditEntry.objects.filter(action="scenarios.question.asked", object_id=str(question_id)).count() == 1
    assert Notification.objects.filter(recipient=provider.user, kind="question").count() == 1

    # Unanswered: the asker sees it, the public and other suppliers do not.
    assert [q["id"] for q in client_for(asker.user).get(url).json()] == [question_id]
    assert client_for().get(url).json() == []
    assert client_for(outsider.user).get(url).json() == []
    assert client_for(provider.user).get(url).json()[0]["asker"] == "甲智能科技"

    with committed():
        answered = client_for(provider.user).post(
            f"/api/v1/questions/{question_id}/answer/", {"text": "不能，须本地部署。"}, format="json"
        )
    assert answered.status_code == 200, answered.json()
    public = client_for().get(url).json()
    assert [(q["text"], q["answer"], q["asker"], q["mine"]) for q in public] == [
        ("数据能否离开厂区？", "不能，须本地部署。", None, False)
    ]
    assert client_for(outsider.user).get(url).json()[0]["asker"] is None
    assert AuditEntry.objects.filter(action="scenarios.question.answered").count() == 1
    told = set(Notification.objects.filter(kind="question", title__contains="答疑").values_list("recipient", flat=True))
    assert told == {asker.user.pk, bidder.user.pk}


def test_only_a_verified_supplier_asks_and_only_an_insider_answers(market):
    provider, asker, _bidder, _outsider, scenario = market
    url = f"/api/v1/scenarios/{scenario.pk}/questions/"
    assert client_for(provider.user).post(url, {"text": "?"}, format="json").status_code == 403
    assert client_for().post(url, {"text": "?"}, format="json").status_code == 401
    refused = client_for(asker.user).post(url, {"text": "   "}, format="json")
    assert refused.status_code == 400 and refused.json()["fields"]["text"]
    question = services.question_ask(scenario_id=scenario.pk, actor_user=asker.user, text="工期？")
    answer = client_for(asker.user).post(f"/api/v1/questions/{question.pk}/answer/", {"text": "自答"}, format="json")
    assert answer.status_code == 403
    city = member_of(K.CITY_OFFICE, "510100").user
    services.question_answer(question_id=question.pk, actor_user=city, text="六个月。")
    question.refresh_from_db()
    assert question.answer == "六个月。" and question.answered_by == city


def test_a_newly_published_scenario_reaches_its_subscribers_once(market, link_office, committed):
    provider, asker, bidder, outsider, _scenario = market
    wants_vision = Subscription.objects.create(organization=asker.organization, keywords="缺陷检测, 视觉")
    wants_mianyang = Subscription.objects.create(organization=outsider.organization)
    wants_mianyang.regions.set([outsider.organization.region])
    wants_manufacturing = Subscription.objects.create(organization=bidder.organization)
    wants_manufacturing.sectors.set([sector("manufacturing")])
    scenario = ScenarioFactory(
        provider=provider.organization,
        state="approved",
        title="电机外壳缺陷检测",
        sector=sector("manufacturing.02"),
        release_event=ReleaseEventFactory(),
    )
    with committed():
        services.scenario_publish(scenario_id=scenario.pk, actor_user=link_office)
    told = set(Notification.objects.filter(kind="subscription").values_list("recipient", flat=True))
    assert told == {asker.user.pk, bidder.user.pk}  # 成都's scenario: not 绵阳's subscriber
    assert wants_vision.keyword_list == ["缺陷检测", "视觉"]
