"""Matching in the background. Every task takes ids, is safe to run twice and retries transient database
failures with backoff."""

from __future__ import annotations

from celery import group, shared_task
from django.db import OperationalError

from . import services
from .docking import docking_notify

RETRY = dict(
    autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=300, max_retries=5, acks_late=True
)


@shared_task(**RETRY)
def match_scenario(scenario_id: int) -> int:
    """A scenario was published (or changed): rank it now."""
    return services.rematch_scenarios([scenario_id])


@shared_task(**RETRY)
def match_product(product_id: int) -> int:
    """A product was created or changed: re-rank the open scenarios it may enter or leave."""
    return services.rematch_scenarios(services.scenarios_for_product(product_id))


@shared_task(**RETRY)
def match_chunk(run_id: int, number: int) -> int:
    return services.run_chunk(run_id, number)


@shared_task(**RETRY)
def enqueue_chunks(run_id: int) -> int:
    """Fan a recorded job's remaining chunks out to the workers."""
    numbers = services.pending_chunks(run_id)
    if numbers:
        group(match_chunk.s(run_id, n) for n in numbers).apply_async()
    return len(numbers)


@shared_task(**RETRY)
def full_rematch() -> int:
    """The periodic re-match (beat): record a job and fan it out."""
    return services.full_rematch_start().pk


@shared_task(**RETRY)
def imported() -> int:
    """A market file was imported: analyse what it wrote in bulk, then re-match everything in chunks."""
    from .market import analyze_missing

    analyze_missing()
    return services.full_rematch_start().pk


@shared_task(**RETRY)
def docking_scheduled(event_id: int, left_out: list[int]) -> int:
    """Each party of a scheduled event hears of its meetings; those offered a meeting but left without one
    are told to get in touch directly."""
    return docking_notify(event_id=event_id, left_out=left_out)
