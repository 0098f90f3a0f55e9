"""What every page's header needs: who is logged in, as what, and how many notifications wait unread."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from common.policy import restrict
from marketplace.models import Notification
from marketplace.selectors import actor_for


def site(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = actor_for(user)
    return {
        "actor": actor,
        "unread_notifications": SimpleLazyObject(
            lambda: restrict(Notification, actor).filter(read_at__isnull=True).count()
        ),
    }
