"""Proposals are the crown jewels: nothing of supplier B's proposal reaches supplier A, anywhere."""

import json

import pytest
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient

from config import api_router
from tests.api.world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def as_a(world):
    client = APIClient()
    client.force_authenticate(world.users["sup_a"])
    return client


def secrets_of_b(world) -> list[str]:
    """What B's proposal holds. (B itself is a public organisation; that it bid here is not public.)"""
    b = world["proposal_b"]
    return [b.plan, b.key, '"66.00"', "乙方案"]


def b_identity(world) -> list[str]:
    org = world.users["sup_b"].member.organization
    return [org.name, org.key]


def every_readable_url(world) -> list[str]:
    """Every list and detail endpoint the API has, pointed at the objects of the world."""
    urls = []
    for pattern in api_router.router.urls:
        name = pattern.name or ""
        if name.endswith("-list"):
            urls.append(reverse(f"api:{name}"))
    ids = {
        "scenario": ["pub", "signed", "draft"],
        "proposal": ["proposal_a", "proposal_b"],
        "agreement": ["agreement"],
        "progress-report": ["report"],
        "benchmark-case": ["case"],
    }
    for basename, keys in ids.items():
        for key in keys:
            urls.append(reverse(f"api:{basename}-detail", kwargs={"pk": world[key].pk}))
    urls.append(reverse("api:scenario-transitions", kwargs={"pk": world["pub"].pk}))
    urls.append(reverse("api:scenario-timeline", kwargs={"pk": world["pub"].pk}))
    urls.append(reverse("api:followup-board"))
    b_file = world["proposal_b"].attachments.create(
        file="attachments/x.pdf", original_name="乙方案.pdf", content_type="application/pdf", size=1
    )
    urls.append(reverse("api:file-download", kwargs={"kind": "proposal", "pk": b_file.pk}))
    return urls


def test_nothing_of_b_reaches_a_through_any_read_endpoint(world, as_a):
    secrets = secrets_of_b(world)
    urls = every_readable_url(world)
    assert len(urls) > 20
    for url in urls:
        # Where proposals, scenarios and their records appear, B must not even be named.
        watched = (
            secrets if url.startswith(("/api/v1/organizations", "/api/v1/products")) else secrets + b_identity(world)
        )
        for query in ("", "?page_size=100", "?ordering=-price", "?ordering=price", f"?scenario={world['pub'].pk}"):
            response = as_a.get(url + query)
            text = response.content.decode() if not response.streaming else ""
            for secret in watched:
                assert secret not in text, (url + query, secret)


def test_a_sees_exactly_one_proposal_on_the_scenario_both_bid_for(world, as_a):
    body = as_a.get(f"/api/v1/proposals/?scenario={world['pub'].pk}").json()
    assert body["count"] == 1
    assert [p["id"] for p in body["results"]] == [world["proposal_a"].pk]


def test_b_proposal_and_its_file_do_not_exist_for_a(world, as_a):
    b = world["proposal_b"]
    for method, url in (
        ("get", f"/api/v1/proposals/{b.pk}/"),
        ("patch", f"/api/v1/proposals/{b.pk}/"),
        ("post", f"/api/v1/proposals/{b.pk}/withdraw/"),
    ):
        response = getattr(as_a, method)(url, {}, format="json")
        assert response.status_code == 404
        assert response.json() == as_a.get("/api/v1/proposals/99999999/").json()  # indistinguishable


def test_filters_and_orderings_are_no_side_channel(world, as_a):
    baseline = as_a.get("/api/v1/proposals/").json()
    for query in (
        "?status=submitted",
        "?kind=interest",
        "?ordering=-submitted_at",
        "?supplier=" + str(world.users["sup_b"].member.organization_id),
        "?price=66",
        "?price__lt=70",
    ):
        body = as_a.get("/api/v1/proposals/" + query).json()
        assert body.get("count", 0) <= baseline["count"]
        assert all(p["supplier"]["id"] == world.users["sup_a"].member.organization_id for p in body.get("results", []))


def test_a_resubmitting_on_the_same_scenario_touches_only_its_own_proposal(world, as_a):
    response = as_a.patch(f"/api/v1/proposals/{world['proposal_a'].pk}/", {"price": 50}, format="json")
    assert response.status_code == 200
    assert '"66.00"' not in json.dumps(response.json())
    world["proposal_b"].refresh_from_db()
    assert str(world["proposal_b"].price) == "66.00"


def test_error_messages_name_nothing_of_b(world, as_a):
    b = world["proposal_b"]
    response = as_a.post(f"/api/v1/proposals/{b.pk}/attachments/", {}, format="multipart")
    assert response.status_code == 404
    assert all(secret not in response.content.decode() for secret in secrets_of_b(world) + b_identity(world))


def test_every_api_route_is_considered(world):
    names = {p.name for p in get_resolver(api_router).url_patterns if p.name}
    assert {"proposal-list", "proposal-detail", "file-download", "scenario-transitions"} <= names


def test_notifications_about_b_go_to_b_and_the_provider_never_to_a(world, as_a, django_capture_on_commit_callbacks):
    from scenarios import services

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_revise(
            proposal_id=world["proposal_b"].pk, actor_user=world.users["sup_b"], kind="interest", plan="乙新方案"
        )
        services.proposal_decline(proposal_id=world["proposal_b"].pk, actor_user=world.users["prov"], reason="不符")
    provider_titles = [n.title for n in world.users["prov"].notifications.all()]
    assert any("乙智能科技" in t for t in provider_titles)  # the provider hears of the new proposal
    assert world.users["sup_b"].notifications.filter(title__contains="未被采纳").exists()
    text = json.dumps(as_a.get("/api/v1/notifications/?page_size=100").json(), ensure_ascii=False)
    for secret in [*secrets_of_b(world), *b_identity(world), "乙新方案", "不符"]:
        assert secret not in text
