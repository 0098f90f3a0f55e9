"""A real Celery worker on the real broker runs the work a transition enqueues after commit."""

import time

import pytest

from marketplace.choices import OrganizationKind as K
from outbox.models import OutboxMessage
from scenarios import services
from tests.conftest import requires_broker
from tests.factories import ScenarioFactory, member_of

pytestmark = [
    # One broker queue for the real workers: these run in one xdist worker, one after the other.
    pytest.mark.xdist_group("celery"),
    pytest.mark.integration,
    requires_broker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def worker(celery_workers):
    return celery_workers(1)[0]


def wait_for(predicate, seconds=45):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def test_transition_notifies_the_provider_through_a_real_worker(worker):
    provider = member_of(K.ENTERPRISE, "510100")
    city = member_of(K.CITY_OFFICE, "510100").user
    scenario = ScenarioFactory(provider=provider.organization, state="submitted")
    services.scenario_approve(scenario_id=scenario.pk, actor_user=city)
    assert wait_for(lambda: provider.user.notifications.exists()), list(
        OutboxMessage.objects.values_list("task", "sent_at", "last_error")
    )
    assert provider.user.notifications.count() == 1
