"""The transactional outbox: how a service asks for follow-on work (STYLE.md "Background work").

A service calls `enqueue("scenarios.tasks.proposal_received", proposal.pk)` inside its transaction. The
request is a row of that transaction, so it exists exactly when the change does; after commit it is handed to
Celery at once, and if the broker cannot take it (down, unreachable) the row stays pending and the relay
(`outbox.tasks.relay`, every minute on beat) sends it when the broker is back. The task is named, not imported:
the services never import the tasks that call them back, which is the one convention that keeps the layers
acyclic. Every task is idempotent, so a message handed over twice (sent, then the mark lost) is harmless.
"""

from __future__ import annotations

import datetime
import logging
from importlib import import_module

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

log = logging.getLogger(__name__)


def _task(name: str):
    module, attr = name.rsplit(".", 1)
    return getattr(import_module(module), attr)


def enqueue(task: str, *args) -> OutboxMessage:
    """Ask for `task(*args)` once the current transaction commits (at once, outside of one)."""
    message = OutboxMessage.objects.create(task=task, args=list(args))
    transaction.on_commit(lambda: deliver(message.pk))
    return message


def deliver(message_id: int) -> bool:
    """Hand one pending message to Celery; keep it pending if the broker refuses. Returns whether it went."""
    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return False
    task = _task(message.task)
    # Marked first: a task run in-process (no broker) may itself enqueue and commit; a failed hand-over
    # clears the mark again.
    OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
    try:
        task.apply_async(args=message.args, retry=False)
    except Exception as exc:
        if task.app.conf.task_always_eager:
            raise  # in-process: the task's own failure, not the broker's
        log.warning("outbox: %s not handed to the broker (%s); the relay will retry", message, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(sent_at=None, last_error=str(exc)[:500])
        return False
    return True


KEEP_SENT = datetime.timedelta(days=7)


def relay(limit: int = 1000) -> int:
    """Send what the broker did not take (oldest first), and forget what was handed over more than a week
    ago (the audit trail, not the outbox, is the record of what happened). Returns how many went."""
    OutboxMessage.objects.filter(sent_at__lt=timezone.now() - KEEP_SENT).delete()
    pending = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("created_at").values_list("pk", flat=True)
    return sum(deliver(pk) for pk in list(pending[:limit]))
