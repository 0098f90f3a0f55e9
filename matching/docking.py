"""The docking meetings (对接会) of a release event: candidates from the event's scenarios, the proposals already
received (requested meetings) and the matcher's recommendations; the optimiser's schedule stored in one
transaction; the parties told of their agenda, and those left without a meeting reminded."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.errors import DomainError, NotFound, PermissionDenied
from marketplace.selectors import actor_for
from outbox.services import enqueue
from scenarios.choices import ProposalStatus, ScenarioState
from scenarios.models import DockingMeeting, Proposal, ReleaseEvent, Scenario
from scenarios.scheduling import Candidate, Limits, schedule_greedy, schedule_optimal, total_value, violations

EVENT_STATES = [ScenarioState.APPROVED, ScenarioState.PUBLISHED]


@dataclass(frozen=True)
class ScheduleReport:
    meetings: int
    requested_met: int
    requested_total: int
    total_score: float
    greedy_total_score: float
    providers_without_meeting: int
    suppliers_without_meeting: int


def docking_candidates(event: ReleaseEvent, *, per_scenario: int | None = None) -> list[Candidate]:
    """Pairs worth a meeting: every proposal on the event's scenarios (requested), and the suppliers the
    matcher ranks highest for each of them (ranked now, so that approved scenarios not yet published count)."""
    from .engine import rank
    from .market import scenario_docs
    from .services import current_index

    per_scenario = per_scenario or settings.DOCKING["CANDIDATES_PER_SCENARIO"]
    scenarios = Scenario.objects.filter(release_event=event, state__in=EVENT_STATES)
    provider_of = dict(scenarios.values_list("pk", "provider_id"))
    if not provider_of:
        return []
    index = current_index()
    best: dict[tuple[int, int], float] = {}
    for ranked in rank(index, scenario_docs(scenarios), top_k=per_scenario * 3):
        for position, score in zip(ranked.positions, ranked.scores, strict=True):
            key = (ranked.scenario_id, int(index.supplier_ids[position]))
            best[key] = max(best.get(key, 0.0), score)
    by_scenario: dict[int, list[tuple[float, int]]] = {}
    for (scenario_id, supplier_id), score in best.items():
        by_scenario.setdefault(scenario_id, []).append((score, supplier_id))
    candidates = [
        Candidate(provider_of[sid], supplier, sid, round(score, 4))
        for sid, ranked in by_scenario.items()
        for score, supplier in sorted(ranked, reverse=True)[:per_scenario]
    ]
    proposals = Proposal.objects.filter(
        scenario__in=scenarios, status__in=[ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED]
    ).values_list("scenario_id", "supplier_id")
    candidates += [
        Candidate(provider_of[sid], supplier, sid, round(best.get((sid, supplier), 0.0), 4), requested=True)
        for sid, supplier in proposals
    ]
    return candidates


def docking_schedule(
    *,
    event_id: int,
    actor_user,
    starts_at: datetime.datetime,
    slot_minutes: int,
    slots: int,
    tables: int,
    per_supplier: int,
    per_provider: int,
) -> ScheduleReport:
    """Schedule (or schedule again) the event's meetings; the link office runs it."""
    if not actor_for(actor_user).is_link_office:
        raise PermissionDenied("not_allowed", _("只有链长办可以安排对接会。"))
    limits = Limits(
        slots=slots,
        tables=tables,
        per_supplier=per_supplier,
        per_provider=per_provider,
        requested_weight=settings.DOCKING["REQUESTED_WEIGHT"],
    )
    event = ReleaseEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise NotFound("not_found", _("发布活动不存在。"))
    candidates = docking_candidates(event)
    if not candidates:
        raise DomainError("nothing_to_schedule", _("该活动没有可安排对接的场景。"), status=409)
    meetings = schedule_optimal(candidates, limits)
    problems = violations(meetings, limits)
    if problems:  # pragma: no cover - the optimiser's own guarantee, checked before anything is stored
        raise DomainError("schedule_invalid", "; ".join(problems[:5]), status=500)
    slot = datetime.timedelta(minutes=slot_minutes)
    with transaction.atomic():
        ReleaseEvent.objects.select_for_update().filter(pk=event.pk).first()
        previous = DockingMeeting.objects.filter(event=event).count()
        DockingMeeting.objects.filter(event=event).delete()
        DockingMeeting.objects.bulk_create(
            DockingMeeting(
                event=event,
                scenario_id=m.scenario,
                provider_id=m.provider,
                supplier_id=m.supplier,
                starts_at=starts_at + m.slot * slot,
                table=m.table,
                requested=m.requested,
                score=m.score,
            )
            for m in meetings
        )
        met_providers, met_suppliers = {m.provider for m in meetings}, {m.supplier for m in meetings}
        left_out = ({c.provider for c in candidates} - met_providers) | (
            {c.supplier for c in candidates} - met_suppliers
        )
        audit_record(
            action="scenarios.release_event.meetings_scheduled",
            actor_user=actor_user,
            obj=event,
            changes={"meetings": [previous, len(meetings)]},
            region_id=event.host_region_id,
        )

        enqueue("matching.tasks.docking_scheduled", event.pk, sorted(left_out))
    return ScheduleReport(
        meetings=len(meetings),
        requested_met=sum(m.requested for m in meetings),
        requested_total=len({(c.provider, c.supplier) for c in candidates if c.requested}),
        total_score=total_value(meetings, limits),
        greedy_total_score=total_value(schedule_greedy(candidates, limits), limits),
        providers_without_meeting=len({c.provider for c in candidates} - met_providers),
        suppliers_without_meeting=len({c.supplier for c in candidates} - met_suppliers),
    )


def docking_notify(*, event_id: int, left_out: list[int]) -> int:
    """Tell every organisation with meetings at the event how many and when (its agenda is in the platform),
    and those the schedule left out (`left_out`: organisations offered a meeting but given none) that they were
    not forgotten. Idempotent per schedule."""
    from marketplace.choices import NotificationKind
    from marketplace.selectors import members_of
    from marketplace.services import notification_send

    event = ReleaseEvent.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    meetings = DockingMeeting.objects.filter(event=event)
    version = meetings.order_by("-id").values_list("id", flat=True).first() or 0
    count: dict[int, int] = {}
    for provider, supplier in meetings.values_list("provider_id", "supplier_id"):
        count[provider] = count.get(provider, 0) + 1
        count[supplier] = count.get(supplier, 0) + 1
    sent = 0
    with transaction.atomic():
        for org_id, n in count.items():
            sent += notification_send(
                recipients=[m.user for m in members_of([org_id])],
                kind=NotificationKind.SYSTEM,
                title=lambda n=n: _("您在“{event}”对接会上有 {n} 场洽谈").format(event=event.name, n=n),
                link=f"/events/{event.pk}/",
                dedupe_key=f"docking:{event.pk}:{version}",
            )
        for org_id in set(left_out) - set(count):
            sent += notification_send(
                recipients=[m.user for m in members_of([org_id])],
                kind=NotificationKind.SYSTEM,
                title=lambda: _("“{event}”对接会未能为您安排洽谈").format(event=event.name),
                body=lambda: _("洽谈名额有限。可在平台上查看推荐并直接联系对方，或在现场咨询链长办。"),
                link=f"/events/{event.pk}/",
                dedupe_key=f"docking:{event.pk}:{version}:none",
            )
    return sent
