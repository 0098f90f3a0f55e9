"""The follow-up rules of DOMAIN.md §5, each a set-based query of what is stalled on a given day.

A rule's `candidates(rule, as_of)` are the objects whose condition holds that day, annotated with what a
reminder records of them: `r_period` (the episode the condition counts from: the submission date, the
publication date, the last progress report, the event's date, the quarter, the check-in period), `r_region`
(whose city staff hear of it), `r_org` (the provider, when the rule tells providers) and `r_message`. The
sweep (services/followup.py) turns these into reminders and clears the reminders whose object is no longer
among them. Thresholds and recipients are the rule's data (ReminderRule), never constants here.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, Greatest, TruncDate
from django.utils import timezone

from .choices import ProposalStatus, ReminderRuleCode, ScenarioState
from .models import (
    Agreement,
    AnnualPlan,
    CooperationCheckIn,
    ProgressReport,
    Proposal,
    ReleaseEvent,
    ReminderRule,
    Scenario,
)

ACTIVE_PROPOSALS = [ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED]
# Signed scenarios whose cooperation the city follows (benchmark cases have proven themselves).
FOLLOWED_AFTER_SIGNING = [ScenarioState.SIGNED, ScenarioState.IN_COOPERATION]


def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of a local day, for comparing dates with timestamps through their indexes."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _text(value) -> Cast:
    return Cast(value, CharField(max_length=16))


def _message(*parts) -> Concat:
    return Concat(*(Value(p) if isinstance(p, str) else p for p in parts), output_field=CharField())


def _scenario(qs: QuerySet, period, message, *, provider: bool) -> QuerySet:
    return qs.annotate(
        r_period=_text(period),
        r_region=F("region_id"),
        r_org=F("provider_id") if provider else Value(None, output_field=IntegerField()),
        r_message=message,
    )


def submitted_unreviewed(rule: ReminderRule, as_of: datetime.date) -> QuerySet:
    cutoff = day_start(as_of - datetime.timedelta(days=rule.threshold_days - 1))
    qs = Scenario.objects.filter(state=ScenarioState.SUBMITTED, submitted_at__lt=cutoff)
    message = _message("场景“", F("title"), f"”提交已超过 {rule.threshold_days} 天，尚未审核。")
    return _scenario(qs, TruncDate("submitted_at"), message, provider=rule.notify_provider)


def _published_before(rule: ReminderRule, as_of: datetime.date) -> QuerySet:
    return Scenario.objects.filter(
        state=ScenarioState.PUBLISHED, published_at__lte=as_of - datetime.timedelta(days=rule.threshold_days)
    )


def _has_proposals() -> Exists:
    return Exists(Proposal.objects.filter(scenario=OuterRef("pk"), status__in=ACTIVE_PROPOSALS))


def published_no_proposal(rule: ReminderRule, as_of: datetime.date) -> QuerySet:
    qs = _published_before(rule, as_of).filter(~_has_proposals())
    message = _message("场景“", F("title"), f"”发布已超过 {rule.threshold_days} 天，尚无对接意向：请推广或重新匹配。")
    return _scenario(qs, F("published_at"), message, provider=rule.notify_provider)


def proposals_unsigned(rule: ReminderRule, as_of: datetime.date) -> QuerySet:
    qs = _published_before(rule, as_of).filter(_has_proposals())
    message = _message("场景“", F("title"), f"”已收到对接意向，发布 {rule.threshold_days} 天后仍未签约。")
    return _scenario(qs, F("published_at"), message, provider=rule.notify_provider)


def signed_no_progress(rule: ReminderRule, as_of: datetime.date) -> QuerySet:
    """Counts from the signing or the latest progress report, whichever is later."""
    last_report = ProgressReport.objects.filter(scenario=OuterRef("pk")).order_by("-reported_on").values("reported_on")
    signed_on = TruncDate("signed_at")
    qs = Scenario.objects.filter(state__in=FOLLOWED_AFTER_SIGNING, signed_at__isnull=False).annotate(
        r_anchor=Greatest(Coalesce(Subquery(last_report[:1]), signed_on), signed_on)
    )
    qs = qs.filter(r_anchor__lte=as_of - datetime.timedelta(days=rule.threshold_days))
    message = _message("场景“", F("title"), f"”已签约，{rule.threshold_days} 天来没有新的跟踪记录。")
    return _scenario(qs, F("r_anchor"), message, provider=rule.notify_provider)


def event_list_not_final(rule: ReminderRule, as_of: datetime.date) -> QuerySet:
    qs = ReleaseEvent.objects.filter(
        list_final=False, date__gte=as_of, date__lte=as_of + datetime.timedelta(days=rule.threshold_days)
    )
    return qs.annotate(
        r_period=_text(F("date")),
        r_region=F("host_region_id"),
        r_org=Value(None, output_field=IntegerField()),
        r_message=_message("发布活动“", F("name"), "”临近，场景清单尚未确定。"),
    )


def targets_behind_pace(rule: ReminderRule, as_of: datetime.date) -> QuerySet:
    """In the last days of a quarter, the year's plan if any of its targets is behind pace."""
    from .selectors import plan_progress

    quarter = (as_of.month - 1) // 3 + 1
    quarter_end = datetime.date(as_of.year, 3 * quarter, 1) + datetime.timedelta(days=32)
    quarter_end = quarter_end.replace(day=1) - datetime.timedelta(days=1)
    behind = []
    if (quarter_end - as_of).days < rule.threshold_days:
        behind = [t for t in plan_progress(as_of.year, as_of) if t.behind]
    plan = AnnualPlan.objects.filter(year=as_of.year) if behind else AnnualPlan.objects.none()
    names = "、".join(str(t.label) for t in behind)
    return plan.annotate(
        r_period=Value(f"{as_of.year}Q{quarter}", output_field=CharField()),
        r_region=Value(None, output_field=IntegerField()),
        r_org=Value(None, output_field=IntegerField()),
        r_message=Value(f"{as_of.year} 年第 {quarter} 季度末，年度目标进度滞后：{names}。", output_field=CharField()),
    )


def cooperation_unconfirmed(rule: ReminderRule, as_of: datetime.date) -> QuerySet:
    """Every `threshold_days` after signing a check-in period opens; a party silent for `repeat_days` into
    it, or any party answering that cooperation stopped, is a signal."""
    every, grace = rule.threshold_days, rule.repeat_days
    signed = Scenario.objects.filter(state__in=FOLLOWED_AFTER_SIGNING, signed_at__isnull=False)
    oldest = signed.order_by("signed_at").values_list("signed_at", flat=True).first()
    if oldest is None:
        return Scenario.objects.none()
    periods = max(1, math.ceil((as_of - timezone.localdate(oldest)).days / every) + 1)

    def opened(k: int, lag: int = 0) -> Q:
        # Period k runs from signed + k·every; a scenario is in it on as_of when signed falls in this window.
        latest = as_of - datetime.timedelta(days=k * every + lag)
        earliest = as_of - datetime.timedelta(days=(k + 1) * every)
        return Q(
            signed_at__lt=day_start(latest + datetime.timedelta(days=1)),
            signed_at__gte=day_start(earliest + datetime.timedelta(days=1)),
        )

    period = Case(*(When(opened(k), then=Value(k)) for k in range(1, periods + 1)), output_field=IntegerField())
    silence_due = Case(
        *(When(opened(k, lag=grace), then=Value(True)) for k in range(1, periods + 1)),
        default=Value(False),
        output_field=BooleanField(),
    )
    answers = CooperationCheckIn.objects.filter(scenario=OuterRef("pk"), period=OuterRef("r_k"))
    answered = answers.values("scenario").annotate(n=Count("organization", distinct=True)).values("n")
    suppliers = (
        Agreement.suppliers.through.objects.filter(agreement__scenario=OuterRef("pk"))
        .values("agreement__scenario")
        .annotate(n=Count("organization", distinct=True))
        .values("n")
    )
    qs = (
        signed.annotate(r_k=period, r_due=silence_due)
        .filter(r_k__isnull=False)
        .annotate(
            r_parties=Coalesce(Subquery(suppliers), 0) + 1,
            r_answered=Coalesce(Subquery(answered), 0),
            r_stopped=Exists(answers.filter(running=False)),
        )
        .filter(Q(r_stopped=True) | Q(r_due=True, r_answered__lt=F("r_parties")))
    )
    message = _message("场景“", F("title"), "”的合作运行情况未获双方确认，或有一方表示合作未正常开展。")
    return _scenario(qs, F("r_k"), message, provider=rule.notify_provider)


@dataclass(frozen=True)
class RuleSpec:
    model: type
    candidates: Callable[[ReminderRule, datetime.date], QuerySet]


RULES: dict[str, RuleSpec] = {
    ReminderRuleCode.SUBMITTED_UNREVIEWED: RuleSpec(Scenario, submitted_unreviewed),
    ReminderRuleCode.PUBLISHED_NO_PROPOSAL: RuleSpec(Scenario, published_no_proposal),
    ReminderRuleCode.PROPOSALS_UNSIGNED: RuleSpec(Scenario, proposals_unsigned),
    ReminderRuleCode.SIGNED_NO_PROGRESS: RuleSpec(Scenario, signed_no_progress),
    ReminderRuleCode.EVENT_LIST_NOT_FINAL: RuleSpec(ReleaseEvent, event_list_not_final),
    ReminderRuleCode.TARGETS_BEHIND_PACE: RuleSpec(AnnualPlan, targets_behind_pace),
    ReminderRuleCode.COOPERATION_UNCONFIRMED: RuleSpec(Scenario, cooperation_unconfirmed),
}


def check_in_every() -> int:
    """Days between check-ins: the `cooperation_unconfirmed` rule's threshold (90 unless the office tuned it)."""
    rule = ReminderRule.objects.filter(code=ReminderRuleCode.COOPERATION_UNCONFIRMED).first()
    return rule.threshold_days if rule else 90


def check_in_period(scenario, today: datetime.date | None = None, every: int | None = None) -> int:
    """The check-in period open today for a signed scenario (0: the first has not begun): one every
    `check_in_every()` days after signing."""
    every = check_in_every() if every is None else every
    if scenario.signed_at is None or not every:
        return 0
    elapsed = ((today or timezone.localdate()) - timezone.localdate(scenario.signed_at)).days
    return max(0, elapsed // every)
