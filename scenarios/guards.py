"""The guards of the lifecycle table: each says why a transition cannot happen yet, or None when it can."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import ZoneStatus
from .models import BenchmarkCase, DemonstrationZone, Scenario

REQUIRED_FOR_SUBMIT = {
    "title": gettext_lazy("场景名称"),
    "purpose": gettext_lazy("场景用途"),
    "requirements": gettext_lazy("技术要求"),
    "contact_name": gettext_lazy("联系人"),
}


def required_fields(scenario: Scenario, params: dict[str, Any]) -> str | None:
    missing = [str(label) for field, label in REQUIRED_FOR_SUBMIT.items() if not str(getattr(scenario, field)).strip()]
    if not (scenario.contact_phone or scenario.contact_email):
        missing.append(_("联系电话或联系邮箱"))
    if missing:
        return _("提交前请补全：{fields}。").format(fields="、".join(missing))
    return None


def release_event(scenario: Scenario, params: dict[str, Any]) -> str | None:
    if params.get("event") is None and scenario.release_event_id is None:
        return _("发布须指定发布会或产业对接活动。")
    return None


def agreement(scenario: Scenario, params: dict[str, Any]) -> str | None:
    if not scenario.agreements.filter(suppliers__isnull=False).exists():
        return _("签约前须登记与至少一家产品提供方的合作协议。")
    return None


def cooperation_report(scenario: Scenario, params: dict[str, Any]) -> str | None:
    if not scenario.progress_reports.filter(cooperation_started=True).exists():
        return _("须有一份表明已实际开展合作的跟踪记录。")
    return None


def benchmark_case(scenario: Scenario, params: dict[str, Any]) -> str | None:
    if not BenchmarkCase.objects.filter(scenario=scenario).exists():
        return _("认定标杆案例前须先撰写标杆案例材料。")
    return None


def covering_zone(scenario: Scenario) -> DemonstrationZone | None:
    sector_ids = [scenario.sector_id] + ([scenario.sector.parent_id] if scenario.sector.parent_id else [])
    return (
        DemonstrationZone.objects.filter(region_id=scenario.region_id, sector_id__in=sector_ids)
        .filter(~Q(status=ZoneStatus.CANDIDATE))
        .first()
    )


def demonstration_zone(scenario: Scenario, params: dict[str, Any]) -> str | None:
    if covering_zone(scenario) is None:
        return _("该场景所在市（州）和行业领域尚无已认定的示范区。")
    return None


GUARDS = {
    "required_fields": required_fields,
    "release_event": release_event,
    "agreement": agreement,
    "cooperation_report": cooperation_report,
    "benchmark_case": benchmark_case,
    "demonstration_zone": demonstration_zone,
}
