"""The public site: the market as anyone meets it. Every page reads through the selectors and the one access
policy as the visitor (anonymous, or who they are logged in as): what a visitor may not see does not exist
on these pages either. No page changes anything."""

from __future__ import annotations

import datetime

from django.core.paginator import EmptyPage, InvalidPage, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from common.api import RankedPaginator
from common.policy import restrict
from marketplace.models import Region, Sector
from marketplace.selectors import ANONYMOUS, actor_for
from matching.search import plain_public_ranking
from scenarios.choices import PUBLIC_STATES, CooperationMode, ScenarioCategory, ScenarioState
from scenarios.exports import XLSX, booklet_rows, booklet_workbook
from scenarios.filtersets import BenchmarkCaseFilter, ScenarioFilter
from scenarios.models import DemonstrationZone, ReleaseEvent, Scenario
from scenarios.models.scenario import NEWEST_FIRST
from scenarios.opendata import figures_text, public_cases
from scenarios.policies import is_insider
from scenarios.selectors import (
    contact_for,
    event_scenarios_for,
    events_with_public_counts,
    plan_progress,
    public_awards,
    public_history,
    questions_for,
    scenario_list_for,
    suppliers_by_scenario,
)
from scenarios.zones import COMPONENT_LABELS, zone_scores

PAGE_SIZE = 20


def _page_number(request) -> int:
    raw = request.GET.get("page", "1") or "1"
    if not raw.isdigit() or int(raw) < 1:
        raise Http404(_("没有这一页。"))
    return int(raw)


def home(request):
    today = timezone.localdate()
    public_scenarios = restrict(Scenario, ANONYMOUS).select_related("provider", "region", "sector")
    events = ReleaseEvent.objects.select_related("host_region")
    return render(
        request,
        "web/home.html",
        {
            "year": today.year,
            "today": today,
            "targets": plan_progress(today.year, today),
            "next_event": events.filter(date__gte=today).order_by("date", "pk").first(),
            "latest_event": events.filter(date__lt=today).order_by("-date", "-pk").first(),
            "newest": list(public_scenarios.order_by(NEWEST_FIRST, "-id")[:6]),
            "cases": list(public_cases()[:3]),
        },
    )


# --- Scenarios -------------------------------------------------------------------------------------------------


def _options(pairs, chosen: str | None) -> list[tuple[str, str, bool]]:
    """A facet's options as (value, label, selected), worked out once here rather than per option in the
    template."""
    return [(str(value), str(label), str(value) == chosen) for value, label in pairs]


def _sector_options(chosen: str | None):
    """Top-level sectors and, under each, its sub-areas (a facet of two levels)."""
    sectors = list(Sector.objects.order_by("sort_order", "code").values_list("pk", "parent_id", "code", "name"))
    pairs = []
    for pk, parent, code, name in sectors:
        if parent is None:
            pairs.append((code, name))
            pairs += [(c, f"　└ {n}") for _pk, p, c, n in sectors if p == pk]
    return _options(pairs, chosen)


def scenario_list(request):
    actor = actor_for(request.user)
    # A form sends its empty fields: "any" here, where the API (strict) would refuse an empty value.
    params = request.GET.copy()
    for key in list(params):
        values = [v for v in params.getlist(key) if v.strip()]
        if values:
            params.setlist(key, values)
        else:
            del params[key]
    sort = params.pop("sort", ["relevance"])[-1]
    params.pop("page", None)
    base = scenario_list_for(actor)
    filterset = ScenarioFilter(params, queryset=base)
    page = None
    if filterset.is_valid():
        query = params.get("q")
        ranking = plain_public_ranking(actor, params) if sort != "newest" else None
        if ranking is not None:
            paginator = RankedPaginator(ranking, PAGE_SIZE, rows=base, key="scenario_id")
        elif query and sort != "newest":
            paginator = RankedPaginator(filterset.qs.order_by("-relevance", NEWEST_FIRST, "-id"), PAGE_SIZE)
        else:
            paginator = Paginator(filterset.qs.order_by(NEWEST_FIRST, "-id"), PAGE_SIZE)
        try:
            page = paginator.page(_page_number(request))
        except (EmptyPage, InvalidPage) as exc:
            if _page_number(request) > 1:
                raise Http404(_("没有这一页。")) from exc
    context = {
        "filterset": filterset,
        "errors": filterset.errors if page is None else {},
        "page": page,
        "params": params,
        "sort": sort,
        "sectors": _sector_options(params.get("sector")),
        "regions": _options(Region.objects.values_list("code", "name"), params.get("region")),
        "categories": _options(ScenarioCategory.choices, params.get("category")),
        "modes": _options(CooperationMode.choices, params.get("cooperation_mode")),
        "states": [(s.value, s.label) for s in ScenarioState if s in PUBLIC_STATES],
        "chosen_states": params.getlist("state"),
    }
    template = "web/scenario_list.html#results" if request.htmx else "web/scenario_list.html"
    return render(request, template, context, status=200 if page is not None else 400)


def scenario_detail(request, pk: int):
    actor = actor_for(request.user)
    scenario = get_object_or_404(
        scenario_list_for(actor)
        .select_related("sector__parent", "release_event__host_region")
        .prefetch_related("attachments"),
        pk=pk,
    )
    insider = is_insider(actor, scenario)
    public = scenario.state in PUBLIC_STATES and scenario.published_at is not None
    case = getattr(scenario, "benchmark_case", None) if public else None
    if case is not None and not public_cases().filter(pk=case.pk).exists():
        case = None
    return render(
        request,
        "web/scenario_detail.html",
        {
            "scenario": scenario,
            "public": public,
            "insider": insider,
            "contact": contact_for(actor, scenario),
            "history": public_history(scenario),
            "awards": public_awards([scenario.pk]) if public else [],
            # Answered questions only, for everyone alike (the asker's own open ones are in its workspace).
            "questions": list(questions_for(actor, scenario).filter(answered_at__isnull=False)) if public else [],
            "case": case,
            "open_for_proposals": scenario.state == ScenarioState.PUBLISHED,
        },
    )


# --- Release events --------------------------------------------------------------------------------------------


def event_list(request):
    years = sorted(set(ReleaseEvent.objects.values_list("year", flat=True)), reverse=True)
    raw = request.GET.get("year")
    if raw and not raw.isdigit():
        raise Http404(_("没有这一年。"))
    year = int(raw) if raw else (timezone.localdate().year if timezone.localdate().year in years else None)
    if year is None and years:
        year = years[0]
    events = events_with_public_counts().filter(year=year).order_by("date", "pk")
    quarters: dict[int | None, list] = {}
    for e in events:
        quarters.setdefault(e.quarter, []).append(e)
    return render(
        request,
        "web/event_list.html",
        {"year": year, "years": years, "quarters": sorted(quarters.items(), key=lambda kv: kv[0] or 9)},
    )


def event_detail(request, pk: int):
    event = get_object_or_404(ReleaseEvent.objects.select_related("host_region"), pk=pk)
    scenarios = event_scenarios_for(actor_for(request.user), event)
    return render(
        request,
        "web/event_detail.html",
        {"event": event, "scenarios": scenarios, "today": timezone.localdate()},
    )


def event_booklet(request, pk: int):
    """The booklet (场景清单) as a printable page: the public's view of the event's list."""
    event = get_object_or_404(ReleaseEvent, pk=pk)
    sections = booklet_rows(event_scenarios_for(actor_for(request.user), event))
    return render(request, "scenarios/booklet.html", {"event": event, "sections": sections})


def event_booklet_xlsx(request, pk: int):
    event = get_object_or_404(ReleaseEvent, pk=pk)
    body = booklet_workbook(event, event_scenarios_for(actor_for(request.user), event))
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="booklet-{event.pk}.xlsx"'
    return response


# --- Benchmark cases -------------------------------------------------------------------------------------------


def case_list(request):
    sector, region, year = request.GET.get("sector"), request.GET.get("region"), request.GET.get("year")
    chosen = {k: v for k, v in (("sector", sector), ("region", region)) if v}
    filterset = BenchmarkCaseFilter(chosen, queryset=public_cases())
    cases = filterset.qs if filterset.is_valid() else public_cases().none()
    if year:
        if not year.isdigit():
            raise Http404(_("没有这一年。"))
        cases = cases.filter(designated_at__year=int(year))
    years = sorted({d.year for d in public_cases().values_list("designated_at", flat=True) if d}, reverse=True)
    paginator = Paginator(cases, 12)
    try:
        page = paginator.page(_page_number(request))
    except (EmptyPage, InvalidPage) as exc:
        raise Http404(_("没有这一页。")) from exc
    suppliers = suppliers_by_scenario([c.scenario_id for c in page.object_list])
    for c in page.object_list:
        c.suppliers = suppliers.get(c.scenario_id, [])
    return render(
        request,
        "web/case_list.html",
        {
            "page": page,
            "sectors": Sector.objects.filter(parent__isnull=True),
            "regions": Region.objects.all(),
            "years": years,
            "chosen": {"sector": sector or "", "region": region or "", "year": year or ""},
        },
    )


def case_detail(request, pk: int):
    case = get_object_or_404(public_cases(), pk=pk)
    actor = actor_for(request.user)
    suppliers = suppliers_by_scenario([case.scenario_id]).get(case.scenario_id, [])
    replications = scenario_list_for(actor).filter(replicated_from=case).order_by(NEWEST_FIRST, "-id")
    return render(
        request,
        "web/case_detail.html",
        {
            "case": case,
            "suppliers": suppliers,
            "figures": case.outcome_figures or [],
            "figures_text": figures_text(case.outcome_figures),
            "grants": list(case.support_grants.select_related("recipient")),
            "pictures": list(case.pictures.all()),
            "replications": list(replications.exclude(region_id=case.scenario.region_id))
            + list(replications.filter(region_id=case.scenario.region_id)),
        },
    )


# --- Demonstration zones ---------------------------------------------------------------------------------------


def zones(request):
    scores = zone_scores()
    designated = list(restrict(DemonstrationZone, ANONYMOUS).select_related("region", "sector").order_by("-score"))
    marked = {(z.region_id, z.sector_id) for z in designated}
    for z in scores:
        z.designated = (z.region.pk, z.sector.pk) in marked
        z.parts = [
            {"name": name, "label": label, **z.components[name]}
            for name, label in COMPONENT_LABELS.items()
            if name in z.components
        ]
    return render(
        request,
        "web/zones.html",
        {"scores": scores[:30], "designated": designated, "labels": COMPONENT_LABELS, "today": datetime.date.today()},
    )
