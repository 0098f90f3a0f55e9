"""Reads of scenarios and their records, always through what the actor may see (DOMAIN.md §7)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from common.policy import restrict
from marketplace.selectors import ANONYMOUS, Actor

from .choices import (
    PUBLIC_STATES,
    EventKind,
    FollowupStatus,
    ProposalStatus,
    ReminderStatus,
    ScenarioCategory,
    ScenarioState,
    TargetMetric,
)
from .followup import day_start
from .lifecycle import TRANSITIONS
from .models import (
    Agreement,
    AnnualPlan,
    BenchmarkCase,
    ClarificationQuestion,
    CooperationCheckIn,
    DemonstrationZone,
    DockingMeeting,
    ProgressReport,
    Proposal,
    ReleaseEvent,
    Reminder,
    Scenario,
    TransitionLog,
)
from .policies import is_insider, meeting_requested, meeting_scenario_title

MANUFACTURING = "manufacturing"  # the top-level sector whose scenarios seed 000 counts


def scenario_list_for(actor: Actor) -> QuerySet[Scenario]:
    """What the actor may see, with what a list shows of each scenario.

    Four joins at most: PostgreSQL's planning time grows steeply with each one (six joins planned in
    ~10 ms against ~1.5 ms for four, at 100,000 scenarios), so the plan's year comes by prefetch."""
    return (
        restrict(Scenario, actor)
        .select_related("provider", "region", "sector", "release_event")
        .prefetch_related("plan")
    )


def proposal_list_for(actor: Actor) -> QuerySet[Proposal]:
    return restrict(Proposal, actor).select_related("scenario", "supplier", "scenario__region")


def agreement_list_for(actor: Actor) -> QuerySet[Agreement]:
    return restrict(Agreement, actor).select_related("scenario").prefetch_related("suppliers", "products")


def progress_report_list_for(actor: Actor) -> QuerySet[ProgressReport]:
    return restrict(ProgressReport, actor).select_related("scenario", "author")


def benchmark_case_list_for(actor: Actor) -> QuerySet[BenchmarkCase]:
    return (
        restrict(BenchmarkCase, actor).select_related("scenario", "scenario__region").prefetch_related("support_grants")
    )


def transition_log_for(actor: Actor, scenario: Scenario) -> QuerySet[TransitionLog]:
    return restrict(TransitionLog, actor).filter(scenario=scenario).select_related("actor").order_by("at", "id")


# --- The annual plan's pace ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetProgress:
    """Where the province stands on one target: `actual` today, `expected` by today to finish on time (the
    target spread evenly over the year's days, rounded down), `behind` when actual is short of it."""

    metric: str
    label: str
    value: int
    actual: int
    expected: int

    @property
    def behind(self) -> bool:
        return self.actual < self.expected


def pace_expected(value: int, year: int, as_of: datetime.date) -> int:
    """How much of a yearly target should be done by the end of `as_of` (0 before the year, all after it)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if as_of < first:
        return 0
    if as_of >= last:
        return value
    elapsed = (as_of - first).days + 1
    return value * elapsed // ((last - first).days + 1)


def _metric_records(year: int, as_of: datetime.date) -> dict[str, tuple[QuerySet, str, str | None]]:
    """For each target metric, the records that count from 1 January to `as_of`, with the paths to their
    region and sector (for the breakdowns)."""
    first = datetime.date(year, 1, 1)
    last = min(as_of, datetime.date(year, 12, 31))
    published = Scenario.objects.filter(published_at__range=(first, last))
    designated = TransitionLog.objects.filter(transition="designate_benchmark", at__date__range=(first, last))
    return {
        TargetMetric.RELEASE_EVENTS: (
            ReleaseEvent.objects.filter(
                kind=EventKind.PROVINCIAL, year=year, date__range=(first, last), scenarios__published_at__isnull=False
            ),
            "host_region",
            None,
        ),
        TargetMetric.PUBLISHED_SCENARIOS: (published, "region", "sector"),
        TargetMetric.GOVERNMENT_SCENARIOS: (published.filter(category=ScenarioCategory.GOVERNMENT), "region", "sector"),
        TargetMetric.MANUFACTURING_SCENARIOS: (
            published.filter(Q(sector__code=MANUFACTURING) | Q(sector__parent__code=MANUFACTURING)),
            "region",
            "sector",
        ),
        TargetMetric.BENCHMARK_CASES: (
            Scenario.objects.filter(pk__in=designated.values("scenario")),
            "region",
            "sector",
        ),
        TargetMetric.DEMONSTRATION_ZONES: (
            DemonstrationZone.objects.filter(designated_on__range=(first, last)),
            "region",
            "sector",
        ),
    }


def target_actuals(year: int, as_of: datetime.date) -> dict[str, int]:
    """What the platform's records count for each target metric from 1 January to `as_of`."""
    return {
        metric: qs.values("pk").distinct().count()
        for metric, (qs, _region, _sector) in _metric_records(year, as_of).items()
    }


def target_breakdown(year: int, as_of: datetime.date, metric: str) -> dict[str, list[dict]]:
    """One metric's count by region and by top-level sector (the sub-areas folded into their sector)."""
    qs, region, sector = _metric_records(year, as_of)[metric]

    def counts(code, name) -> list[dict]:
        # Annotated under other names: events and zones have a `name` of their own.
        rows = qs.values(group_code=code, group_name=name).annotate(n=Count("pk", distinct=True))
        return [
            {"code": r["group_code"], "name": r["group_name"], "count": r["n"]}
            for r in rows.order_by("-n", "group_code")
        ]

    out = {"by_region": counts(F(f"{region}__code"), F(f"{region}__name")), "by_sector": []}
    if sector:
        out["by_sector"] = counts(
            Coalesce(F(f"{sector}__parent__code"), F(f"{sector}__code")),
            Coalesce(F(f"{sector}__parent__name"), F(f"{sector}__name")),
        )
    return out


def plan_progress(year: int, as_of: datetime.date) -> list[TargetProgress]:
    plan = AnnualPlan.objects.filter(year=year).first()
    if plan is None:
        return []
    actual = target_actuals(year, as_of)
    return [
        TargetProgress(
            metric=t.metric,
            label=TargetMetric(t.metric).label,
            value=t.value,
            actual=actual.get(t.metric, 0),
            expected=pace_expected(t.value, year, as_of),
        )
        for t in plan.targets.order_by("metric")
    ]


# --- Follow-up: the city's board, a scenario's timeline, who sees which reminder ------------------------------


def reminder_list_for(actor: Actor) -> QuerySet[Reminder]:
    return restrict(Reminder, actor).select_related("region", "content_type")


BOARD_STATES = {
    ScenarioState.SUBMITTED: FollowupStatus.AWAITING_REVIEW,
    ScenarioState.APPROVED: FollowupStatus.AWAITING_EVENT,
    ScenarioState.SIGNED: FollowupStatus.SIGNED_NOT_STARTED,
    ScenarioState.IN_COOPERATION: FollowupStatus.COOPERATING,
    ScenarioState.BENCHMARK: FollowupStatus.BENCHMARK,
    ScenarioState.DEMONSTRATION: FollowupStatus.BENCHMARK,
}


def followup_board_scenarios(*, region_id: int | None) -> QuerySet[Scenario]:
    """Every followed scenario (of a region, or the province), annotated with its follow-up status, the time
    of its last action (a transition, a proposal, an agreement, a progress report or a check-in) and its
    open reminders — in set-based subqueries, whatever the number of scenarios."""
    scenario_ct = ContentType.objects.get_for_model(Scenario)
    has_proposals = Exists(
        Proposal.objects.filter(scenario=OuterRef("pk"), status__in=[ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED])
    )

    def latest(model, field):
        return Subquery(model.objects.filter(scenario=OuterRef("pk")).order_by(f"-{field}").values(field)[:1])

    open_reminders = (
        Reminder.objects.filter(
            content_type=scenario_ct,
            object_id=OuterRef("pk"),
            status__in=[ReminderStatus.OPEN, ReminderStatus.ESCALATED],
        )
        .values("object_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    status = Case(
        *(When(state=state, then=Value(group.value)) for state, group in BOARD_STATES.items()),
        When(Q(state=ScenarioState.PUBLISHED) & has_proposals, then=Value(FollowupStatus.PROPOSALS_UNSIGNED.value)),
        When(state=ScenarioState.PUBLISHED, then=Value(FollowupStatus.NO_PROPOSALS.value)),
        output_field=CharField(),
    )
    changed = F("state_changed_at")
    scenarios = Scenario.objects.filter(state__in=[*BOARD_STATES, ScenarioState.PUBLISHED])
    if region_id is not None:
        scenarios = scenarios.filter(region_id=region_id)
    return scenarios.annotate(
        followup_status=status,
        last_action_at=Greatest(
            changed,
            Coalesce(latest(Proposal, "submitted_at"), changed),
            Coalesce(latest(Agreement, "created_at"), changed),
            Coalesce(latest(ProgressReport, "created_at"), changed),
            Coalesce(latest(CooperationCheckIn, "answered_at"), changed),
        ),
        open_reminders=Coalesce(Subquery(open_reminders), 0),
    ).select_related("provider")


@dataclass
class BoardGroup:
    status: str
    label: str
    count: int
    scenarios: list[Scenario]


def followup_board(*, region_id: int | None, as_of: datetime.date, limit: int = 20) -> list[BoardGroup]:
    """The board's groups in follow-up order, each with its count and its most stalled scenarios first."""
    scenarios = followup_board_scenarios(region_id=region_id)
    counts = dict(scenarios.order_by().values_list("followup_status").annotate(n=Count("pk")))
    groups = []
    for status in FollowupStatus:
        items = list(scenarios.filter(followup_status=status.value).order_by("last_action_at", "id")[:limit])
        for s in items:
            s.days_since_last_action = max(0, (as_of - timezone.localdate(s.last_action_at)).days)
        groups.append(BoardGroup(status.value, str(status.label), counts.get(status.value, 0), items))
    return groups


@dataclass
class TimelineEntry:
    at: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    actor: str = ""


def scenario_timeline(actor: Actor, scenario: Scenario) -> list[TimelineEntry]:
    """Everything that happened to a scenario, in order: transitions, proposals (as far as the actor may see
    them), agreements, progress reports, check-ins and reminders."""
    entries = [
        TimelineEntry(
            log.at,
            "transition",
            str(TRANSITIONS[log.transition].label) if log.transition in TRANSITIONS else log.transition,
            log.reason,
            log.actor.username if log.actor else "",
        )
        for log in transition_log_for(actor, scenario)
    ]
    for p in proposal_list_for(actor).filter(scenario=scenario):
        entries.append(TimelineEntry(p.submitted_at, "proposal", f"{p.get_kind_display()}：{p.supplier.name}"))
        if p.decided_at:
            entries.append(TimelineEntry(p.decided_at, "proposal_decided", p.get_status_display(), p.decision_reason))
    for a in agreement_list_for(actor).filter(scenario=scenario):
        names = "、".join(s.name for s in a.suppliers.all())
        entries.append(TimelineEntry(day_start(a.signed_on), "agreement", names, a.summary))
    for r in progress_report_list_for(actor).filter(scenario=scenario):
        title = f"{r.milestone or r.summary[:40]}（{r.progress_percent}%）"
        entries.append(TimelineEntry(day_start(r.reported_on), "progress_report", title, r.summary))
    for c in restrict(CooperationCheckIn, actor).filter(scenario=scenario).select_related("organization"):
        verdict = _("合作正常运行") if c.running else _("合作未正常开展")
        entries.append(TimelineEntry(c.answered_at, "check_in", f"{c.organization.name}：{verdict}", c.comment))
    reminders = reminder_list_for(actor).filter(
        content_type=ContentType.objects.get_for_model(Scenario), object_id=scenario.pk
    )
    for m in reminders:
        entries.append(TimelineEntry(day_start(m.raised_on), "reminder", m.get_rule_display(), m.message))
        if m.escalated_on:
            entries.append(TimelineEntry(day_start(m.escalated_on), "reminder_escalated", m.get_rule_display()))
        if m.resolved_on:
            entries.append(TimelineEntry(day_start(m.resolved_on), "reminder_resolved", m.get_rule_display()))
    return sorted(entries, key=lambda e: e.at)


# --- Release events: the booklet, the docking agenda ------------------------------------------------------


def event_scenarios_for(actor: Actor, event: ReleaseEvent) -> list[Scenario]:
    """The event's scenarios the actor may see (the public: those published; the link office: the whole list
    being assembled), grouped by top-level sector in the taxonomy's order."""
    scenarios = (
        scenario_list_for(actor)
        .filter(release_event=event)
        .exclude(state__in=[ScenarioState.WITHDRAWN, ScenarioState.DRAFT, ScenarioState.SUBMITTED])
    )
    rows = list(scenarios.select_related("sector__parent").order_by("pk"))

    def place(s: Scenario):
        top = s.sector.parent or s.sector
        return (top.sort_order, top.code, s.sector.sort_order, s.pk)

    return sorted(rows, key=place)


@dataclass
class AgendaRow:
    starts_at: datetime.datetime
    table: int
    provider: str
    supplier: str
    scenario: str
    requested: bool | None  # None: not the reader's to know (it tells whether a proposal was made)


def agenda_for(actor: Actor, event: ReleaseEvent) -> list[AgendaRow]:
    """The meetings the actor may see, each telling only what the policy lets the actor know."""
    meetings = restrict(DockingMeeting, actor).filter(event=event).select_related("scenario", "provider", "supplier")
    return [
        AgendaRow(
            m.starts_at,
            m.table,
            m.provider.name,
            m.supplier.name,
            meeting_scenario_title(actor, m),
            meeting_requested(actor, m),
        )
        for m in meetings.order_by("starts_at", "table")
    ]


def plan_progress_report(year: int, as_of: datetime.date) -> dict:
    """The plan's progress with each target's breakdown, as the API and the admin show it."""
    targets = []
    for t in plan_progress(year, as_of):
        targets.append(
            {**t.__dict__, "label": str(t.label), "behind": t.behind, **target_breakdown(year, as_of, t.metric)}
        )
    return {"year": year, "as_of": as_of, "targets": targets}


# --- What the public reads of a scenario ---------------------------------------------------------------------

# The transitions whose fact (not who made them, nor why) is public: a scenario's life once published. The
# close reason is public too: it says why a published list item ended without a deal.
PUBLIC_TRANSITIONS = ("publish", "sign", "start_cooperation", "designate_benchmark", "include_in_zone", "close")


@dataclass
class HistoryEntry:
    at: datetime.datetime
    kind: str  # a public transition's name, or "amended"
    title: str
    detail: str = ""
    changes: list[tuple[str, object, object]] | None = None


def public_history(scenario: Scenario) -> list[HistoryEntry]:
    """A public scenario's history as anyone may read it: published, amended (what changed from what),
    signed, in cooperation, benchmark, demonstration, closed. No names of staff, no internal reasons, no
    proposals. Empty for a scenario that is not public."""
    from audit.labels import changed_fields
    from audit.models import AuditEntry

    if scenario.state not in PUBLIC_STATES or scenario.published_at is None:
        return []
    entries = [
        HistoryEntry(
            log.at,
            log.transition,
            str(TRANSITIONS[log.transition].label),
            log.reason if log.transition == "close" else "",
        )
        for log in TransitionLog.objects.filter(scenario=scenario, transition__in=PUBLIC_TRANSITIONS).order_by(
            "at", "id"
        )
    ]
    published = next((e.at for e in entries if e.kind == "publish"), None)
    amendments = AuditEntry.objects.filter(
        action="scenarios.scenario.amended", content_type=ContentType.objects.get_for_model(Scenario)
    ).filter(object_id=scenario.pk)
    hidden = set() if scenario.publish_contact else set(CONTACT_FIELDS)
    for entry in amendments.order_by("at", "id"):
        if published is None or entry.at < published:
            continue  # an amendment before publication is the staff's business
        rows = [
            row for row, field in zip(changed_fields(entry), entry.changes or {}, strict=True) if field not in hidden
        ]
        if rows:
            entries.append(HistoryEntry(entry.at, "amended", _("修改"), changes=rows))
    return sorted(entries, key=lambda e: e.at)


CONTACT_FIELDS = ("contact_name", "contact_phone", "contact_email")


def public_contact(scenario: Scenario) -> dict[str, str] | None:
    """The contact its provider chose to publish with the scenario (None when it chose not to)."""
    if not scenario.publish_contact:
        return None
    contact = {f: getattr(scenario, f) for f in CONTACT_FIELDS}
    return contact if any(contact.values()) else None


def contact_for(actor: Actor, scenario: Scenario) -> dict[str, str] | None:
    """The contact as this reader may see it: whole for the scenario's insiders, else what its provider
    chose to publish."""
    if is_insider(actor, scenario):
        return {f: getattr(scenario, f) for f in CONTACT_FIELDS}
    return public_contact(scenario)


@dataclass
class Award:
    scenario_id: int
    signed_on: datetime.date
    suppliers: list[str]
    amount: Decimal | None = None  # only when the provider chose to publish it


def public_awards(scenario_ids=None) -> list[Award]:
    """Whom public scenarios were awarded to and when; the amount when the provider chose to publish it
    (never the agreement's terms)."""
    agreements = (
        Agreement.objects.filter(scenario__state__in=PUBLIC_STATES, scenario__published_at__isnull=False)
        .prefetch_related("suppliers")
        .order_by("signed_on", "pk")
    )
    if scenario_ids is not None:
        agreements = agreements.filter(scenario_id__in=scenario_ids)
    return [
        Award(a.scenario_id, a.signed_on, [s.name for s in a.suppliers.all()], a.amount if a.publish_amount else None)
        for a in agreements
    ]


def suppliers_by_scenario(scenario_ids) -> dict[int, list[str]]:
    """Each public scenario's awarded suppliers by name, once each, in the order they signed."""
    names: dict[int, list[str]] = {}
    for award in public_awards(scenario_ids):
        names.setdefault(award.scenario_id, []).extend(award.suppliers)
    return {pk: list(dict.fromkeys(found)) for pk, found in names.items()}


def events_with_public_counts() -> QuerySet[ReleaseEvent]:
    """Release events with how many public scenarios each released (`n_public`)."""
    return (
        restrict(ReleaseEvent, ANONYMOUS)
        .select_related("host_region")
        .annotate(n_public=Count("scenarios", filter=Q(scenarios__state__in=PUBLIC_STATES)))
    )


def questions_for(actor: Actor, scenario: Scenario) -> QuerySet[ClarificationQuestion]:
    """The questions on a scenario this reader may see: answered ones for everyone, plus the asker's own, plus
    all of them for the scenario's insiders."""
    return restrict(ClarificationQuestion, actor).filter(scenario=scenario).order_by("asked_at", "pk")


def subscribers_for(scenario: Scenario) -> list[int]:
    """The organisations whose subscription a newly published scenario meets: every condition it sets holds
    (a sector is met by the scenario's sub-area or its top-level sector, a region by the scenario's city, key
    words by any one of them in the title, purpose or requirements). A
    subscription that sets nothing meets nothing."""
    from marketplace.choices import OrganizationStatus
    from marketplace.models import Subscription

    text = f"{scenario.title} {scenario.purpose} {scenario.requirements}".lower()
    sector_ids = {scenario.sector_id, getattr(scenario.sector, "parent_id", None)} - {None}
    found = []
    subscriptions = Subscription.objects.prefetch_related("sectors", "regions").filter(
        organization__status=OrganizationStatus.VERIFIED
    )
    for sub in subscriptions:
        sectors = {s.pk for s in sub.sectors.all()}
        regions = {r.pk for r in sub.regions.all()}
        words = sub.keyword_list
        if not (sectors or regions or words):
            continue
        if sectors and not (sectors & sector_ids):
            continue
        if regions and scenario.region_id not in regions:
            continue
        if words and not any(w.lower() in text for w in words):
            continue
        found.append(sub.organization_id)
    return found


@dataclass
class QueueItem:
    label: str
    count: int
    changelist: str  # app_label.model_name of the admin list that holds the work
    query: str = ""


def work_queue(actor: Actor) -> list[QueueItem]:
    """What waits for this member of staff: the scenarios to review or publish, organisations to verify,
    open reminders and unanswered questions, in their region (the link office: everywhere)."""
    from marketplace.choices import OrganizationStatus
    from marketplace.models import Organization

    if not (actor.is_link_office or actor.is_city_staff):
        return []
    scenarios = restrict(Scenario, actor)
    orgs = Organization.objects.filter(status=OrganizationStatus.PENDING)
    reminders = reminder_list_for(actor).filter(status__in=["open", "escalated"])
    questions = restrict(ClarificationQuestion, actor).filter(
        answered_at__isnull=True, scenario__state=ScenarioState.PUBLISHED
    )
    if actor.is_city_staff:
        orgs = orgs.filter(region_id=actor.region_id)
        questions = questions.filter(scenario__region_id=actor.region_id)
    items = [
        QueueItem(
            _("个场景等待您审核"),
            scenarios.filter(state=ScenarioState.SUBMITTED).count(),
            "scenarios.scenario",
            "state__exact=submitted",
        ),
        QueueItem(_("家单位等待认证"), orgs.count(), "marketplace.organization", "status__exact=pending"),
        QueueItem(_("条跟踪提醒待处理"), reminders.count(), "scenarios.reminder"),
        QueueItem(_("个答疑问题尚未答复"), questions.count(), "scenarios.scenario", "state__exact=published"),
    ]
    if actor.is_link_office:
        items.insert(
            1,
            QueueItem(
                _("个场景已审核、等待发布"),
                scenarios.filter(state=ScenarioState.APPROVED).count(),
                "scenarios.scenario",
                "state__exact=approved",
            ),
        )
    return items


def check_ins_due(actor: Actor, scenarios) -> list[tuple[Scenario, int]]:
    """The signed scenarios whose open check-in period this actor's organisation has not answered yet, with
    that period (two queries, however many scenarios)."""
    from .followup import check_in_every, check_in_period

    every = check_in_every()
    periods = {s.pk: check_in_period(s, every=every) for s in scenarios}
    answered = set(
        CooperationCheckIn.objects.filter(
            scenario_id__in=list(periods), organization_id=actor.organization_id
        ).values_list("scenario_id", "period")
    )
    return [(s, periods[s.pk]) for s in scenarios if periods[s.pk] >= 1 and (s.pk, periods[s.pk]) not in answered]


def scenarios_with_open_questions(actor: Actor, provider_id: int) -> int:
    """How many of a provider's published scenarios have a question not yet answered."""
    return (
        restrict(ClarificationQuestion, actor)
        .filter(scenario__provider_id=provider_id, scenario__state=ScenarioState.PUBLISHED, answered_at__isnull=True)
        .values("scenario_id")
        .distinct()
        .count()
    )
