from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("供需对接")

    def ready(self):
        from . import (
            policies,  # noqa: F401
            signals,  # noqa: F401
        )
