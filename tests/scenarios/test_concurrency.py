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
