"""Filters the pages share: money in 万元, a budget range, a state as a coloured label with words."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

STATE_TONES = {
    "draft": "muted",
    "submitted": "muted",
    "approved": "muted",
    "published": "open",
    "signed": "done",
    "in_cooperation": "done",
    "benchmark": "star",
    "demonstration": "star",
    "closed": "muted",
    "withdrawn": "muted",
    "pending": "wait",
    "verified": "done",
    "refused": "warn",
}


def _wan(value) -> str:
    number = Decimal(value)
    return f"{number:,.2f}".rstrip("0").rstrip(".")


@register.filter
def wan(value) -> str:
    """An amount in 万元, e.g. 1,250 万元."""
    if value in (None, ""):
        return "—"
    return _("{n} 万元").format(n=_wan(value))


@register.filter
def budget(scenario) -> str:
    low, high = scenario.budget_min, scenario.budget_max
    if low is None and high is None:
        return _("面议")
    if low is None or high is None or low == high:
        return _("{n} 万元").format(n=_wan(high if low is None else low))
    return _("{low}–{high} 万元").format(low=_wan(low), high=_wan(high))


@register.simple_tag
def state_label(value: str, label) -> str:
    return format_html('<span class="label label-{}">{}</span>', STATE_TONES.get(value, "muted"), label)


@register.filter
def percent_of(value, total) -> int:
    try:
        return max(0, min(100, round(100 * float(value) / float(total))))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0
