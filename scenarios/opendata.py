"""Open data: everything public, as rows a download writes (CSV, Excel, JSON), each field documented, and each
public scenario's history as an OCDS release list.

Only public records, read through the one access policy as the public (an anonymous actor) sees them; no
personal data of users — no user names, no member e-mail addresses or phone numbers. A scenario's contact
appears only when its provider chose to publish it (`Scenario.publish_contact`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.policy import restrict
from marketplace.selectors import ANONYMOUS

from .lifecycle import TRANSITIONS
from .models import BenchmarkCase, DemonstrationZone, Scenario, TransitionLog
from .selectors import (
    CONTACT_FIELDS,
    PUBLIC_TRANSITIONS,
    events_with_public_counts,
    public_awards,
    public_contact,
    suppliers_by_scenario,
)
from .zones import COMPONENT_LABELS, zone_scores


@dataclass(frozen=True)
class Field:
    name: str
    description: object  # a lazy translation


@dataclass(frozen=True)
class Dataset:
    name: str
    title: object
    description: object
    fields: tuple[Field, ...]

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


F = Field
SCENARIOS = Dataset(
    "scenarios",
    pgettext_lazy("nav", "应用场景"),
    _("已发布的应用场景（含已签约、合作中、标杆、示范和已关闭的），每行一个场景。"),
    (
        F("id", _("平台内编号，与场景页面地址 /scenarios/<id>/ 一致")),
        F("key", _("外部标识，跨系统稳定")),
        F("title", _("场景名称")),
        F("provider", _("场景提供方（单位名称）")),
        F("provider_credit_code", _("场景提供方的统一社会信用代码")),
        F("region_code", _("所在市（州）行政区划代码（GB/T 2260）")),
        F("region", _("所在市（州）")),
        F("sector_code", _("行业领域代码（子领域）")),
        F("sector", _("行业领域（领域 / 子领域）")),
        F("category", _("场景类别")),
        F("cooperation_mode", _("合作方式")),
        F("budget_min", _("预算下限（万元），空为面议")),
        F("budget_max", _("预算上限（万元），空为面议")),
        F("purpose", _("场景用途")),
        F("requirements", _("技术要求")),
        F("state", _("当前状态")),
        F("published_at", _("发布日期（YYYY-MM-DD）")),
        F("release_event_id", _("发布活动编号（见 events 数据集）")),
        F("contact_name", _("联系人（仅当提供方选择公开）")),
        F("contact_phone", _("联系电话（仅当提供方选择公开）")),
        F("contact_email", _("联系邮箱（仅当提供方选择公开）")),
        F("url", _("场景页面地址")),
    ),
)
EVENTS = Dataset(
    "events",
    pgettext_lazy("nav", "发布活动"),
    _("省级应用场景发布会与产业对接活动，每行一场。"),
    (
        F("id", _("编号")),
        F("name", _("名称")),
        F("kind", _("类型")),
        F("year", _("年度")),
        F("quarter", _("季度（1–4）")),
        F("date", _("日期")),
        F("host_region_code", _("承办市（州）代码")),
        F("host_region", _("承办市（州）")),
        F("venue", _("地点")),
        F("published_scenarios", _("在本场发布的公开场景数")),
    ),
)
CASES = Dataset(
    "cases",
    pgettext_lazy("nav", "标杆案例"),
    _("认定并公开展示的标杆案例，每行一个案例。"),
    (
        F("id", _("编号，与案例页面地址 /cases/<id>/ 一致")),
        F("title", _("案例名称")),
        F("scenario_id", _("所属应用场景编号")),
        F("region", _("所在市（州）")),
        F("sector", _("行业领域")),
        F("suppliers", _("AI 产品提供方（以“、”分隔）")),
        F("background", _("背景")),
        F("solution", _("解决方案")),
        F("outcomes", _("应用成效")),
        F("outcome_figures", _("成效数据（“指标：数值单位”，以“；”分隔）")),
        F("support_amount", _("获得政策支持合计（万元）")),
        F("designated_on", _("认定日期")),
    ),
)
ZONES = Dataset(
    "zones",
    _("示范区与评分"),
    _("各市（州）× 领域的示范区评分及其构成（每项为原始值），以及已认定的示范区。"),
    (
        F("region_code", _("市（州）代码")),
        F("region", _("市（州）")),
        F("sector", _("领域")),
        F("score", _("评分（0–100），各构成项归一化后的加权平均")),
        *(F(name, label) for name, label in COMPONENT_LABELS.items()),
        F("designated_zone", _("已认定的示范区名称（未认定为空）")),
        F("designated_on", _("省级认定日期")),
    ),
)
AWARDS = Dataset(
    "awards",
    _("成交结果"),
    _(
        "公开场景的签约结果：签约日期与中选的 AI 产品提供方，每份协议一行"
        "（不含合同条款；金额仅在场景提供方选择公开时给出）。"
    ),
    (
        F("scenario_id", _("应用场景编号")),
        F("scenario", _("场景名称")),
        F("signed_on", _("签约日期")),
        F("suppliers", _("中选的 AI 产品提供方（以“、”分隔）")),
        F("amount", _("合同金额（万元，未公开时为空）")),
    ),
)
DATASETS = {d.name: d for d in (SCENARIOS, EVENTS, CASES, ZONES, AWARDS)}


def public_scenarios() -> QuerySet[Scenario]:
    return (
        restrict(Scenario, ANONYMOUS)
        .select_related("provider", "region", "sector__parent")
        .order_by("published_at", "pk")
    )


def _date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.isoformat()


def _number(value) -> str | float:
    return "" if value is None else float(value) if isinstance(value, Decimal) else value


def scenario_rows() -> Iterator[dict]:
    for s in public_scenarios().iterator(chunk_size=2000):
        contact = public_contact(s) or dict.fromkeys(CONTACT_FIELDS, "")
        yield {
            "id": s.pk,
            "key": s.key,
            "title": s.title,
            "provider": s.provider.name,
            "provider_credit_code": s.provider.credit_code,
            "region_code": s.region.code,
            "region": s.region.name,
            "sector_code": s.sector.code,
            "sector": str(s.sector),
            "category": str(s.get_category_display()),
            "cooperation_mode": str(s.get_cooperation_mode_display()),
            "budget_min": _number(s.budget_min),
            "budget_max": _number(s.budget_max),
            "purpose": s.purpose,
            "requirements": s.requirements,
            "state": str(s.get_state_display()),
            "published_at": _date(s.published_at),
            "release_event_id": s.release_event_id or "",
            **contact,
            "url": f"{settings.SITE_URL}/scenarios/{s.pk}/",
        }


def event_rows() -> Iterator[dict]:
    events = events_with_public_counts().order_by("date", "pk")
    for e in events:
        yield {
            "id": e.pk,
            "name": e.name,
            "kind": str(e.get_kind_display()),
            "year": e.year,
            "quarter": e.quarter or "",
            "date": _date(e.date),
            "host_region_code": e.host_region.code,
            "host_region": e.host_region.name,
            "venue": e.venue,
            "published_scenarios": e.n_public,
        }


def public_cases() -> QuerySet[BenchmarkCase]:
    """The public gallery, newest designation first; `designated_at` is when the link office designated the
    case (its scenario's designate_benchmark transition), not when the case was written."""
    designated = TransitionLog.objects.filter(
        scenario_id=OuterRef("scenario_id"), transition="designate_benchmark"
    ).order_by("at")
    return (
        restrict(BenchmarkCase, ANONYMOUS)
        .select_related("scenario__region", "scenario__sector__parent", "scenario__provider")
        .prefetch_related("support_grants", "pictures")
        .annotate(designated_at=Subquery(designated.values("at")[:1]))
        .order_by(models.F("designated_at").desc(nulls_last=True), "-pk")
    )


def figures_text(figures) -> str:
    return "；".join(f"{f.get('label', '')}：{f.get('value', '')}{f.get('unit', '')}" for f in figures or [])


def case_rows() -> Iterator[dict]:
    cases = list(public_cases().order_by(models.F("designated_at").asc(nulls_last=True), "pk"))
    suppliers = suppliers_by_scenario([c.scenario_id for c in cases])
    for c in cases:
        yield {
            "id": c.pk,
            "title": c.title,
            "scenario_id": c.scenario_id,
            "region": c.scenario.region.name,
            "sector": str(c.scenario.sector),
            "suppliers": "、".join(suppliers.get(c.scenario_id, [])),
            "background": c.background,
            "solution": c.solution,
            "outcomes": c.outcomes,
            "outcome_figures": figures_text(c.outcome_figures),
            "support_amount": _number(sum((g.amount or 0) for g in c.support_grants.all())),
            "designated_on": _date(timezone.localtime(c.designated_at) if c.designated_at else None),
        }


def zone_rows() -> Iterator[dict]:
    designated = {(z.region_id, z.sector_id): z for z in restrict(DemonstrationZone, ANONYMOUS)}
    for z in zone_scores():
        zone = designated.get((z.region.pk, z.sector.pk))
        yield {
            "region_code": z.region.code,
            "region": z.region.name,
            "sector": z.sector.name,
            "score": z.score,
            **{name: z.components[name]["value"] for name in COMPONENT_LABELS},
            "designated_zone": zone.name if zone else "",
            "designated_on": _date(zone.designated_on) if zone else "",
        }


def award_rows() -> Iterator[dict]:
    titles = dict(restrict(Scenario, ANONYMOUS).filter(agreements__isnull=False).values_list("pk", "title"))
    for a in public_awards():
        yield {
            "scenario_id": a.scenario_id,
            "scenario": titles.get(a.scenario_id, ""),
            "signed_on": _date(a.signed_on),
            "suppliers": "、".join(a.suppliers),
            "amount": "" if a.amount is None else str(a.amount),
        }


ROWS = {"scenarios": scenario_rows, "events": event_rows, "cases": case_rows, "zones": zone_rows, "awards": award_rows}


def dataset_count(name: str) -> int:
    """How many rows a download holds (for the page; the same reads as the rows)."""
    if name == "scenarios":
        return public_scenarios().count()
    return sum(1 for _row in ROWS[name]())


# --- OCDS: each public scenario's history as a release list --------------------------------------------------

OCID_PREFIX = "ocds-aiscn"
OCDS_FIELDS = (
    F("ocid", _("开放合同标识：前缀 ocds-aiscn 加场景外部标识，一个场景一个")),
    F("id", _("本条发布的标识：ocid、序号与阶段")),
    F("date", _("本条发布对应事件的时间（ISO 8601）")),
    F(
        "tag",
        _(
            "阶段：planning（列入发布计划）、tender（发布征集）、award（确定中选方）、contract（签约）、implementation（开展合作、认定标杆或示范）、tenderCancellation（关闭）"
        ),
    ),
    F("initiationType", _("固定为 tender")),
    F("language", _("固定为 zh")),
    F("buyer", _("场景提供方：name 单位名称，id 统一社会信用代码")),
    F("planning.budget", _("预算：amount 上限（万元换算为元），currency CNY，description 预算区间原文")),
    F(
        "tender",
        _(
            "征集：id、title 场景名称、description 场景用途、status（active 征集中 / complete 已成交 / cancelled 已关闭）、items[].classification 行业领域、tenderPeriod.startDate 发布日期、deliveryAddresses 所在市（州）"  # noqa: E501
        ),
    ),
    F("awards", _("中选：id、date 签约日期、status active、suppliers[] 中选方名称")),
    F(
        "contracts",
        _(
            "合同：id、awardID、status active、dateSigned 签约日期；implementation 阶段另有 implementation.milestones[]（开展合作、认定标杆案例、纳入示范区的日期）"  # noqa: E501
        ),
    ),
    F("parties", _("当事方：提供方（buyer）与中选方（supplier），name 与 roles")),
)


def _money_yuan(wan) -> float | None:
    return None if wan is None else float(wan) * 10000


def scenario_releases(scenario: Scenario) -> list[dict]:
    """The OCDS releases of one public scenario, oldest first (planning → tender → award → contract →
    implementation). Empty for a scenario that is not public."""
    if not restrict(Scenario, ANONYMOUS).filter(pk=scenario.pk).exists():
        return []
    logs = TransitionLog.objects.filter(scenario=scenario, transition__in=PUBLIC_TRANSITIONS).order_by("at", "id")
    return _releases(scenario, public_awards([scenario.pk]), list(logs))


def all_releases(chunk: int = 500) -> Iterator[dict]:
    """Every public scenario's releases, a chunk of scenarios at a time (three queries per chunk)."""
    scenarios = public_scenarios().select_related("release_event")
    ids = list(scenarios.values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        awards: dict[int, list] = {}
        for award in public_awards(part):
            awards.setdefault(award.scenario_id, []).append(award)
        logs: dict[int, list] = {}
        for log in TransitionLog.objects.filter(scenario_id__in=part, transition__in=PUBLIC_TRANSITIONS).order_by(
            "at", "id"
        ):
            logs.setdefault(log.scenario_id, []).append(log)
        for scenario in scenarios.filter(pk__in=part):
            yield from _releases(scenario, awards.get(scenario.pk, []), logs.get(scenario.pk, []))


def _releases(scenario: Scenario, awards: list, logs: list) -> list[dict]:
    ocid = f"{OCID_PREFIX}-{scenario.key}"
    buyer = {"id": scenario.provider.credit_code, "name": scenario.provider.name}
    suppliers = list(dict.fromkeys(name for a in awards for name in a.suppliers))
    parties = [{"id": buyer["id"], "name": buyer["name"], "roles": ["buyer"]}] + [
        {"id": f"supplier-{i + 1}", "name": name, "roles": ["supplier"]} for i, name in enumerate(suppliers)
    ]
    budget_text = ""
    if scenario.budget_min is not None or scenario.budget_max is not None:
        budget_text = f"{_number(scenario.budget_min)}–{_number(scenario.budget_max)} 万元"
    tender_status = {
        "published": "active",
        "closed": "cancelled",
    }.get(scenario.state, "complete")
    tender = {
        "id": scenario.key,
        "title": scenario.title,
        "description": scenario.purpose,
        "status": tender_status,
        "items": [
            {
                "id": "1",
                "description": scenario.requirements or scenario.title,
                "classification": {
                    "scheme": "x-sector",
                    "id": scenario.sector.code,
                    "description": str(scenario.sector),
                },
            }
        ],
        "tenderPeriod": {"startDate": _date(scenario.published_at)},
        "deliveryAddresses": [{"region": scenario.region.name, "postalCode": scenario.region.code}],
    }
    planning = {
        "budget": {
            "amount": {"amount": _money_yuan(scenario.budget_max), "currency": "CNY"},
            "description": budget_text,
        }
    }
    releases: list[dict] = []

    def release(tag: str, date, **sections):
        n = len(releases) + 1
        releases.append(
            {
                "ocid": ocid,
                "id": f"{ocid}-{n:02d}-{tag}",
                "date": date.isoformat() if hasattr(date, "isoformat") else str(date),
                "tag": [tag],
                "initiationType": "tender",
                "language": "zh",
                "buyer": buyer,
                "parties": parties,
                **sections,
            }
        )

    event_date = scenario.release_event.date if scenario.release_event_id else scenario.published_at
    release("planning", min(event_date, scenario.published_at), planning=planning)
    release("tender", scenario.published_at, planning=planning, tender=tender)
    award_list = [
        {
            "id": f"{scenario.key}-award-{i + 1}",
            "date": _date(a.signed_on),
            "status": "active",
            "suppliers": [{"name": name} for name in a.suppliers],
            **({"value": {"amount": float(a.amount) * 10_000, "currency": "CNY"}} if a.amount is not None else {}),
        }
        for i, a in enumerate(awards)
    ]
    contracts = [
        {"id": f"{scenario.key}-contract-{i + 1}", "awardID": aw["id"], "status": "active", "dateSigned": aw["date"]}
        for i, aw in enumerate(award_list)
    ]
    if award_list:
        release("award", awards[0].signed_on, tender=tender, awards=award_list)
        release("contract", awards[0].signed_on, tender=tender, awards=award_list, contracts=contracts)
    milestones = [
        {"id": log.transition, "title": str(TRANSITIONS[log.transition].label), "dateMet": log.at.isoformat()}
        for log in logs
        if log.transition in ("start_cooperation", "designate_benchmark", "include_in_zone")
    ]
    if milestones and contracts:
        implemented = [{**c, "implementation": {"milestones": milestones}} for c in contracts]
        release("implementation", logs[-1].at, tender=tender, awards=award_list, contracts=implemented)
    closed = next((log for log in logs if log.transition == "close"), None)
    if closed is not None:
        release("tenderCancellation", closed.at, tender={**tender, "status": "cancelled"})
    return releases


def release_package(releases: list[dict]) -> dict:
    return {
        "uri": f"{settings.SITE_URL}/open-data/ocds/releases.json",
        "publishedDate": datetime.datetime.now(datetime.UTC).isoformat(),
        "publisher": {"name": str(_("人工智能应用场景开放平台"))},
        "license": LICENCE_URL,
        "version": "1.1",
        "releases": releases,
    }


LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
