"""Release events (应用场景发布会) planned for the year with the host city rotating, and each event's list of
scenarios assembled from approved ones and made final before the event."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.errors import DomainError, NotFound, PermissionDenied
from marketplace.models import Region
from marketplace.selectors import actor_for

from ..choices import EventKind, ScenarioState
from ..models import ReleaseEvent, Scenario
from .records import annual_plan_for_year

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def host_suggestions(year: int) -> list[Region]:
    """Regions in the order they should host next: those that never hosted a provincial event first, then
    those that hosted longest ago; a region already hosting this year comes last."""
    last = Max("hosted_events__date", filter=Q(hosted_events__kind=EventKind.PROVINCIAL, hosted_events__year__lt=year))
    this_year = Max("hosted_events__date", filter=Q(hosted_events__kind=EventKind.PROVINCIAL, hosted_events__year=year))
    regions = Region.objects.annotate(last_hosted=last, hosting_now=this_year)
    return sorted(
        regions,
        key=lambda r: (
            r.hosting_now is not None,
            r.last_hosted is not None,
            r.last_hosted or datetime.date.min,
            r.sort_order,
        ),
    )


def release_event_plan_year(*, year: int, actor_user) -> list[ReleaseEvent]:
    """The year's four quarterly provincial events (those not planned yet), hosted in turn by the regions
    that hosted least recently, each in the middle of its quarter's last month (dates are changed later)."""
    if not actor_for(actor_user).is_link_office:
        raise PermissionDenied("not_allowed", _("只有链长办可以安排发布活动。"))
    with transaction.atomic():
        annual_plan_for_year(year)
        planned = set(
            ReleaseEvent.objects.select_for_update()
            .filter(year=year, kind=EventKind.PROVINCIAL)
            .values_list("quarter", flat=True)
        )
        hosts = iter(host_suggestions(year))
        created = []
        for quarter in range(1, 5):
            if quarter in planned:
                continue
            created.append(
                ReleaseEvent.objects.create(
                    name=_("{year}年{quarter}人工智能应用场景发布会").format(year=year, quarter=QUARTER_NAMES[quarter]),
                    kind=EventKind.PROVINCIAL,
                    year=year,
                    quarter=quarter,
                    host_region=next(hosts),
                    date=datetime.date(year, quarter * 3, 15),
                )
            )
            audit_record(action="scenarios.release_event.planned", actor_user=actor_user, obj=created[-1])
    return created


def release_event_set_list(
    *, event_id: int, actor_user, scenario_ids: list[int], final: bool = False
) -> list[Scenario]:
    """The event's scenario list: the approved scenarios given (others approved onto it leave the list).
    `final` closes the list (the follow-up rule stops reminding). All or nothing, with every refusal named."""
    if not actor_for(actor_user).is_link_office:
        raise PermissionDenied("not_allowed", _("只有链长办可以确定发布会场景清单。"))
    with transaction.atomic():
        event = ReleaseEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            raise NotFound("not_found", _("发布活动不存在。"))
        wanted = list(Scenario.objects.select_for_update().filter(pk__in=scenario_ids).order_by("pk"))
        before = sorted(Scenario.objects.filter(release_event=event).values_list("pk", flat=True))
        missing = set(scenario_ids) - {s.pk for s in wanted}
        refused = [
            _("场景“{title}”尚未审核通过，不能列入清单。").format(title=s.title)
            for s in wanted
            if s.state != ScenarioState.APPROVED
            and not (s.state == ScenarioState.PUBLISHED and s.release_event_id == event.pk)
        ]
        refused += [_("场景 {id} 不存在。").format(id=pk) for pk in sorted(missing)]
        if refused:
            raise DomainError("invalid", _("场景清单中有不能列入的场景。"), fields={"scenarios": refused})
        Scenario.objects.filter(release_event=event, state=ScenarioState.APPROVED).exclude(pk__in=scenario_ids).update(
            release_event=None
        )
        Scenario.objects.filter(pk__in=scenario_ids, state=ScenarioState.APPROVED).update(release_event=event)
        old_final = event.list_final
        event.list_final = final
        event.save(update_fields=["list_final"])
        after = sorted(Scenario.objects.filter(release_event=event).values_list("pk", flat=True))
        audit_record(
            action="scenarios.release_event.list_set",
            actor_user=actor_user,
            obj=event,
            changes={"scenarios": [before, after], "list_final": [old_final, final]},
            region_id=event.host_region_id,
        )
    return list(
        Scenario.objects.filter(release_event=event).order_by("sector__parent__sort_order", "sector__sort_order", "pk")
    )
