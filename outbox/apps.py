from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("待发任务")

    def ready(self):
        from . import policies  # noqa: F401
