"""Every role of DOMAIN.md §2 (and anonymous) × every endpoint × own / same-region / other's object.

One table drives it; `test_every_api_route_has_a_row` fails when an endpoint is added without its row.
Columns:   anon  sup_a  sup_b  prov  prov_x  city  city_x  office
sup_a holds the agreement and one proposal, sup_b the other proposal; prov owns every scenario but
far_draft (绵阳); prov_x is another provider of 成都; city is 成都's staff, city_x 绵阳's.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from rest_framework.test import APIClient

from config import api_router
from tests.api.world import PDF, ROLES

pytestmark = pytest.mark.django_db


def pdf(w=None):
    return {"file": SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf")}


def scenario_body(w):
    return {"title": "新场景", "category": "industry", "sector": "manufacturing.02", "purpose": "检测"}


# (route, method, url kwargs, body, expected statuses in ROLES order)
MATRIX = [
    ("api-root", "get", {}, None, "200 200 200 200 200 200 200 200"),
    ("token", "delete", {}, None, "401 204 204 204 204 204 204 204"),
    ("region-list", "get", {}, None, "200 200 200 200 200 200 200 200"),
    ("region-detail", "get", {"code": "510100"}, None, "200 200 200 200 200 200 200 200"),
    ("sector-list", "get", {}, None, "200 200 200 200 200 200 200 200"),
    ("sector-detail", "get", {"code": "manufacturing"}, None, "200 200 200 200 200 200 200 200"),
    ("organization-list", "get", {}, None, "200 200 200 200 200 200 200 200"),
    ("organization-detail", "get", {"pk": "org_prov"}, None, "200 200 200 200 200 200 200 200"),
    ("organization-detail", "patch", {"pk": "org_prov"}, {"headcount": 9}, "401 403 403 200 403 403 403 200"),
    ("member-list", "get", {}, None, "401 200 200 200 200 200 200 200"),
    ("member-detail", "get", {"pk": "member_prov"}, None, "401 404 404 200 404 404 404 200"),
    ("product-list", "get", {}, None, "200 200 200 200 200 200 200 200"),
    ("product-detail", "get", {"pk": "product_a"}, None, "200 200 200 200 200 200 200 200"),
    (
        "product-list",
        "post",
        {},
        {"name": "新品", "description": "视觉检测", "maturity": "pilot"},
        "401 201 201 403 403 403 403 403",
    ),
    ("product-detail", "patch", {"pk": "product_a"}, {"name": "改名"}, "401 200 403 403 403 403 403 200"),
    ("notification-list", "get", {}, None, "401 200 200 200 200 200 200 200"),
    ("notification-detail", "get", {"pk": "notification"}, None, "401 404 404 200 404 404 404 404"),
    ("notification-read", "post", {"pk": "notification"}, None, "401 404 404 200 404 404 404 404"),
    ("notification-read-all", "post", {}, None, "401 200 200 200 200 200 200 200"),
    ("notification-unread-count", "get", {}, None, "401 200 200 200 200 200 200 200"),
    ("scenario-list", "get", {}, None, "200 200 200 200 200 200 200 200"),
    ("scenario-detail", "get", {"pk": "draft"}, None, "404 404 404 200 404 200 404 200"),
    ("scenario-detail", "get", {"pk": "far_draft"}, None, "404 404 404 404 404 404 200 200"),
    ("scenario-detail", "get", {"pk": "pub"}, None, "200 200 200 200 200 200 200 200"),
    ("scenario-list", "post", {}, scenario_body, "401 403 403 201 201 400 400 400"),
    ("scenario-detail", "patch", {"pk": "draft"}, {"title": "改"}, "401 404 404 200 404 200 404 200"),
    ("scenario-detail", "patch", {"pk": "pub"}, {"title": "改"}, "401 403 403 403 403 403 403 200"),
    ("scenario-transitions", "get", {"pk": "pub"}, None, "403 403 403 200 403 200 403 200"),
    ("scenario-attachments", "post", {"pk": "draft"}, pdf, "401 404 404 201 404 201 404 201"),
    ("scenario-submit", "post", {"pk": "draft"}, {}, "401 404 404 200 404 403 404 200"),
    ("scenario-return", "post", {"pk": "draft"}, {"reason": "补充"}, "401 404 404 403 404 409 404 409"),
    ("scenario-approve", "post", {"pk": "draft"}, {}, "401 404 404 403 404 409 404 409"),
    ("scenario-publish", "post", {"pk": "pub"}, {}, "401 403 403 403 403 403 403 409"),
    ("scenario-sign", "post", {"pk": "pub"}, {}, "401 403 403 409 403 409 403 409"),
    ("scenario-start-cooperation", "post", {"pk": "signed"}, {}, "401 403 403 200 403 200 403 200"),
    ("scenario-designate-benchmark", "post", {"pk": "coop"}, {}, "401 403 403 403 403 403 403 409"),
    ("scenario-include-in-zone", "post", {"pk": "bench"}, {}, "401 403 403 403 403 403 403 409"),
    ("scenario-close", "post", {"pk": "pub"}, {"reason": "无合适方案"}, "401 403 403 200 403 403 403 200"),
    ("scenario-withdraw", "post", {"pk": "draft"}, {}, "401 404 404 200 404 403 404 200"),
    ("proposal-list", "get", {}, None, "401 200 200 200 200 200 200 200"),
    ("proposal-detail", "get", {"pk": "proposal_a"}, None, "401 200 404 200 404 200 404 200"),
    # Both suppliers have already proposed: a second submission is refused (the waiting one is revised).
    ("proposal-list", "post", {}, lambda w: {"scenario": w["pub"].pk}, "401 409 409 403 403 403 403 403"),
    ("proposal-detail", "patch", {"pk": "proposal_a"}, {"price": 70}, "401 200 404 403 404 403 404 403"),
    ("proposal-withdraw", "post", {"pk": "proposal_a"}, None, "401 200 404 403 404 403 404 403"),
    ("proposal-attachments", "post", {"pk": "proposal_a"}, pdf, "401 201 404 403 404 403 404 403"),
    ("agreement-list", "get", {}, None, "401 200 200 200 200 200 200 200"),
    ("agreement-detail", "get", {"pk": "agreement"}, None, "401 200 404 200 404 200 404 200"),
    (
        "agreement-list",
        "post",
        {},
        lambda w: {"scenario": w["pub"].pk, "suppliers": [w.sup_a_org], "signed_on": "2026-08-01"},
        "401 403 403 201 403 201 403 201",
    ),
    ("agreement-documents", "post", {"pk": "agreement"}, pdf, "401 403 404 201 404 201 404 201"),
    ("progress-report-list", "get", {}, None, "401 200 200 200 200 200 200 200"),
    ("progress-report-detail", "get", {"pk": "report"}, None, "401 200 404 200 404 200 404 200"),
    (
        "progress-report-list",
        "post",
        {},
        lambda w: {"scenario": w["signed"].pk, "reported_on": "2026-09-01", "summary": "进展"},
        "401 403 403 201 403 201 403 201",
    ),
    ("progress-report-evidence", "post", {"pk": "report"}, pdf, "401 403 404 201 404 201 404 201"),
    ("benchmark-case-list", "get", {}, None, "200 200 200 200 200 200 200 200"),
    ("benchmark-case-detail", "get", {"pk": "case"}, None, "200 200 200 200 200 200 200 200"),
    (
        "benchmark-case-list",
        "post",
        {},
        lambda w: {"scenario": w["coop"].pk, "title": "案例", "background": "b", "solution": "s", "outcomes": "o"},
        "401 403 403 403 403 201 403 201",
    ),
    ("benchmark-case-pictures", "post", {"pk": "case"}, pdf, "401 403 403 403 403 201 403 201"),
    ("demonstration-zone-list", "get", {}, None, "200 200 200 200 200 200 200 200"),
    ("demonstration-zone-detail", "get", {"pk": "zone"}, None, "200 200 200 200 200 200 200 200"),
    ("demonstration-zone-designate", "post", {"pk": "zone"}, None, "401 403 403 403 403 403 403 200"),
    ("demonstration-zone-apply-national", "post", {"pk": "zone"}, None, "401 403 403 403 403 403 403 409"),
    ("demonstration-zone-designate-national", "post", {"pk": "zone"}, None, "401 403 403 403 403 403 403 409"),
    ("demonstration-zone-include-scenarios", "post", {"pk": "zone"}, None, "401 403 403 403 403 403 403 409"),
    ("demonstration-zone-ranking", "get", {}, None, "401 403 403 403 403 200 200 200"),
    (
        "demonstration-zone-list",
        "post",
        {},
        {"region": "510100", "sector": "manufacturing"},
        "401 403 403 403 403 403 403 201",
    ),
    ("benchmark-case-replicate", "post", {"pk": "case"}, None, "401 403 403 201 201 403 403 403"),
    ("promotion-list", "get", {}, None, "200 200 200 200 200 200 200 200"),
    ("promotion-detail", "get", {"pk": "promotion"}, None, "200 200 200 200 200 200 200 200"),
    (
        "promotion-list",
        "post",
        {},
        lambda w: {"product": w["product_b"].pk, "case": w["case"].pk},
        "401 403 403 403 403 403 403 201",
    ),
    ("product-adoption", "get", {"pk": "product_a"}, None, "200 200 200 200 200 200 200 200"),
    ("release-event-list", "get", {}, None, "200 200 200 200 200 200 200 200"),
    ("release-event-detail", "get", {"pk": "event"}, None, "200 200 200 200 200 200 200 200"),
    (
        "release-event-list",
        "post",
        {},
        {"name": "对接活动", "kind": "docking", "year": 2026, "host_region": "510700", "date": "2026-12-20"},
        "401 403 403 403 403 403 403 201",
    ),
    ("release-event-publish-all", "post", {"pk": "event"}, None, "401 403 403 403 403 403 403 200"),
    ("release-event-host-suggestions", "get", {}, {"year": 2027}, "200 200 200 200 200 200 200 200"),
    ("release-event-plan-year", "post", {}, {"year": 2027}, "401 403 403 403 403 403 403 201"),
    ("release-event-list-scenarios", "post", {"pk": "event"}, {"scenarios": []}, "401 403 403 403 403 403 403 200"),
    ("release-event-booklet", "get", {"pk": "event"}, None, "200 200 200 200 200 200 200 200"),
    ("release-event-booklet-xlsx", "get", {"pk": "event"}, None, "200 200 200 200 200 200 200 200"),
    (
        "release-event-schedule",
        "post",
        {"pk": "event"},
        {"starts_at": "2026-12-10T14:00:00+08:00"},
        "401 403 403 403 403 403 403 200",
    ),
    ("release-event-meetings", "get", {"pk": "event"}, None, "401 200 200 200 200 200 200 200"),
    ("release-event-meetings-xlsx", "get", {"pk": "event"}, None, "401 200 200 200 200 200 200 200"),
    ("annual-plan-list", "get", {}, None, "200 200 200 200 200 200 200 200"),
    ("annual-plan-detail", "get", {"year": 2026}, None, "200 200 200 200 200 200 200 200"),
    (
        "annual-plan-targets",
        "post",
        {"year": 2026},
        {"metric": "benchmark_cases", "value": 12},
        "401 403 403 403 403 403 403 200",
    ),
    ("annual-plan-progress", "get", {"year": 2026}, None, "200 200 200 200 200 200 200 200"),
    ("file-download", "get", {"kind": "proposal", "pk": "file_a"}, None, "404 200 404 200 404 200 404 200"),
    ("scenario-matches", "get", {"pk": "pub"}, None, "401 403 403 200 403 200 403 200"),
    ("scenario-matches", "get", {"pk": "draft"}, None, "401 404 404 200 404 200 404 200"),
    ("scenario-matches", "get", {"pk": "far_draft"}, None, "401 404 404 404 404 404 200 200"),
    ("recommendation-list", "get", {}, None, "401 200 200 403 403 403 403 403"),
    ("match-feedback-list", "get", {}, None, "401 200 200 200 200 200 200 200"),
    (
        "match-feedback-list",
        "post",
        {},
        lambda w: {"scenario": w["pub"].pk, "product": w["product_a"].pk, "verdict": "useful"},
        "401 201 403 201 403 201 403 201",  # the scenario's staff mark recommendations too (issue 14)
    ),
    (
        "match-feedback-list",
        "post",
        {},
        lambda w: {"scenario": w["draft"].pk, "product": w["product_a"].pk, "verdict": "contacted"},
        "401 404 404 201 404 201 404 201",
    ),
    ("match-run-list", "get", {}, None, "401 403 403 403 403 403 403 200"),
    ("match-run-detail", "get", {"pk": "run"}, None, "401 403 403 403 403 403 403 200"),
    ("match-run-list", "post", {}, None, "401 403 403 403 403 403 403 201"),
    ("followup-board", "get", {}, None, "401 403 403 403 403 200 200 200"),
    ("reminder-list", "get", {}, None, "401 200 200 200 200 200 200 200"),
    ("reminder-detail", "get", {"pk": "reminder"}, None, "401 404 404 200 404 200 404 200"),
    ("reminder-rule-list", "get", {}, None, "401 403 403 403 403 200 200 200"),
    ("reminder-rule-detail", "get", {"code": "submitted_unreviewed"}, None, "401 403 403 403 403 200 200 200"),
    (
        "reminder-rule-detail",
        "patch",
        {"code": "submitted_unreviewed"},
        {"threshold_days": 5},
        "401 403 403 403 403 403 403 200",
    ),
    ("scenario-timeline", "get", {"pk": "pub"}, None, "403 403 403 200 403 200 403 200"),
    ("scenario-timeline", "get", {"pk": "draft"}, None, "404 404 404 200 404 200 404 200"),
    ("scenario-check-in", "post", {"pk": "signed"}, {"running": True}, "401 201 403 201 403 403 403 403"),
    ("audit-entry-list", "get", {}, None, "401 403 403 403 403 200 200 200"),
    ("audit-entry-detail", "get", {"pk": "audit_entry"}, None, "401 403 403 403 403 200 404 200"),
    ("proposal-decline", "post", {"pk": "proposal_b"}, {"reason": "方案不符"}, "401 404 403 200 404 200 404 200"),
    (
        "proposal-decline",
        "post",
        {"pk": "proposal_b"},
        {"code": "budget", "reason": "超出预算"},
        "401 404 403 200 404 200 404 200",
    ),
    ("product-attachments", "post", {"pk": "product_a"}, pdf, "401 201 403 403 403 403 403 201"),
    ("scenario-similar", "get", {"pk": "pub"}, None, "200 200 200 200 200 200 200 200"),
    ("scenario-similar", "get", {"pk": "draft"}, None, "404 404 404 200 404 200 404 200"),
    # Clarification questions: answered ones are public; the asker (sup_b) also sees its own open one.
    ("scenario-questions", "get", {"pk": "pub"}, None, "200 200 200 200 200 200 200 200"),
    ("scenario-questions", "get", {"pk": "draft"}, None, "404 404 404 200 404 200 404 200"),
    ("scenario-questions", "post", {"pk": "pub"}, {"text": "是否支持私有化部署？"}, "401 201 201 403 403 403 403 403"),
    ("scenario-questions", "post", {"pk": "signed"}, {"text": "还能参与吗？"}, "401 409 409 403 403 403 403 403"),
    ("scenario-questions", "post", {"pk": "draft"}, {"text": "？"}, "401 404 404 403 404 403 404 403"),
    ("question-detail", "get", {"pk": "answered_question"}, None, "200 200 200 200 200 200 200 200"),
    ("question-detail", "get", {"pk": "open_question"}, None, "404 404 200 200 404 200 404 200"),
    ("question-answer", "post", {"pk": "open_question"}, {"text": "支持。"}, "401 404 403 200 404 200 404 200"),
    ("question-answer", "post", {"pk": "open_question"}, {"text": ""}, "401 404 400 400 404 400 404 400"),
]

CASES = [
    pytest.param(route, method, kwargs, body, role, int(expected.split()[i]), id=f"{method}-{route}-{kw}-{role}")
    for route, method, kwargs, body, expected in MATRIX
    for kw in ["/".join(str(v) for v in kwargs.values()) or "-"]
    for i, role in enumerate(ROLES)
]


@pytest.fixture
def world(shared_world):
    return shared_world


def market_state() -> str:
    """Every row of the market's own tables, as text: a refused write must leave it exactly as it was."""
    models = [m for app in ("marketplace", "scenarios", "matching") for m in apps.get_app_config(app).get_models()]
    return serializers.serialize("json", [obj for m in models for obj in m._default_manager.order_by("pk")])


@pytest.mark.parametrize(("route", "method", "kwargs", "body", "role", "expected"), CASES)
def test_permission_matrix(world, route, method, kwargs, body, role, expected):
    w = world
    resolved = {k: (w[v].pk if isinstance(v, str) and v in w.objects else v) for k, v in kwargs.items()}
    client = APIClient()
    if w.users[role] is not None:
        client.force_authenticate(w.users[role])
    data = body(w) if callable(body) else body
    is_upload = isinstance(data, dict) and "file" in data
    writes = method != "get"
    before = market_state() if writes and expected >= 400 else None
    response = getattr(client, method)(
        reverse(f"api:{route}", kwargs=resolved), data, format="multipart" if is_upload else "json"
    )
    assert response.status_code == expected, getattr(response, "data", response)
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "fields"}
    if before is not None:
        assert market_state() == before, "a refused write changed the market"


def test_every_api_route_has_a_row():
    names = {p.name for p in get_resolver(api_router).url_patterns if p.name} - {"api-root"}
    names |= {p.name for p in api_router.router.urls if p.name}
    covered = {row[0] for row in MATRIX}
    missing = sorted(n for n in names if n not in covered and not n.endswith("-root"))
    assert not missing, f"endpoints without a row in the permission matrix: {missing}"
