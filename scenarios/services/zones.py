"""Demonstration zones: nominated from the ranking with their score, designated provincially (records.py),
applied for and designated nationally, and the zone's benchmark scenarios moved to `demonstration`."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.errors import DomainError, NotFound, PermissionDenied
from marketplace.models import Region, Sector
from marketplace.selectors import actor_for

from ..choices import ScenarioState, ZoneStatus
from ..models import DemonstrationZone, Scenario
from ..zones import cell_q, zone_scores
from .lifecycle import scenario_include_in_zone


def _office(actor_user, message: str) -> None:
    if not actor_for(actor_user).is_link_office:
        raise PermissionDenied("not_allowed", message)


def zone_nominate(*, region_code: str, sector_code: str, actor_user, name: str = "") -> DemonstrationZone:
    """A region × top-level sector becomes a candidate zone, with its score and components as they stand."""
    _office(actor_user, _("只有链长办可以提名示范区。"))
    region = Region.objects.filter(code=region_code).first()
    sector = Sector.objects.filter(code=sector_code, parent__isnull=True).first()
    problems = {}
    if region is None:
        problems["region"] = [_("地区不存在。")]
    if sector is None:
        problems["sector"] = [_("请选择一个一级行业领域。")]
    if problems:
        raise DomainError("invalid", _("请检查标注的字段。"), fields=problems)
    scored = next((z for z in zone_scores() if z.region.pk == region.pk and z.sector.pk == sector.pk), None)
    with transaction.atomic():
        if DemonstrationZone.objects.filter(region=region, sector=sector).exists():
            raise DomainError("already_done", _("该地区和领域已有示范区。"), status=409)
        zone = DemonstrationZone.objects.create(
            name=name or _("{region}{sector}人工智能场景应用示范区").format(region=region.name, sector=sector.name),
            region=region,
            sector=sector,
            score=Decimal(str(scored.score)) if scored else Decimal("0"),
            score_components=scored.components if scored else {},
        )
        audit_record(action="scenarios.zone.nominated", actor_user=actor_user, obj=zone, payload={"score": zone.score})
        return zone


def _locked_zone(zone_id: int) -> DemonstrationZone:
    zone = DemonstrationZone.objects.select_for_update().select_related("region", "sector").filter(pk=zone_id).first()
    if zone is None:
        raise NotFound("not_found", _("示范区不存在。"))
    return zone


def _zone_step(
    zone_id: int,
    *,
    actor_user,
    source: str,
    target: str,
    date_field: str,
    on: datetime.date | None,
    done: str,
    early: str,
) -> DemonstrationZone:
    """Move a zone one step along provincial → national applied → national designated, dating the step."""
    with transaction.atomic():
        zone = _locked_zone(zone_id)
        if zone.status == target:
            raise DomainError("already_done", done, status=409)
        if zone.status != source:
            raise DomainError("invalid_state", early, status=409)
        zone.status = target
        setattr(zone, date_field, on or timezone.localdate())
        zone.save(update_fields=["status", date_field])
        audit_record(
            action=f"scenarios.zone.{target}",
            actor_user=actor_user,
            obj=zone,
            changes={"status": [source, target], date_field: [None, getattr(zone, date_field)]},
        )
    return zone


def zone_apply_national(*, zone_id: int, actor_user, on: datetime.date | None = None) -> DemonstrationZone:
    _office(actor_user, _("只有链长办可以申报国家级示范区。"))
    return _zone_step(
        zone_id,
        actor_user=actor_user,
        source=ZoneStatus.DESIGNATED,
        target=ZoneStatus.NATIONAL_APPLIED,
        date_field="national_applied_on",
        on=on,
        done=_("该示范区已申报国家级。"),
        early=_("只有已认定的省级示范区可以申报国家级。"),
    )


def zone_designate_national(*, zone_id: int, actor_user, on: datetime.date | None = None) -> DemonstrationZone:
    _office(actor_user, _("只有链长办可以登记国家级认定。"))
    return _zone_step(
        zone_id,
        actor_user=actor_user,
        source=ZoneStatus.NATIONAL_APPLIED,
        target=ZoneStatus.NATIONAL_DESIGNATED,
        date_field="national_designated_on",
        on=on,
        done=_("该示范区已获国家级认定。"),
        early=_("须先申报国家级，才能登记认定。"),
    )


def zone_include_scenarios(*, zone_id: int, actor_user) -> list[Scenario]:
    """Move every benchmark scenario of the zone's region and sector to `demonstration`, through the
    lifecycle; all or none, every refusal named."""
    _office(actor_user, _("只有链长办可以将场景纳入示范区。"))
    with transaction.atomic():
        zone = _locked_zone(zone_id)
        if not zone.is_designated:
            raise DomainError("invalid_state", _("示范区尚未认定。"), status=409)
        ids = list(
            Scenario.objects.filter(cell_q(zone.region_id, zone.sector), state=ScenarioState.BENCHMARK)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        refusals = []
        moved = []
        for scenario_id in ids:
            try:
                with transaction.atomic():
                    moved.append(scenario_include_in_zone(scenario_id=scenario_id, actor_user=actor_user))
            except DomainError as exc:
                refusals.append(f"{scenario_id}: {exc.message}")
        if refusals:
            raise DomainError(
                "blocked", _("有场景未能纳入示范区，均未变更。"), fields={"scenarios": refusals}, status=409
            )
    return moved
