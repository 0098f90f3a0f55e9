from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketdataConfig(AppConfig):
    """Whole-market tools above every app: the demo market, the interchange file, the synthetic markets of
    the benchmarks. They compose the apps' services; no app imports them."""

    name = "marketdata"
    verbose_name = _("市场数据")
