"""Background work that follows scenario changes. Each task takes ids and is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from marketplace.choices import NotificationKind
from marketplace.selectors import city_staff_of, members_of
from marketplace.services import notification_send

from .choices import ScenarioState
from .models import TransitionLog


@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=300, max_retries=5, acks_late=True
)
def scenario_transitioned(log_id: int) -> int:
    """Tell the scenario's provider and its city staff what happened (the actor excepted)."""
    log = TransitionLog.objects.select_related("scenario", "scenario__provider").filter(pk=log_id).first()
    if log is None:
        return 0
    scenario = log.scenario
    people = [m.user for m in members_of([scenario.provider_id])] + [m.user for m in city_staff_of(scenario.region_id)]
    recipients = [u for u in people if u.pk != log.actor_id]
    with override("zh-hans"):
        title = _("场景“{title}”已变为“{state}”").format(title=scenario.title, state=ScenarioState(log.to_state).label)
    with transaction.atomic():
        return notification_send(
            recipients=recipients,
            kind=NotificationKind.TRANSITION,
            title=title,
            body=log.reason,
            link=f"/admin/scenarios/scenario/{scenario.pk}/change/",
            dedupe_key=f"transition:{log.pk}",
        )
