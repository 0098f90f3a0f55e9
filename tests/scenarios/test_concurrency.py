"""Two people press the same button at once: exactly one wins, one log row, the other a domain error."""

import threading

import pytest
from django.db import connection, connections

from common.errors import DomainError
from scenarios import services
from scenarios.models import Scenario, TransitionLog
from tests.conftest import requires_postgres
from tests.factories import ReleaseEventFactory, ScenarioFactory

pytestmark = [
    requires_postgres,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def race(n: int, action) -> list:
    """Run `action` in n threads with their own connections, released together."""
    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = action()
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.parametrize("transition", ["approve", "publish", "withdraw"])
def test_same_transition_twice_at_once_succeeds_exactly_once(transition, link_office):
    assert connection.vendor == "postgresql"
    state = {"approve": "submitted", "publish": "approved", "withdraw": "submitted"}[transition]
    scenario = ScenarioFactory(state=state, release_event=ReleaseEventFactory())
    outcomes = race(
        2, lambda: services.scenario_transition(name=transition, scenario_id=scenario.pk, actor_user=link_office)
    )
    wins = [o for o in outcomes if isinstance(o, Scenario)]
    refusals = [o for o in outcomes if isinstance(o, DomainError)]
    assert len(wins) == 1, outcomes
    assert len(refusals) == 1, outcomes
    assert refusals[0].code == "already_done"
    assert TransitionLog.objects.filter(scenario=scenario, transition=transition).count() == 1


def test_publish_and_withdraw_racing_leave_one_consistent_outcome(link_office):
    scenario = ScenarioFactory(state="approved", release_event=ReleaseEventFactory())
    outcomes = race(2, lambda: None)  # warm-up: threads and connections work
    assert outcomes == [None, None]
    names = iter(["publish", "withdraw"])
    lock = threading.Lock()

    def act():
        with lock:
            name = next(names)
        return services.scenario_transition(name=name, scenario_id=scenario.pk, actor_user=link_office)

    outcomes = race(2, act)
    assert sum(isinstance(o, Scenario) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, DomainError) for o in outcomes) == 1, outcomes
    scenario.refresh_from_db()
    assert TransitionLog.objects.filter(scenario=scenario).count() == 1
    assert scenario.state == TransitionLog.objects.get(scenario=scenario).to_state


def test_two_sweeps_at_once_raise_each_reminder_once_and_send_one_email():
    import datetime

    from django.core import mail
    from django.utils import timezone

    from marketplace.choices import OrganizationKind as K
    from marketplace.models import EmailDigest, Notification
    from scenarios.models import Reminder
    from tests.factories import member_of

    city = member_of(K.CITY_OFFICE, "510100").user
    city.email = "city@example.cn"
    city.save(update_fields=["email"])
    submitted = timezone.make_aware(datetime.datetime(2026, 11, 2, 10))
    for _ in range(20):
        ScenarioFactory(state="submitted", submitted_at=submitted)
    day = datetime.date(2026, 11, 9)
    outcomes = race(3, lambda: services.followup_sweep(as_of=day))
    assert all(isinstance(o, dict) for o in outcomes), outcomes
    assert sum(o["submitted_unreviewed"]["raised"] for o in outcomes) == 20
    assert Reminder.objects.filter(rule="submitted_unreviewed").count() == 20
    assert set(Reminder.objects.values_list("times_notified", flat=True)) == {1}
    assert Notification.objects.filter(recipient=city, kind="reminder").count() == 1
    assert EmailDigest.objects.filter(recipient=city).count() == 1
    assert len([m for m in mail.outbox if "city@example.cn" in m.to]) == 1
