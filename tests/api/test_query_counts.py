"""List endpoints cost a fixed number of queries, however many rows they show (no N+1)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from marketplace.choices import OrganizationKind as K
from marketplace.models import Capability, Notification
from scenarios.models import ProductPromotion, Proposal, ProposalAttachment, Reminder, SupportGrant
from tests.factories import (
    AgreementFactory,
    BenchmarkCaseFactory,
    ProductFactory,
    ProgressReportFactory,
    ReleaseEventFactory,
    ScenarioFactory,
    member_of,
    sector,
)

pytestmark = pytest.mark.django_db

# endpoint → the most queries one page may cost (auth, count, page, prefetches)
CEILINGS = {
    "/api/v1/scenarios/": 6,
    "/api/v1/products/": 7,
    "/api/v1/proposals/": 8,
    "/api/v1/agreements/": 8,
    "/api/v1/progress-reports/": 6,
    "/api/v1/benchmark-cases/": 8,
    "/api/v1/organizations/": 5,
    "/api/v1/release-events/": 4,
    "/api/v1/demonstration-zones/": 4,
    "/api/v1/annual-plans/": 5,
    "/api/v1/notifications/": 5,
    "/api/v1/members/": 5,
    "/api/v1/reminders/": 5,
    "/api/v1/reminder-rules/": 3,
    "/api/v1/promotions/": 4,
    "/api/v1/followup-board/": 10,
    "/api/v1/demonstration-zones/ranking/": 14,
    "/api/v1/scenarios/?q=缺陷检测": 6,
}


def add_rows(office_user, supplier, provider, n):
    cap = Capability.objects.get_or_create(name="机器视觉")[0]
    for _ in range(n):
        product = ProductFactory(supplier=supplier)
        product.capabilities.set([cap])
        product.sectors.set([sector()])
        event = ReleaseEventFactory()
        ScenarioFactory(provider=provider, state="published", release_event=event)
        signed = ScenarioFactory(provider=provider, state="signed")
        proposal = Proposal.objects.create(scenario=signed, supplier=supplier, price=10, submitted_at=timezone.now())
        proposal.products.set([product])
        ProposalAttachment.objects.create(
            proposal=proposal,
            file=ContentFile(b"%PDF-1", name="a.pdf"),
            original_name="a.pdf",
            content_type="application/pdf",
            size=6,
        )
        agreement = AgreementFactory(scenario=signed, suppliers=[supplier])
        agreement.products.set([product])
        ProgressReportFactory(scenario=signed)
        case = BenchmarkCaseFactory(scenario=ScenarioFactory(provider=provider, state="benchmark"))
        SupportGrant.objects.create(case=case, kind="compute_subsidy", amount=5)
        ProductPromotion.objects.create(product=product, case=case)
        Reminder.objects.create(
            rule="signed_no_progress",
            content_type=ContentType.objects.get_for_model(signed),
            object_id=signed.pk,
            period="2026-01-01",
            region=signed.region,
            organization=provider,
            message="m",
            raised_on=timezone.localdate(),
            next_notify_on=timezone.localdate(),
        )
        Notification.objects.create(recipient=office_user, kind="system", title="t", dedupe_key=f"k{product.pk}")
        member_of(K.LINK_OFFICE, None)  # one more organisation to list
        office_user.member.organization.members.create(
            user=type(office_user).objects.create(username=f"colleague{product.pk}")
        )


def queries(client, url) -> int:
    # Each real request loads its user afresh, so the per-user actor cache must start empty.
    user = client.handler._force_user
    user.__dict__.pop("_market_actor", None)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", sorted(CEILINGS))
def test_list_endpoint_query_count_does_not_grow_with_rows(url):
    office = member_of(K.LINK_OFFICE, None).user
    supplier = member_of(K.SUPPLIER, "510100").organization
    provider = member_of(K.ENTERPRISE, "510100").organization
    client = APIClient()
    client.force_authenticate(office)
    add_rows(office, supplier, provider, 2)
    few = queries(client, url)
    add_rows(office, supplier, provider, 8)
    many = queries(client, url)
    assert many == few, f"{url}: {few} queries with few rows, {many} with many"
    assert many <= CEILINGS[url]
