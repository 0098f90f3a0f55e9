"""A small market with one of everything, and one user per role of DOMAIN.md §2."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from audit.services import audit_record
from marketplace.choices import MemberRole, NotificationKind
from marketplace.choices import OrganizationKind as K
from marketplace.models import Notification
from matching.models import MatchRun
from scenarios.models import AnnualPlan, ClarificationQuestion, ProductPromotion, Proposal, ProposalAttachment, Reminder
from tests.factories import (
    AgreementFactory,
    BenchmarkCaseFactory,
    DemonstrationZoneFactory,
    ProductFactory,
    ProgressReportFactory,
    ReleaseEventFactory,
    ScenarioFactory,
    member_of,
    region,
    sector,
)

ROLES = ["anon", "sup_a", "sup_b", "prov", "prov_x", "city", "city_x", "office"]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.objects[name]


def build_world() -> World:
    w = World()
    prov = member_of(K.ENTERPRISE, "510100", name="成都电机股份有限公司")
    prov.role = MemberRole.ADMIN
    prov.save()
    members = {
        "sup_a": member_of(K.SUPPLIER, "510100", name="甲智能科技"),
        "sup_b": member_of(K.SUPPLIER, "510700", name="乙智能科技"),
        "prov": prov,
        "prov_x": member_of(K.GOVERNMENT, "510100", name="成都市民政局"),
        "city": member_of(K.CITY_OFFICE, "510100"),
        "city_x": member_of(K.CITY_OFFICE, "510700"),
        "office": member_of(K.LINK_OFFICE, None),
    }
    w.users = {"anon": None, **{role: m.user for role, m in members.items()}}
    org = {role: m.organization for role, m in members.items()}
    o = w.objects
    o["org_prov"] = org["prov"]
    o["product_a"] = ProductFactory(supplier=org["sup_a"])
    o["draft"] = ScenarioFactory(provider=org["prov"], state="draft")
    o["pub"] = ScenarioFactory(provider=org["prov"], state="published")
    o["signed"] = ScenarioFactory(
        provider=org["prov"], state="signed", signed_at=timezone.now() - datetime.timedelta(days=100)
    )
    o["coop"] = ScenarioFactory(provider=org["prov"], state="in_cooperation")
    o["bench"] = ScenarioFactory(provider=org["prov"], state="benchmark")
    o["far_draft"] = ScenarioFactory(provider=member_of(K.ENTERPRISE, "510700").organization, state="draft")
    for key, supplier, price in (("proposal_a", "sup_a", 88), ("proposal_b", "sup_b", 66)):
        o[key] = Proposal.objects.create(
            scenario=o["pub"],
            supplier=org[supplier],
            price=price,
            plan=f"{supplier} 保密方案",
            submitted_at=timezone.now(),
        )
    o["proposal_a"].products.set([o["product_a"]])
    o["answered_question"] = ClarificationQuestion.objects.create(
        scenario=o["pub"],
        asker=org["sup_a"],
        text="数据能否出园区？",
        answer="不能，须本地部署。",
        answered_at=timezone.now(),
    )
    o["open_question"] = ClarificationQuestion.objects.create(scenario=o["pub"], asker=org["sup_b"], text="工期多长？")
    o["file_a"] = ProposalAttachment.objects.create(
        proposal=o["proposal_a"],
        file=ContentFile(PDF, name="a.pdf"),
        original_name="甲方案.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    o["agreement"] = AgreementFactory(scenario=o["signed"], suppliers=[org["sup_a"]])
    o["report"] = ProgressReportFactory(scenario=o["signed"])
    o["case"] = BenchmarkCaseFactory(scenario=o["bench"])
    o["product_b"] = ProductFactory(supplier=org["sup_a"], name="标杆产品")
    AgreementFactory(scenario=o["bench"], suppliers=[org["sup_a"]]).products.set([o["product_b"]])
    o["promotion"] = ProductPromotion.objects.create(product=o["product_a"], case=o["case"])
    o["zone"] = DemonstrationZoneFactory(
        region=region("510700"), sector=sector("emergency"), status="candidate", designated_on=None
    )
    o["event"] = ReleaseEventFactory(kind="provincial", quarter=4, date=datetime.date(2026, 12, 10))
    ScenarioFactory(provider=org["prov"], state="approved", release_event=o["event"])
    o["plan"] = AnnualPlan.objects.create(year=2026)
    o["run"] = MatchRun.objects.create(kind="full", engine_version="test")
    o["reminder"] = Reminder.objects.create(
        rule="published_no_proposal",
        content_type=ContentType.objects.get_for_model(o["pub"]),
        object_id=o["pub"].pk,
        period="2026-03-15",
        region=o["pub"].region,
        organization=org["prov"],
        message="场景发布已超过 21 天，尚无对接意向。",
        raised_on=datetime.date(2026, 4, 5),
        next_notify_on=datetime.date(2026, 4, 12),
    )
    o["audit_entry"] = audit_record(action="scenarios.scenario.amended", obj=o["pub"], changes={"title": ["旧", "新"]})
    o["notification"] = Notification.objects.create(
        recipient=w.users["prov"], kind=NotificationKind.SYSTEM, title="欢迎", dedupe_key="welcome"
    )
    return w
