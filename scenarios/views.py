"""Public pages (the web pages of later work build on the API; these two the public needs now)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render

from marketplace.selectors import actor_for

from .selectors import benchmark_case_list_for


def benchmark_gallery(request):
    """标杆案例 gallery: the designated, public cases, with their outcomes and the support they received."""
    cases = (
        benchmark_case_list_for(actor_for(AnonymousUser()))
        .select_related("scenario__provider", "scenario__region", "scenario__sector__parent")
        .prefetch_related("support_grants", "pictures")
        .order_by("-created_at")
    )
    return render(request, "scenarios/gallery.html", {"cases": cases})
