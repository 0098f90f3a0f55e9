from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    name = "scenarios"
    verbose_name = _("应用场景")

    def ready(self):
        from audit.labels import register

        from . import policies  # noqa: F401
        from .lifecycle import TRANSITIONS

        register({t.action: t.label for t in TRANSITIONS.values()})
