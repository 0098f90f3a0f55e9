"""Strict query filters: a value the contract calls invalid is refused (400), never silently ignored."""

import django_filters as filters
from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db.models import F
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework.filters import OrderingFilter


class IntegerFilter(filters.NumberFilter):
    """A whole-number filter (django-filter's NumberFilter accepts decimals such as 0.5)."""

    field_class = forms.IntegerField


BIGINT = 2**63 - 1


def _beyond_bigint(value: str) -> bool:
    """A whole number no database column holds (it would fail in the query, as a 500)."""
    digits = value.strip().lstrip("+-")
    return digits.isdigit() and int(digits) > BIGINT


class StrictFilterSet(filters.FilterSet):
    """Refuses empty values and booleans other than true/false, which django-filter would ignore."""

    def is_valid(self):
        valid = super().is_valid()
        for name, flt in self.filters.items():
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
            values = [v for v in values if v is not None]
            if not values or name not in self.form.fields:
                continue
            if any("\x00" in v for v in values):
                self.form.add_error(name, _("不能包含空字符（\\0）。"))
                valid = False
            elif any(v == "" for v in values):
                self.form.add_error(name, _("不能为空。"))
                valid = False
            elif any(_beyond_bigint(v) for v in values):
                self.form.add_error(name, _("数值超出范围。"))
                valid = False
            elif isinstance(flt, filters.BooleanFilter) and any(v.lower() not in ("true", "false") for v in values):
                self.form.add_error(name, _("须为 true 或 false。"))
                valid = False
        return valid


class StrictFilterBackend(DjangoFilterBackend):
    filterset_base = StrictFilterSet


def check_filters(request, queryset, filterset_class) -> None:
    """Query filters checked as filtering would check them (400 when refused), without filtering."""
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)


class RelevanceOrderingFilter(OrderingFilter):
    """With a search (`?q=`) and no explicit `ordering`, the best answers come first. Empty values sort
    last in either direction, on every database (PostgreSQL would put them first when descending, so an
    office's undated drafts would head the "newest published" list)."""

    def get_default_ordering(self, view):
        ordering = super().get_default_ordering(view) or []
        if view.request.query_params.get("q"):
            return ["-relevance", *ordering]
        return ordering

    def filter_queryset(self, request, queryset, view):
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*(_nulls_last(queryset.model, term) for term in ordering))


def _nulls_last(model, term):
    if not isinstance(term, str):
        return term
    name = term.lstrip("-")
    try:
        nullable = model._meta.get_field(name).null
    except FieldDoesNotExist:  # an annotation such as relevance
        return term
    if not nullable:
        return term
    return F(name).desc(nulls_last=True) if term.startswith("-") else F(name).asc(nulls_last=True)
