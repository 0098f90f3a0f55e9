"""Follow-up reminders as the city sees them, travelling in time with the sweep's `as_of`: each rule's
reminder appears on the right day and not before, once, is repeated, escalates to the link office on the
third period, and resolves itself when its condition clears."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from marketplace.choices import OrganizationKind as K
from marketplace.models import EmailDigest, Notification
from scenarios.choices import ReminderRuleCode as R
from scenarios.choices import ReminderStatus
from scenarios.models import CooperationCheckIn, Reminder, ReminderRule
from scenarios.services import followup_sweep
from tests.factories import (
    AgreementFactory,
    ProgressReportFactory,
    ReleaseEventFactory,
    ScenarioFactory,
    member_of,
    region,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


@pytest.fixture
def people():
    city = member_of(K.CITY_OFFICE, "510100")
    office = member_of(K.LINK_OFFICE, None)
    provider = member_of(K.ENTERPRISE, "510100")
    for m in (city, office, provider):
        m.user.email = f"{m.user.username}@example.cn"
        m.user.save(update_fields=["email"])
    return {"city": city.user, "office": office.user, "provider": provider.user, "org": provider.organization}


def reminders(rule, **kw):
    return Reminder.objects.filter(rule=rule, **kw)


def sweep(day):
    return followup_sweep(as_of=day)


def test_an_unreviewed_submission_is_raised_on_the_seventh_day_not_before(people):
    ScenarioFactory(provider=people["org"], state="submitted", submitted_at=at(D(2026, 11, 2)))
    sweep(D(2026, 11, 8))
    assert not reminders(R.SUBMITTED_UNREVIEWED).exists()
    report = sweep(D(2026, 11, 9))
    assert report[R.SUBMITTED_UNREVIEWED]["raised"] == 1
    reminder = reminders(R.SUBMITTED_UNREVIEWED).get()
    assert (reminder.status, reminder.times_notified, reminder.region) == ("open", 1, region("510100"))
    assert people["city"].notifications.filter(kind="reminder").count() == 1
    assert not people["office"].notifications.exists()  # not the link office's rule, and not escalated


def test_a_reminder_is_raised_once_repeated_each_period_and_escalated_on_the_third(people):
    ScenarioFactory(provider=people["org"], state="submitted", submitted_at=at(D(2026, 11, 2)))
    first = D(2026, 11, 9)
    sweep(first)
    sweep(first)  # the same day again: nothing new
    assert reminders(R.SUBMITTED_UNREVIEWED).get().times_notified == 1
    sweep(first + datetime.timedelta(days=3))  # within the period: not repeated
    assert reminders(R.SUBMITTED_UNREVIEWED).get().times_notified == 1
    report = sweep(first + datetime.timedelta(days=7))  # second period: repeated, ignored once
    reminder = reminders(R.SUBMITTED_UNREVIEWED).get()
    assert (reminder.times_notified, reminder.status, report[R.SUBMITTED_UNREVIEWED]["escalated"]) == (2, "open", 0)
    assert not people["office"].notifications.exists()
    report = sweep(first + datetime.timedelta(days=14))  # third period: ignored twice, escalated
    reminder = reminders(R.SUBMITTED_UNREVIEWED).get()
    assert (reminder.times_notified, reminder.status) == (3, ReminderStatus.ESCALATED)
    assert reminder.escalated_on == first + datetime.timedelta(days=14)
    assert report[R.SUBMITTED_UNREVIEWED]["escalated"] == 1
    assert people["office"].notifications.filter(kind="reminder").count() == 1
    assert reminders(R.SUBMITTED_UNREVIEWED).count() == 1  # one reminder throughout


def test_a_reminder_resolves_itself_when_the_condition_clears(people):
    scenario = ScenarioFactory(provider=people["org"], state="submitted", submitted_at=at(D(2026, 11, 2)))
    sweep(D(2026, 11, 9))
    scenario.state = "approved"
    scenario.save(update_fields=["state"])
    report = sweep(D(2026, 11, 10))
    assert report[R.SUBMITTED_UNREVIEWED]["resolved"] == 1
    reminder = reminders(R.SUBMITTED_UNREVIEWED).get()
    assert (reminder.status, reminder.resolved_on) == ("resolved", D(2026, 11, 10))
    sweep(D(2026, 11, 30))
    assert reminders(R.SUBMITTED_UNREVIEWED).get().times_notified == 1  # resolved: never repeated


def test_a_new_episode_of_the_same_condition_is_a_new_reminder(people):
    scenario = ScenarioFactory(provider=people["org"], state="submitted", submitted_at=at(D(2026, 11, 2)))
    sweep(D(2026, 11, 9))
    scenario.submitted_at = at(D(2026, 11, 12))  # returned, then submitted again
    scenario.save(update_fields=["submitted_at"])
    sweep(D(2026, 11, 13))
    assert reminders(R.SUBMITTED_UNREVIEWED, status="resolved").count() == 1
    sweep(D(2026, 11, 19))
    assert reminders(R.SUBMITTED_UNREVIEWED, status="open").get().period == "2026-11-12"


def test_published_without_proposal_after_21_days_tells_city_and_office(people):
    ScenarioFactory(provider=people["org"], state="published", published_at=D(2026, 10, 1))
    sweep(D(2026, 10, 21))
    assert not reminders(R.PUBLISHED_NO_PROPOSAL).exists()
    sweep(D(2026, 10, 22))
    assert reminders(R.PUBLISHED_NO_PROPOSAL).count() == 1
    assert people["city"].notifications.count() == people["office"].notifications.count() == 1


def test_proposals_unsigned_60_days_after_publication_tell_provider_and_city(people):
    from scenarios.models import Proposal

    scenario = ScenarioFactory(provider=people["org"], state="published", published_at=D(2026, 9, 1))
    supplier = member_of(K.SUPPLIER, "510100")
    Proposal.objects.create(scenario=scenario, supplier=supplier.organization, submitted_at=at(D(2026, 9, 5)))
    sweep(D(2026, 10, 30))
    assert not reminders(R.PROPOSALS_UNSIGNED).exists()
    assert not reminders(R.PUBLISHED_NO_PROPOSAL).exists()  # it has a proposal
    sweep(D(2026, 10, 31))
    assert reminders(R.PROPOSALS_UNSIGNED).get().organization == people["org"]
    assert people["provider"].notifications.filter(kind="reminder").count() == 1
    assert not supplier.user.notifications.filter(kind="reminder").exists()


def test_signed_without_progress_counts_from_the_latest_report(people):
    scenario = ScenarioFactory(provider=people["org"], state="signed", signed_at=at(D(2026, 5, 1)))
    ProgressReportFactory(scenario=scenario, reported_on=D(2026, 6, 1))
    sweep(D(2026, 8, 29))
    assert not reminders(R.SIGNED_NO_PROGRESS).exists()
    sweep(D(2026, 8, 30))  # 90 days after the report
    assert reminders(R.SIGNED_NO_PROGRESS).get().period == "2026-06-01"
    ProgressReportFactory(scenario=scenario, reported_on=D(2026, 9, 1))
    sweep(D(2026, 9, 2))
    assert reminders(R.SIGNED_NO_PROGRESS).get().status == "resolved"


def test_an_event_list_not_final_14_days_ahead_tells_the_host_city_and_office(people):
    mianyang_staff = member_of(K.CITY_OFFICE, "510700").user
    event = ReleaseEventFactory(host_region=region("510700"), date=D(2026, 12, 20), list_final=False)
    sweep(D(2026, 12, 5))
    assert not reminders(R.EVENT_LIST_NOT_FINAL).exists()
    sweep(D(2026, 12, 6))
    assert reminders(R.EVENT_LIST_NOT_FINAL).get().object_id == event.pk
    assert mianyang_staff.notifications.count() == 1 and not people["city"].notifications.exists()
    event.list_final = True
    event.save(update_fields=["list_final"])
    sweep(D(2026, 12, 7))
    assert reminders(R.EVENT_LIST_NOT_FINAL).get().status == "resolved"


def test_targets_behind_pace_at_a_quarters_end_tell_the_link_office(people):
    from scenarios.services import annual_plan_for_year

    annual_plan_for_year(2026)  # default targets, nothing achieved
    sweep(D(2026, 9, 16))
    assert not reminders(R.TARGETS_BEHIND_PACE).exists()  # not the quarter's last 14 days
    sweep(D(2026, 9, 17))
    reminder = reminders(R.TARGETS_BEHIND_PACE).get()
    assert reminder.period == "2026Q3" and "新发布应用场景" in reminder.message
    assert people["office"].notifications.count() == 1 and not people["city"].notifications.exists()


def test_cooperation_silence_or_a_no_is_a_follow_up_signal(people):
    supplier = member_of(K.SUPPLIER, "510100")
    scenario = ScenarioFactory(provider=people["org"], state="in_cooperation", signed_at=at(D(2026, 1, 10)))
    AgreementFactory(scenario=scenario, suppliers=[supplier.organization])
    ProgressReportFactory(scenario=scenario, reported_on=D(2026, 5, 1))
    # The first check-in opens 90 days after signing (10 April); silence counts after 14 days.
    sweep(D(2026, 4, 23))
    assert not reminders(R.COOPERATION_UNCONFIRMED).exists()
    CooperationCheckIn.objects.create(scenario=scenario, organization=people["org"], period=1, running=True)
    sweep(D(2026, 4, 24))  # the supplier stayed silent
    assert reminders(R.COOPERATION_UNCONFIRMED).get().period == "1"
    CooperationCheckIn.objects.create(scenario=scenario, organization=supplier.organization, period=1, running=True)
    sweep(D(2026, 4, 25))
    assert reminders(R.COOPERATION_UNCONFIRMED).get().status == "resolved"
    # Second period: a "no" is a signal at once, without waiting for the grace days.
    CooperationCheckIn.objects.create(scenario=scenario, organization=supplier.organization, period=2, running=False)
    sweep(D(2026, 7, 10))
    assert reminders(R.COOPERATION_UNCONFIRMED, period="2", status="open").exists()


def test_rules_are_data_the_link_office_tunes(people):
    ScenarioFactory(provider=people["org"], state="submitted", submitted_at=at(D(2026, 11, 2)))
    rule = ReminderRule.objects.get(code=R.SUBMITTED_UNREVIEWED)
    rule.threshold_days = 3
    rule.save()
    sweep(D(2026, 11, 5))
    assert reminders(R.SUBMITTED_UNREVIEWED).exists()
    rule.enabled = False
    rule.save()
    Reminder.objects.all().delete()
    sweep(D(2026, 11, 6))
    assert not reminders(R.SUBMITTED_UNREVIEWED).exists()


def test_one_notification_and_one_email_a_day_per_person_however_many_reminders(
    people, django_capture_on_commit_callbacks
):
    for _ in range(5):
        ScenarioFactory(provider=people["org"], state="submitted", submitted_at=at(D(2026, 11, 2)))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            sweep(D(2026, 11, 9))
    notes = people["city"].notifications.filter(kind="reminder")
    assert notes.count() == 1 and "5" in notes.get().title
    to_city = [m for m in mail.outbox if people["city"].email in m.to]
    assert len(to_city) == 1 and "提交后未审核" in to_city[0].body
    assert EmailDigest.objects.filter(recipient=people["city"], status="sent").count() == 1
    assert Notification.objects.filter(recipient=people["city"], emailed_at__isnull=True).count() == 0


def test_a_failed_email_is_retried_and_never_loses_the_reminder(people, settings, django_capture_on_commit_callbacks):
    from celery.exceptions import Retry

    from marketplace.tasks import send_digest
    from tests.support import FailingOnceBackend

    FailingOnceBackend.reset()
    settings.EMAIL_BACKEND = "tests.support.FailingOnceBackend"
    ScenarioFactory(provider=people["org"], state="submitted", submitted_at=at(D(2026, 11, 2)))
    with pytest.raises(Retry), django_capture_on_commit_callbacks(execute=True):
        sweep(D(2026, 11, 9))  # the mail server is down: the task asks to be retried
    digest = EmailDigest.objects.get(recipient=people["city"])
    assert (digest.status, digest.attempts, bool(digest.error)) == ("pending", 1, True)
    assert Notification.objects.filter(recipient=people["city"], emailed_at__isnull=True).count() == 1
    assert reminders(R.SUBMITTED_UNREVIEWED).get().status == "open"
    assert send_digest(people["city"].pk, "2026-11-09")  # the retry
    digest.refresh_from_db()
    assert (digest.status, digest.attempts) == ("sent", 2)
    assert [m for m in mail.outbox if people["city"].email in m.to]
    assert not send_digest(people["city"].pk, "2026-11-09")  # never twice


def test_the_sweep_command_travels_in_time_and_prints_one_json_line(people):
    ScenarioFactory(provider=people["org"], state="submitted", submitted_at=at(D(2026, 11, 2)))
    out = StringIO()
    call_command("followup_sweep", "--as-of", "2026-11-09", stdout=out)
    report = json.loads(out.getvalue())
    assert report["as_of"] == "2026-11-09"
    assert report["rules"][R.SUBMITTED_UNREVIEWED] == {"raised": 1, "notified": 1, "escalated": 0, "resolved": 0}
    assert set(report["rules"]) == set(R.values)


# --- every rule, the same life: not before its day, on it, once, repeated, escalated on the third period,
# resolved when its condition clears ---------------------------------------------------------------------------


def _stalled(rule, people):
    """For each rule: the stalled object, the first day its reminder is due, and how its condition clears."""
    from scenarios.models import Proposal
    from scenarios.services import annual_plan_for_year

    org = people["org"]
    if rule == R.SUBMITTED_UNREVIEWED:
        s = ScenarioFactory(provider=org, state="submitted", submitted_at=at(D(2026, 10, 1)))
        return D(2026, 10, 8), lambda: type(s).objects.filter(pk=s.pk).update(state="approved")
    if rule == R.PUBLISHED_NO_PROPOSAL:
        s = ScenarioFactory(provider=org, state="published", published_at=D(2026, 10, 1))
        supplier = member_of(K.SUPPLIER, "510100").organization
        return D(2026, 10, 22), lambda: Proposal.objects.create(
            scenario=s, supplier=supplier, submitted_at=at(D(2026, 11, 1))
        )
    if rule == R.PROPOSALS_UNSIGNED:
        s = ScenarioFactory(provider=org, state="published", published_at=D(2026, 8, 1))
        Proposal.objects.create(
            scenario=s, supplier=member_of(K.SUPPLIER, "510100").organization, submitted_at=at(D(2026, 8, 2))
        )
        return D(
            2026, 9, 30
        ), lambda: type(s).objects.filter(pk=s.pk).update(state="signed", signed_at=at(D(2026, 10, 30)))
    if rule == R.SIGNED_NO_PROGRESS:
        s = ScenarioFactory(provider=org, state="signed", signed_at=at(D(2026, 7, 1)))
        return D(2026, 9, 29), lambda: ProgressReportFactory(scenario=s, reported_on=D(2026, 10, 20))
    if rule == R.EVENT_LIST_NOT_FINAL:
        e = ReleaseEventFactory(host_region=region("510100"), date=D(2026, 10, 30), list_final=False)
        return D(2026, 10, 16), lambda: type(e).objects.filter(pk=e.pk).update(list_final=True)
    if rule == R.TARGETS_BEHIND_PACE:
        plan = annual_plan_for_year(2026)
        # Nothing achieved, so behind on every target; clearing it: the targets lowered to nothing.
        return D(2026, 12, 18), lambda: plan.targets.update(value=0)
    if rule == R.COOPERATION_UNCONFIRMED:
        s = ScenarioFactory(provider=org, state="in_cooperation", signed_at=at(D(2026, 6, 1)))
        ProgressReportFactory(scenario=s, reported_on=D(2026, 10, 1))
        settings = ReminderRule.objects.get(code=rule)
        # The first check-in opens `threshold_days` after signing; silence counts `repeat_days` into it.
        due = D(2026, 6, 1) + datetime.timedelta(days=settings.threshold_days + settings.repeat_days)
        return due, lambda: CooperationCheckIn.objects.create(scenario=s, organization=org, period=1, running=True)
    raise AssertionError(rule)


@pytest.mark.parametrize("rule", R.values)
def test_every_rule_raises_on_its_day_once_repeats_escalates_and_resolves(rule, people):
    # The quarter rule repeats inside its quarter's last 14 days: give it short periods.
    ReminderRule.objects.filter(code=rule).update(repeat_days=3 if rule == R.TARGETS_BEHIND_PACE else 5)
    ReminderRule.objects.exclude(code=rule).update(enabled=False)
    day, clear = _stalled(rule, people)
    repeat = datetime.timedelta(days=ReminderRule.objects.get(code=rule).repeat_days)
    sweep(day - datetime.timedelta(days=1))
    assert not reminders(rule).exists(), "raised a day early"
    sweep(day)
    sweep(day)
    reminder = reminders(rule).get()
    assert (reminder.status, reminder.times_notified, reminder.raised_on) == ("open", 1, day)
    sweep(day + repeat)
    assert reminders(rule).get().times_notified == 2
    report = sweep(day + 2 * repeat)
    reminder = reminders(rule).get()
    assert (reminder.status, reminder.times_notified, report[rule]["escalated"]) == ("escalated", 3, 1)
    assert people["office"].notifications.filter(kind="reminder").exists()
    clear()
    report = sweep(day + 2 * repeat + datetime.timedelta(days=1))
    assert report[rule]["resolved"] == 1 and reminders(rule).get().status == "resolved"
