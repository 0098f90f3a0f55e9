from common.policy import EVERYTHING, NOTHING, Policy, register

from .models import OutboxMessage


@register(OutboxMessage)
class OutboxPolicy(Policy):
    """The platform's own plumbing: the link office watches what is still waiting for the broker."""

    def view(self, actor):
        return EVERYTHING if actor.is_link_office else NOTHING
