"""Follow-up (落实跟踪服务): the daily sweep that raises, repeats, escalates and resolves reminders, the
notifications it sends, and the parties' check-ins on running cooperation.

The sweep is set-based throughout: per rule one INSERT … SELECT of the new reminders (a unique key per rule,
object and period turns a second, concurrent sweep into a no-op), one UPDATE resolving those whose condition
cleared, two UPDATEs repeating and escalating the due ones. Then each person concerned gets one notification
for the day, and after commit one e-mail digest (marketplace.services.digest_send).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, diff, snapshot
from common.errors import DomainError, NotFound, PermissionDenied, full_clean_or_refuse
from marketplace.choices import NotificationKind, OrganizationKind
from marketplace.models import Member
from marketplace.selectors import actor_for
from marketplace.services import notification_send
from outbox.services import enqueue

from ..choices import ReminderRuleCode, ReminderStatus
from ..followup import FOLLOWED_AFTER_SIGNING, RULES, RuleSpec, check_in_period
from ..models import CooperationCheckIn, Reminder, ReminderRule, Scenario

LIVE = [ReminderStatus.OPEN, ReminderStatus.ESCALATED]
INSERTED = [
    "rule",
    "content_type_id",
    "object_id",
    "period",
    "status",
    "region_id",
    "organization_id",
    "message",
    "times_notified",
    "raised_on",
    "next_notify_on",
]
EXAMPLES_PER_NOTIFICATION = 10
STATISTICS_AFTER = 1000  # reminders raised or resolved by one rule before its table's statistics are refreshed


def followup_sweep(*, as_of: datetime.date | None = None) -> dict[str, dict[str, int]]:
    """Run every enabled rule as of a day (today by default). Returns, per rule, how many reminders were
    raised, repeated (notified), escalated and resolved. Safe to run twice, or twice at once."""
    as_of = as_of or timezone.localdate()
    report = {}
    for rule in ReminderRule.objects.filter(enabled=True).order_by("id"):
        spec = RULES.get(rule.code)
        if spec is not None:
            with transaction.atomic():
                _serialize(f"followup:{rule.code}")
                report[rule.code] = _sweep_rule(rule, spec, as_of)
    with transaction.atomic():
        _serialize("followup:notify")
        _notify_people(as_of)
        # The day's e-mail goes out whether or not the sweep raised anything today: a proposal, a decision or
        # a publication notified since yesterday is mailed too (beat also sends them, should no rule run).

        enqueue("marketplace.tasks.send_digests", as_of.isoformat())
    return report


def _serialize(name: str) -> None:
    """Two sweeps at once (two beat processes by mistake) take turns per step instead of contending for the
    same rows; the unique keys would keep them right anyway, this keeps them from deadlocking. SQLite
    transactions are serialized already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])


def _sweep_rule(rule: ReminderRule, spec: RuleSpec, as_of: datetime.date) -> dict[str, int]:
    content_type = ContentType.objects.get_for_model(spec.model)
    candidates = spec.candidates(rule, as_of)
    raised = _raise(rule, content_type, candidates, as_of)
    resolved = _resolve(rule, content_type, candidates, as_of)
    due = Reminder.objects.filter(rule=rule.code, status__in=LIVE, next_notify_on__lte=as_of)
    # Ignored `escalate_after` times already: this repetition goes to the link office too.
    escalated = due.filter(status=ReminderStatus.OPEN, times_notified__gte=rule.escalate_after).update(
        status=ReminderStatus.ESCALATED, escalated_on=as_of
    )
    notified = due.update(
        times_notified=F("times_notified") + 1,
        last_notified_on=as_of,
        next_notify_on=as_of + datetime.timedelta(days=rule.repeat_days),
    )
    if raised + resolved > STATISTICS_AFTER and connection.vendor == "postgresql":
        # Thousands of reminders came or went: the next rule's anti-join plans on fresh statistics (the
        # planner would otherwise take a large new table for an empty one, and loop over it per scenario).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Reminder._meta.db_table}")
    return {"raised": raised, "notified": notified, "escalated": escalated, "resolved": resolved}


def _raise(rule: ReminderRule, content_type: ContentType, candidates: QuerySet, as_of: datetime.date) -> int:
    """INSERT … SELECT the candidates that have no reminder for this period yet; a concurrent sweep's rows
    are skipped by the unique key (ON CONFLICT DO NOTHING, on PostgreSQL and SQLite alike)."""
    if candidates.query.is_empty():
        return 0
    existing = Reminder.objects.filter(
        rule=rule.code, content_type=content_type, object_id=OuterRef("pk"), period=OuterRef("r_period")
    )
    rows = (
        candidates.filter(~Exists(existing))
        .order_by()
        .values_list(
            Value(rule.code),
            Value(content_type.pk),
            "pk",
            "r_period",
            Value(ReminderStatus.OPEN.value),
            "r_region",
            "r_org",
            "r_message",
            Value(0),
            Value(as_of),
            Value(as_of),
        )
    )
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Reminder._meta.db_table} ({', '.join(INSERTED)}) {sql} ON CONFLICT DO NOTHING", params
        )
        return max(cursor.rowcount, 0)


def _resolve(rule: ReminderRule, content_type: ContentType, candidates: QuerySet, as_of: datetime.date) -> int:
    live = Reminder.objects.filter(rule=rule.code, content_type=content_type, status__in=LIVE)
    if not candidates.query.is_empty():
        still = candidates.filter(pk=OuterRef("object_id"), r_period=OuterRef("period"))
        live = live.filter(~Exists(still))
    return live.update(status=ReminderStatus.RESOLVED, resolved_on=as_of)


# --- who hears of it -------------------------------------------------------------------------------------


def _notify_people(as_of: datetime.date) -> int:
    """One notification per person for the day: how many reminders concern them, by rule, with examples.
    City staff hear of their region's reminders, providers of their own, the link office of its rules'
    reminders and of every escalated one."""
    rules = {r.code: r for r in ReminderRule.objects.all()}
    today = Reminder.objects.filter(last_notified_on=as_of)
    counts: dict[int, Counter] = defaultdict(Counter)
    examples: dict[int, list[str]] = defaultdict(list)

    def route(reminders: QuerySet, field: str | None, members: QuerySet) -> None:
        """Give each member the counts and examples of the reminders grouped under their key."""
        key = field or "all"
        reminders = reminders.annotate(all=Value(0)) if field is None else reminders
        grouped, messages = defaultdict(Counter), defaultdict(list)
        for row in reminders.values(key, "rule").annotate(n=Count("pk")):
            grouped[row[key]][row["rule"]] += row["n"]
        ranked = reminders.annotate(
            nth=Window(RowNumber(), partition_by=[F(key)], order_by=[F("escalated_on").desc(nulls_last=True), "id"])
        )
        for group, message in ranked.filter(nth__lte=EXAMPLES_PER_NOTIFICATION).values_list(key, "message"):
            messages[group].append(message)
        for user_id, group in members.values_list("user_id", key if field else Value(0)):
            counts[user_id].update(grouped.get(group, {}))
            examples[user_id].extend(messages.get(group, []))

    city_rules = [c for c, r in rules.items() if r.notify_city_staff]
    route(
        today.filter(rule__in=city_rules, region__isnull=False),
        "region",
        Member.objects.filter(organization__kind=OrganizationKind.CITY_OFFICE, user__is_active=True).annotate(
            region=F("organization__region_id")
        ),
    )
    provider_rules = [c for c, r in rules.items() if r.notify_provider]
    route(
        today.filter(rule__in=provider_rules, organization__isnull=False),
        "organization",
        Member.objects.filter(user__is_active=True, organization__reminders__last_notified_on=as_of).distinct(),
    )
    office_rules = [c for c, r in rules.items() if r.notify_link_office]
    route(
        today.filter(Q(rule__in=office_rules) | Q(status=ReminderStatus.ESCALATED)),
        None,
        Member.objects.filter(organization__kind=OrganizationKind.LINK_OFFICE, user__is_active=True),
    )
    sent = 0
    for user_id, by_rule in counts.items():
        if not by_rule:
            continue
        sent += notification_send(
            recipients=[user_id],
            kind=NotificationKind.REMINDER,
            title=partial(_summary_title, sum(by_rule.values())),
            body=partial(_summary_body, by_rule, examples[user_id]),
            link="/admin/scenarios/reminder/",
            dedupe_key=f"followup:{as_of.isoformat()}",
        )
    return sent


def _summary_title(total: int) -> str:
    return _("跟踪提醒：今天有 {n} 项需要跟进").format(n=total)


def _summary_body(counts: Counter, examples: list[str]) -> str:
    lines = [f"{ReminderRuleCode(code).label}：{n}" for code, n in sorted(counts.items())]
    if examples:
        lines += ["", *(f"· {m}" for m in examples[:EXAMPLES_PER_NOTIFICATION])]
    return "\n".join(lines)


# --- check-ins on running cooperation ---------------------------------------------------------------------


def cooperation_check_in(*, scenario_id: int, actor_user, running: bool, comment: str = "") -> CooperationCheckIn:
    """The provider or a contracted supplier says whether cooperation is still running, for the check-in
    period open today (answering again in the same period replaces the answer)."""
    actor = actor_for(actor_user)
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update().filter(pk=scenario_id).first()
        if scenario is None:
            raise NotFound("not_found", _("场景不存在。"))
        parties = {scenario.provider_id, *scenario.agreements.values_list("suppliers", flat=True)}
        if actor.organization_id not in parties:
            raise PermissionDenied("not_allowed", _("只有签约双方可以确认合作运行情况。"))
        if scenario.state not in FOLLOWED_AFTER_SIGNING or scenario.signed_at is None:
            raise DomainError("invalid_state", _("只有已签约、尚在跟踪中的场景需要确认合作运行情况。"), status=409)
        period = check_in_period(scenario)
        if period < 1:
            raise DomainError("too_early", _("签约后第一个确认周期尚未开始。"), status=409)
        check_in, _created = CooperationCheckIn.objects.update_or_create(
            scenario=scenario,
            organization_id=actor.organization_id,
            period=period,
            defaults={"running": running, "comment": comment, "answered_by": actor_user},
        )
        audit_record(
            action="scenarios.check_in.answered",
            actor_user=actor_user,
            obj=check_in,
            changes={"running": [None, running], "comment": [None, comment]},
            payload={"period": period},
        )
    return check_in


RULE_FIELDS = set(ReminderRule.SETTINGS)


def reminder_rule_update(*, code: str, actor_user, **fields) -> ReminderRule:
    """The link office tunes a rule: on/off, threshold, repetition, escalation, recipients."""
    if not actor_for(actor_user).is_link_office:
        raise PermissionDenied("not_allowed", _("只有链长办可以调整提醒规则。"))
    unknown = set(fields) - RULE_FIELDS
    if unknown:
        raise DomainError("invalid", _("未知字段。"), fields={f: [_("未知字段。")] for f in sorted(unknown)})
    with transaction.atomic():
        rule = ReminderRule.objects.select_for_update().filter(code=code).first()
        if rule is None:
            raise NotFound("not_found", _("提醒规则不存在。"))
        before = snapshot(rule, fields)
        for name, value in fields.items():
            setattr(rule, name, value)
        full_clean_or_refuse(rule)
        rule.save()
        audit_record(
            action="scenarios.reminder_rule.updated",
            actor_user=actor_user,
            obj=rule,
            changes=diff(before, snapshot(rule, fields)),
        )
    return rule
