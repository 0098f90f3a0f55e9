from celery import shared_task

from . import services


@shared_task(acks_late=True)
def relay() -> int:
    """Beat's minute: hand the broker whatever it could not take when it was asked."""
    return services.relay()
