"""Builds the demo market deterministically, walking every scenario through the real services so that
its transition log, plan and dates are what real use would leave behind."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from common.credit_code import make_credit_code
from marketplace.choices import MemberRole, Qualification
from marketplace.choices import OrganizationKind as K
from marketplace.models import Capability, Organization, OrganizationQualification, Product, Region, Sector
from marketplace.services import member_add
from scenarios import services
from scenarios.choices import ScenarioState as S
from scenarios.choices import SupportKind
from scenarios.guards import covering_zone
from scenarios.models import BenchmarkCase, DemonstrationZone, ReleaseEvent, Scenario, TransitionLog

from .catalogue import (
    AREA_CODES,
    PUBLISHER_OF,
    SUPPLIER_BRANDS,
    VARIANTS,
    areas,
)

YEAR = 2026
# The demo's "today": records are never dated after it (the seeded history ends here).
TODAY = datetime.date(YEAR, 11, 20)
DEMO_ACCOUNTS = [
    ("demo-office", "链长办（全省）"),
    ("demo-city", "成都市 市州工作人员"),
    ("demo-gov", "成都市应急管理局（政府类场景提供方）"),
    ("demo-enterprise", "绵阳市企业（产业类场景提供方）"),
    ("demo-supplier", "AI 产品提供方"),
    ("demo-supplier2", "AI 产品提供方"),
]
# Where each scenario ends up, in order; the counts make a believable year (DOMAIN.md §4, every state).
STATE_PLAN = (
    [S.DRAFT] * 14
    + [S.SUBMITTED] * 14
    + [S.APPROVED] * 16
    + [S.PUBLISHED] * 56
    + [S.SIGNED] * 22
    + [S.IN_COOPERATION] * 16
    + [S.BENCHMARK] * 4
    + [S.DEMONSTRATION] * 3
    + [S.CLOSED] * 7
    + [S.WITHDRAWN] * 6
)
EVENTS = [  # quarter, host region, date, venue
    (1, "510100", datetime.date(YEAR, 3, 18), "成都市 天府国际会议中心"),
    (2, "510700", datetime.date(YEAR, 6, 19), "绵阳市 科技城会展中心"),
    (3, "510600", datetime.date(YEAR, 9, 16), "德阳市 文化艺术中心"),
    (4, "511500", datetime.date(YEAR, 12, 10), "宜宾市 三江口会议中心"),
]


@dataclass
class Demo:
    rng: random.Random
    password_hash: str
    serial: int = 0
    office: object = None
    city_users: dict = field(default_factory=dict)
    provider_users: dict = field(default_factory=dict)
    supplier_users: dict = field(default_factory=dict)
    providers: dict = field(default_factory=dict)
    gov: Organization | None = None
    enterprise: Organization | None = None

    def code(self, region_code: str, dept: str, kind: str) -> str:
        self.serial += 1
        return make_credit_code(region_code, 7_000_000 + self.serial * 7919, dept=dept, kind=kind)

    def org(self, name, kind, region, dept="9", org_kind="1", **extra) -> Organization:
        return Organization.objects.create(
            key=f"demo-{kind}-{self.serial + 1:03d}",
            name=name,
            kind=kind,
            region=region,
            credit_code=self.code(region.code if region else "510000", dept, org_kind),
            **extra,
        )

    def user(self, org, username, full_name, role=MemberRole.STAFF):
        return member_add(
            organization=org,
            username=username,
            password_hash=self.password_hash,
            full_name=full_name,
            email=f"{username}@example.cn",
            role=role,
        ).user


def build(*, password: str, seed: int = 20260101) -> dict:
    demo = Demo(rng=random.Random(seed), password_hash=make_password(password))
    with transaction.atomic():
        regions = list(Region.objects.order_by("sort_order"))
        _offices(demo, regions)
        _providers(demo, regions)
        suppliers = _suppliers(demo, regions)
        products = _products(demo, suppliers)
        events = _events(demo)
        scenarios = _scenarios(demo, regions, events, products)
        _backdate(demo, scenarios)
    reminders = _follow_up()
    return {
        "regions": len(regions),
        "suppliers": len(suppliers),
        "products": len(products),
        "scenarios": len(scenarios),
        "events": len(events),
        "reminders": reminders,
    }


def _follow_up() -> int:
    """The follow-up sweep as of the demo's today, so the board and the reminders show what stalled. Its
    e-mails are not sent: the demo's history is past, and a laptop has no mail server."""
    from django.test.utils import override_settings

    from scenarios.models import Reminder
    from scenarios.services import followup_sweep

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        followup_sweep(as_of=TODAY)
    return Reminder.objects.count()


def _offices(demo: Demo, regions):
    office = demo.org("四川省人工智能产业链链长办公室", K.LINK_OFFICE, None, dept="1", org_kind="1")
    demo.office = demo.user(office, "demo-office", "链长办 李主任", MemberRole.ADMIN)
    for region in regions:
        city = demo.org(f"{region.name}人工智能产业链牵头部门", K.CITY_OFFICE, region, dept="1", org_kind="1")
        username = "demo-city" if region.code == "510100" else f"city-{region.code}"
        demo.city_users[region.code] = demo.user(city, username, f"{region.name} 产业链专班")


def _providers(demo: Demo, regions) -> None:
    """The two demo provider accounts; every other provider is created when a scenario needs one."""
    chengdu = next(r for r in regions if r.code == "510100")
    mianyang = next(r for r in regions if r.code == "510700")
    demo.gov = _provider(demo, chengdu, "应急管理局", K.GOVERNMENT, username="demo-gov", full_name="应急局 王科长")
    demo.enterprise = _provider(demo, mianyang, "电机", K.ENTERPRISE, username="demo-enterprise", full_name="赵经理")


def _provider(demo: Demo, region, what: str, kind: str, username=None, full_name=None) -> Organization:
    short = region.name.removesuffix("市")
    name = f"{region.name}{what}" if kind == K.GOVERNMENT else f"{short}{what}股份有限公司"
    org = demo.providers.get(name)
    if org is None:
        extra = {} if kind == K.GOVERNMENT else {"headcount": demo.rng.randint(200, 8000)}
        org = demo.org(name, kind, region, dept="1" if kind == K.GOVERNMENT else "9", org_kind="1", **extra)
        demo.providers[name] = org
        demo.provider_users[org.pk] = demo.user(
            org, username or f"provider-{org.pk}", full_name or f"{name} 联系人", MemberRole.ADMIN
        )
    return org


def _suppliers(demo: Demo, regions) -> list[Organization]:
    suppliers = []
    weights = [12 if r.code == "510100" else 2 if r.code in ("510700", "510600") else 1 for r in regions]
    for i, brand in enumerate(SUPPLIER_BRANDS):
        region = regions[0] if i < 2 else demo.rng.choices(regions, weights)[0]
        org = demo.org(
            # No doubled words: a brand that ends in 科技 is not followed by another.
            f"{region.name.removesuffix('市')}{brand.removesuffix('科技')}科技有限公司",
            K.SUPPLIER,
            region,
            headcount=demo.rng.randint(20, 1500),
            description=f"专注人工智能技术研发与行业应用的{brand}团队。",
        )
        quals = demo.rng.sample(Qualification.values, demo.rng.randint(0, 3))
        OrganizationQualification.objects.bulk_create(
            [OrganizationQualification(organization=org, code=q) for q in quals]
        )
        username = {0: "demo-supplier", 1: "demo-supplier2"}.get(i, f"supplier-{org.pk}")
        # Each organisation's one account is its administrator, as the person who registered it would be.
        demo.supplier_users[org.pk] = demo.user(org, username, f"{brand} 商务", MemberRole.ADMIN)
        suppliers.append(org)
    return suppliers


def _products(demo: Demo, suppliers) -> list[Product]:
    catalogue = areas()
    sectors = {s.code: s for s in Sector.objects.all()}
    caps = {}
    products = []
    for i, supplier in enumerate(suppliers):
        # Each supplier specialises in two to four neighbouring areas; the first two cover the
        # defect-inspection and emergency areas the demo accounts walk through.
        start = {0: 1, 1: 9}.get(i, demo.rng.randrange(len(catalogue)))
        for j in range(demo.rng.randint(3, 5) if i > 1 else 5):
            area = catalogue[(start + j // 2) % len(catalogue)]
            variant = VARIANTS[(i + j) % len(VARIANTS)]
            low = Decimal(demo.rng.choice([10, 20, 30, 50, 80, 100]))
            product = Product.objects.create(
                key=f"demo-prod-{len(products) + 1:04d}",
                supplier=supplier,
                name=f"{area['product']}{variant}",
                description=area["product_description"],
                maturity=demo.rng.choice(["pilot", "mature", "mature", "scaled", "prototype"]),
                price_min=low,
                price_max=low * demo.rng.choice([2, 3, 4]),
                reference_deployments=f"已在{demo.rng.randint(2, 30)}家单位部署应用。",
                first_of_kind_software=demo.rng.random() < 0.2,
                first_of_kind_equipment=demo.rng.random() < 0.1,
            )
            for name in area["capabilities"]:
                if name not in caps:
                    caps[name] = Capability.objects.get_or_create(name=name)[0]
            product.capabilities.set([caps[n] for n in area["capabilities"]])
            product.sectors.set([sectors[area["code"]]])
            products.append(product)
    return products


def _events(demo: Demo) -> list[ReleaseEvent]:
    regions = {r.code: r for r in Region.objects.all()}
    events = []
    for quarter, host, date, venue in EVENTS:
        events.append(
            services.release_event_create(
                actor_user=demo.office,
                key=f"demo-event-{YEAR}-q{quarter}",
                name=f"{YEAR}年第{quarter}季度四川省人工智能应用场景发布会",
                kind="provincial",
                year=YEAR,
                quarter=quarter,
                host_region=regions[host],
                date=date,
                venue=venue,
                list_final=quarter < 4,
                description="集中发布一批人工智能应用场景，并组织供需双方一对一对接。",
            )
        )
    events.append(
        services.release_event_create(
            actor_user=demo.office,
            key=f"demo-event-{YEAR}-docking-1",
            name="人工智能+应急救援专场对接活动",
            kind="docking",
            year=YEAR,
            host_region=regions["511800"],
            date=datetime.date(YEAR, 5, 12),
            venue="雅安市 应急产业园",
            list_final=True,
        )
    )
    return events


def _scenarios(demo: Demo, regions, events, products) -> list:
    catalogue = areas()
    sectors = {s.code: s for s in Sector.objects.all()}
    by_sector = {}
    for p in products:
        by_sector.setdefault(p.sectors.all()[0].code, []).append(p)
    created = []
    past_events, q4 = [e for e in events if e.date < datetime.date(YEAR, 11, 1)], events[3]
    for n, final_state in enumerate(STATE_PLAN):
        area = catalogue[n % len(catalogue)]
        provider = _provider_for(demo, regions, area, n)
        user = demo.provider_users[provider.pk]
        city = demo.city_users[provider.region.code]
        low = Decimal(demo.rng.choice([30, 50, 80, 100, 150, 200, 300]))
        scenario = services.scenario_create(
            actor_user=user,
            title=f"{provider.name.removesuffix('股份有限公司')}{area['subject']}",
            category="government" if provider.kind == K.GOVERNMENT else "industry",
            sector=sectors[area["code"]],
            purpose=area["purpose"],
            requirements=area["requirements"],
            cooperation_mode=demo.rng.choice(["procurement", "procurement", "joint_rnd", "pilot", "open_competition"]),
            budget_min=low,
            budget_max=low * 2,
            expected_start=datetime.date(YEAR + 1, demo.rng.randint(1, 6), 1),
            duration_months=demo.rng.choice([6, 12, 18, 24]),
            contact_name="项目联系人",
            contact_phone=f"{AREA_CODES.get(provider.region.code, '028')}-{demo.rng.randint(60000000, 89999999)}",
        )
        scenario.key = f"demo-scn-{n + 1:03d}"
        scenario.save(update_fields=["key"])
        _walk(demo, scenario, final_state, user, city, past_events, q4, by_sector.get(area["code"], products[:3]))
        created.append(scenario)
    return created


def _provider_for(demo: Demo, regions, area, n):
    departments, industries = PUBLISHER_OF[area["code"]]
    if "应急管理局" in departments and n % 3 == 0:
        return demo.gov
    if "电机" in industries and n % 2 == 1:
        return demo.enterprise
    departments, industries = PUBLISHER_OF[area["code"]]
    # Chengdu publishes most; every region publishes something over the year.
    region = regions[0] if n % 4 == 0 else regions[n % len(regions)]
    if departments and (not industries or n % 2 == 0):
        return _provider(demo, region, departments[n % len(departments)], K.GOVERNMENT)
    return _provider(demo, region, industries[n % len(industries)], K.ENTERPRISE)


ORDER = [S.DRAFT, S.SUBMITTED, S.APPROVED, S.PUBLISHED, S.SIGNED, S.IN_COOPERATION, S.BENCHMARK, S.DEMONSTRATION]


def _walk(demo: Demo, scenario, final_state, user, city, past_events, q4, candidates):
    office, pk = demo.office, scenario.pk
    if final_state == S.WITHDRAWN:
        services.scenario_withdraw(scenario_id=pk, actor_user=user, reason="需求调整，暂不开放")
        return
    target = S.PUBLISHED if final_state == S.CLOSED else final_state
    reached = ORDER.index(target)
    if reached >= 1:
        services.scenario_submit(scenario_id=pk, actor_user=user)
    if reached >= 2:
        # Cooperation takes months: scenarios that got that far were published in the first half year.
        early = [e for e in past_events if e.date.month <= 6] if reached >= 5 else past_events
        event = q4 if target == S.APPROVED else demo.rng.choice(early)
        services.scenario_approve(scenario_id=pk, actor_user=city, event_id=event.pk)
    if reached >= 3:
        services.scenario_publish(scenario_id=pk, actor_user=office)
        _proposals(demo, scenario, candidates, many=target != S.PUBLISHED or demo.rng.random() < 0.6)
    if final_state == S.CLOSED:
        services.scenario_close(scenario_id=pk, actor_user=user, reason="未征集到满足预算的方案")
        return
    if reached >= 4:
        scenario.refresh_from_db()
        chosen = candidates[demo.rng.randrange(len(candidates))]
        services.agreement_create(
            scenario_id=pk,
            actor_user=city,
            supplier_ids=[chosen.supplier_id],
            product_ids=[chosen.pk],
            signed_on=scenario.published_at + datetime.timedelta(days=demo.rng.randint(20, 50)),
            amount=scenario.budget_min + demo.rng.randint(0, int(scenario.budget_min)),
            summary="采购与部署实施",
        )
        services.scenario_sign(scenario_id=pk, actor_user=user)
    if reached >= 5:
        services.progress_report_create(
            scenario_id=pk,
            actor_user=city,
            reported_on=min(scenario.published_at + datetime.timedelta(days=75), TODAY - datetime.timedelta(days=3)),
            summary="设备完成部署并进入试运行，双方按月召开推进会。",
            milestone="系统上线试运行",
            milestone_status="met",
            progress_percent=demo.rng.choice([40, 60, 80]),
            cooperation_started=True,
        )
        services.scenario_start_cooperation(scenario_id=pk, actor_user=city)
    if reached >= 6:
        services.benchmark_case_create(
            scenario_id=pk,
            actor_user=city,
            title=f"{scenario.title}标杆案例",
            background=f"{scenario.provider.name}需要{scenario.purpose}，此前主要依靠人工，效率低、成本高。",
            solution=f"引入{chosen.name}，{chosen.description}",
            outcomes="上线后关键指标显著改善，已在同行业推广。",
            outcome_figures=[
                {"label": "效率提升", "value": demo.rng.randint(30, 80), "unit": "%"},
                {"label": "年节约成本", "value": demo.rng.randint(50, 500), "unit": "万元"},
            ],
            recommended_national_pilot=demo.rng.random() < 0.5,
            recommended_typical_case=True,
            support=[
                {"kind": SupportKind.INNOVATION_VOUCHER, "amount": Decimal(20), "recipient": scenario.provider},
                {"kind": SupportKind.COMPUTE_SUBSIDY, "amount": Decimal(50), "recipient": chosen.supplier},
            ],
        )
        services.scenario_designate_benchmark(scenario_id=pk, actor_user=office, reason="示范效应明显")
    if reached >= 7:
        zone, _ = DemonstrationZone.objects.get_or_create(
            region=scenario.region,
            sector=scenario.sector.top,
            defaults={
                "name": f"{scenario.region.name}人工智能+{scenario.sector.top.name.removeprefix('人工智能+')}"
                "场景应用示范区",
                "key": f"demo-zone-{scenario.region.code}-{scenario.sector.top.code}",
            },
        )
        if zone.status == "candidate":
            services.zone_designate(zone_id=zone.pk, actor_user=office, on=datetime.date(YEAR, 10, 28))
        services.scenario_include_in_zone(scenario_id=pk, actor_user=office)


def _proposals(demo: Demo, scenario, candidates, many: bool):
    count = min(len(candidates), demo.rng.randint(2, 4) if many else 1)
    proposed = set()
    for product in demo.rng.sample(candidates, count):
        if product.supplier_id in proposed:  # one proposal per supplier and scenario (it is revised, not resent)
            continue
        proposed.add(product.supplier_id)
        services.proposal_submit(
            scenario_id=scenario.pk,
            actor_user=demo.supplier_users[product.supplier_id],
            kind=demo.rng.choice(["interest", "proposal"]),
            product_ids=[product.pk],
            price=product.price_min,
            plan=f"以{product.name}为核心，分三期实施：调研、试点、推广。",
        )


# Days after the previous step at which each step of a scenario's history happened, when no record
# of its own (publication date, agreement, progress report) says when.
STEP_DAYS = {
    "create": 0,
    "submit": (1, 6),
    "approve": (3, 12),
    "withdraw": (2, 20),
    "close": (40, 90),
    "designate_benchmark": (20, 45),
    "include_in_zone": (5, 20),
}


def _backdate(demo: Demo, scenarios) -> None:
    """Give the seeded history believable dates: the services stamped everything 'now'."""
    now = timezone.now()
    # Read afresh: the services changed the rows (publication dates, states) behind the objects made early.
    for scenario in Scenario.objects.filter(pk__in=[s.pk for s in scenarios]).order_by("pk"):
        logs = list(scenario.transitions.order_by("id"))
        known = _known_dates(scenario)
        if scenario.published_at:
            moment = _at(scenario.published_at) - datetime.timedelta(days=demo.rng.randint(35, 60))
        else:
            moment = now - datetime.timedelta(days=demo.rng.randint(4, 40))
        for log in logs:
            if log.transition in known:
                moment = known[log.transition]
            elif log.transition != "create":
                low, high = STEP_DAYS.get(log.transition, (1, 5))
                moment += datetime.timedelta(days=demo.rng.randint(low, high), hours=demo.rng.randint(0, 8))
            log.at = min(moment, now)
        # Each step before the one after it (submitted before approved before published …), however the
        # steps' own durations and the known dates fell.
        for earlier, later in zip(reversed(logs[:-1]), reversed(logs[1:]), strict=True):
            if earlier.at >= later.at:
                earlier.at = later.at - datetime.timedelta(days=demo.rng.randint(1, 3), hours=demo.rng.randint(1, 6))
        stamps = {log.transition: log.at for log in logs}
        TransitionLog.objects.bulk_update(logs, ["at"])
        _backdate_proposals(demo, scenario, stamps)
        if "designate_benchmark" in stamps:  # the case is written a few days before it is designated
            BenchmarkCase.objects.filter(scenario=scenario).update(
                created_at=stamps["designate_benchmark"] - datetime.timedelta(days=demo.rng.randint(2, 6))
            )
        Scenario.objects.filter(pk=scenario.pk).update(
            created_at=stamps["create"],
            state_changed_at=logs[-1].at,
            submitted_at=stamps.get("submit"),
            approved_at=stamps.get("approve"),
            signed_at=stamps.get("sign"),
            cooperation_started_at=stamps.get("start_cooperation"),
        )


def _backdate_proposals(demo: Demo, scenario, stamps: dict) -> None:
    """Proposals arrive after publication and before signing; the accepted one is decided on signing."""
    from scenarios.models import Proposal, ProposalRevision

    published = stamps.get("publish")
    if published is None:
        return
    until = stamps.get("sign") or stamps.get("close") or _at(TODAY)
    span = max(1, (until - published).days - 1)
    for proposal in Proposal.objects.filter(scenario=scenario).order_by("pk"):
        submitted = published + datetime.timedelta(
            days=demo.rng.randint(1, min(span, 20)), hours=demo.rng.randint(0, 6)
        )
        decided = until if proposal.decided_at else None
        Proposal.objects.filter(pk=proposal.pk).update(submitted_at=submitted, decided_at=decided)
        ProposalRevision.objects.filter(proposal=proposal).update(submitted_at=submitted)


def _known_dates(scenario) -> dict:
    known = {}
    if scenario.published_at:
        known["publish"] = _at(scenario.published_at, hour=10)
    agreement = scenario.agreements.order_by("signed_on").first()
    if agreement:
        known["sign"] = _at(agreement.signed_on, hour=15)
    report = scenario.progress_reports.filter(cooperation_started=True).order_by("reported_on").first()
    if report:
        known["start_cooperation"] = _at(report.reported_on, hour=11)
    zone = covering_zone(scenario)
    if zone and zone.designated_on:
        known["include_in_zone"] = _at(zone.designated_on + datetime.timedelta(days=2), hour=14)
    return known


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
