from __future__ import annotations

import django_filters as filters
from django.db.models import Q

from common.filters import IntegerFilter, StrictFilterSet
from matching.search import search

from .choices import Maturity, Qualification
from .models import Product, Sector


def sector_ids(code: str) -> list[int]:
    """A sector code matches itself and, for a top-level sector, every sub-area under it."""
    return list(Sector.objects.filter(Q(code=code) | Q(parent__code=code)).values_list("pk", flat=True))


class ProductFilter(StrictFilterSet):
    q = filters.CharFilter(
        method="filter_q", max_length=200, help_text="Chinese full-text search, ranked by relevance (synonyms count)"
    )

    def filter_q(self, queryset, name, value):
        return search(queryset, value, "name")

    supplier = IntegerFilter(field_name="supplier_id")
    sector = filters.CharFilter(method="filter_sector", help_text="sector or sub-area code")
    maturity = filters.ChoiceFilter(choices=Maturity.choices)
    capability = filters.CharFilter(field_name="capabilities__name", distinct=True)
    supplier_region = filters.CharFilter(field_name="supplier__region__code")
    qualification = filters.ChoiceFilter(
        field_name="supplier__qualifications__code", choices=Qualification.choices, distinct=True
    )

    class Meta:
        model = Product
        fields = ["supplier", "sector", "maturity", "capability", "supplier_region", "qualification"]

    def filter_sector(self, queryset, name, value):
        return queryset.filter(sectors__in=sector_ids(value)).distinct()
