"""Export the market as one document in the interchange format, streamed record by record."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, TextIO

from django.db.models import QuerySet

from marketplace.models import Organization, Product
from scenarios.models import Agreement, BenchmarkCase, ProgressReport, Proposal, ReleaseEvent, Scenario

from . import FORMAT, SECTIONS

CHUNK = 2000


def _num(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value):
    return value.isoformat() if value else None


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def _organization(o: Organization) -> dict:
    return _drop_none(
        {
            "key": o.key,
            "name": o.name,
            "credit_code": o.credit_code,
            "kind": o.kind,
            "region": o.region.code if o.region_id else None,
            "qualifications": sorted(q.code for q in o.qualifications.all()),
            "description": o.description,
            "headcount": o.headcount,
            "website": o.website,
        }
    )


def _event(e: ReleaseEvent) -> dict:
    return _drop_none(
        {
            "key": e.key,
            "name": e.name,
            "kind": e.kind,
            "year": e.year,
            "quarter": e.quarter,
            "host_region": e.host_region.code,
            "date": _date(e.date),
            "venue": e.venue,
            "description": e.description,
            "list_final": e.list_final,
        }
    )


def _product(p: Product) -> dict:
    flags = [f for f in ("equipment", "material", "software") if getattr(p, f"first_of_kind_{f}")]
    return _drop_none(
        {
            "key": p.key,
            "supplier": p.supplier.key,
            "name": p.name,
            "description": p.description,
            "capabilities": sorted(c.name for c in p.capabilities.all()),
            "sectors": sorted(s.code for s in p.sectors.all()),
            "maturity": p.maturity,
            "price_min": _num(p.price_min),
            "price_max": _num(p.price_max),
            "reference_deployments": p.reference_deployments,
            "first_of_kind": flags,
            "is_active": p.is_active,
        }
    )


def _scenario(s: Scenario) -> dict:
    return _drop_none(
        {
            "key": s.key,
            "provider": s.provider.key,
            "title": s.title,
            "category": s.category,
            "sector": s.sector.code,
            "purpose": s.purpose,
            "requirements": s.requirements,
            "cooperation_mode": s.cooperation_mode,
            "budget_min": _num(s.budget_min),
            "budget_max": _num(s.budget_max),
            "region": s.region.code,
            "state": s.state,
            "published_at": _date(s.published_at),
            "release_event": s.release_event.key if s.release_event_id else None,
            "expected_start": _date(s.expected_start),
            "duration_months": s.duration_months,
            "contact_name": s.contact_name,
            "contact_phone": s.contact_phone,
            "contact_email": s.contact_email,
            "closed_reason": s.closed_reason,
        }
    )


def _proposal(p: Proposal) -> dict:
    return _drop_none(
        {
            "key": p.key,
            "scenario": p.scenario.key,
            "supplier": p.supplier.key,
            "kind": p.kind,
            "status": p.status,
            "products": sorted(x.key for x in p.products.all()),
            "price": _num(p.price),
            "plan": p.plan,
            "submitted_at": p.submitted_at.isoformat(),
        }
    )


def _agreement(a: Agreement) -> dict:
    return _drop_none(
        {
            "key": a.key,
            "scenario": a.scenario.key,
            "suppliers": sorted(s.key for s in a.suppliers.all()),
            "products": sorted(p.key for p in a.products.all()),
            "signed_on": _date(a.signed_on),
            "amount": _num(a.amount),
            "summary": a.summary,
        }
    )


def _report(r: ProgressReport) -> dict:
    return {
        "key": r.key,
        "scenario": r.scenario.key,
        "reported_on": _date(r.reported_on),
        "summary": r.summary,
        "milestone": r.milestone,
        "milestone_status": r.milestone_status,
        "progress_percent": r.progress_percent,
        "cooperation_started": r.cooperation_started,
    }


def _case(c: BenchmarkCase) -> dict:
    return {
        "key": c.key,
        "scenario": c.scenario.key,
        "title": c.title,
        "background": c.background,
        "solution": c.solution,
        "outcomes": c.outcomes,
        "outcome_figures": c.outcome_figures,
        "recommended_national_pilot": c.recommended_national_pilot,
        "recommended_typical_case": c.recommended_typical_case,
        "is_public": c.is_public,
        "support": [
            _drop_none(
                {
                    "kind": g.kind,
                    "amount": _num(g.amount),
                    "granted_on": _date(g.granted_on),
                    "recipient": g.recipient.key if g.recipient_id else None,
                    "note": g.note,
                }
            )
            for g in c.support_grants.all()
        ],
    }


QUERIES: dict[str, tuple[Callable[[], QuerySet], Callable[[Any], dict]]] = {
    "organizations": (
        lambda: Organization.objects.select_related("region").prefetch_related("qualifications"),
        _organization,
    ),
    "release_events": (lambda: ReleaseEvent.objects.select_related("host_region"), _event),
    "products": (
        lambda: Product.objects.select_related("supplier").prefetch_related("capabilities", "sectors"),
        _product,
    ),
    "scenarios": (lambda: Scenario.objects.select_related("provider", "sector", "region", "release_event"), _scenario),
    "proposals": (
        lambda: Proposal.objects.select_related("scenario", "supplier").prefetch_related("products"),
        _proposal,
    ),
    "agreements": (
        lambda: Agreement.objects.select_related("scenario").prefetch_related("suppliers", "products"),
        _agreement,
    ),
    "progress_reports": (lambda: ProgressReport.objects.select_related("scenario"), _report),
    "benchmark_cases": (
        lambda: BenchmarkCase.objects.select_related("scenario").prefetch_related("support_grants__recipient"),
        _case,
    ),
}


def records(section: str) -> Iterator[dict]:
    query, to_dict = QUERIES[section]
    for obj in query().order_by("key").iterator(chunk_size=CHUNK):
        yield to_dict(obj)


def export_market(out: TextIO) -> dict[str, int]:
    """Write the whole market to `out`; returns the number of records per section."""
    counts = {}
    out.write('{\n"format": ' + json.dumps(FORMAT))
    for section in SECTIONS:
        out.write(f',\n"{section}": [')
        n = 0
        for record in records(section):
            out.write(("\n" if n == 0 else ",\n") + json.dumps(record, ensure_ascii=False, sort_keys=False))
            n += 1
        out.write("\n]" if n else "]")
        counts[section] = n
    out.write("\n}\n")
    return counts
