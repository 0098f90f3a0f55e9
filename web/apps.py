from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The public site and the organisations' pages: a door onto the same selectors, policy and services."""

    name = "web"
    verbose_name = _("公共网站")
