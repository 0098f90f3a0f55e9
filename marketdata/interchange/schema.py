"""What each record of the market file may hold, and the checks on a single record.

Checks that need other records (references, duplicate keys) are the importer's.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from common.credit_code import credit_code_error
from marketplace.choices import Maturity, OrganizationKind, Qualification
from scenarios.choices import (
    PUBLISHED_STATES,
    CooperationMode,
    EventKind,
    MilestoneStatus,
    ProposalKind,
    ProposalStatus,
    ScenarioCategory,
    ScenarioState,
    SupportKind,
)


class Bad(ValueError):
    """A field's value is not acceptable; the message says why (in English: the file format is English)."""


def text(max_len: int | None = None, *, blank: bool = True) -> Callable[[Any], str]:
    def check(v):
        if not isinstance(v, str):
            raise Bad("must be a string")
        if not blank and not v.strip():
            raise Bad("must not be empty")
        if max_len and len(v) > max_len:
            raise Bad(f"longer than {max_len} characters")
        return v

    return check


def choice(options) -> Callable[[Any], str]:
    values = list(options.values) if hasattr(options, "values") else list(options)

    def check(v):
        if v not in values:
            raise Bad(f"unknown value {v!r} (one of {', '.join(values)})")
        return v

    return check


def money(v) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, int | float | Decimal):
        raise Bad("must be a number")
    try:
        d = Decimal(str(v))
    except InvalidOperation as exc:
        raise Bad("must be a number") from exc
    if d < 0 or d >= Decimal("1e10"):
        raise Bad("must be between 0 and 9,999,999,999")
    return d.quantize(Decimal("0.01"))


def integer(lo: int, hi: int) -> Callable[[Any], int]:
    def check(v):
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise Bad(f"must be a whole number from {lo} to {hi}")
        return v

    return check


def boolean(v) -> bool:
    if not isinstance(v, bool):
        raise Bad("must be true or false")
    return v


def iso_date(v) -> datetime.date:
    try:
        return datetime.date.fromisoformat(v)
    except (TypeError, ValueError) as exc:
        raise Bad("must be an ISO date (YYYY-MM-DD)") from exc


def iso_datetime(v) -> datetime.datetime:
    try:
        value = datetime.datetime.fromisoformat(v)
    except (TypeError, ValueError) as exc:
        raise Bad("must be an ISO date-time") from exc
    if value.tzinfo is None:
        raise Bad("must carry a time zone offset")
    return value


def credit_code(v) -> str:
    text(18)(v)
    error = credit_code_error(v)
    if error:
        raise Bad(f"invalid unified social credit code ({error})")
    return v


def list_of(item: Callable[[Any], Any], *, unique: bool = True) -> Callable[[Any], list]:
    def check(v):
        if not isinstance(v, list):
            raise Bad("must be a list")
        out = [item(x) for x in v]
        if unique and len({repr(x) for x in out}) != len(out):
            raise Bad("has duplicates")
        return out

    return check


def figures(v) -> list:
    if not isinstance(v, list) or not all(isinstance(x, dict) and "label" in x for x in v):
        raise Bad('must be a list of objects with a "label"')
    return [{k: float(x) if isinstance(x, Decimal) else x for k, x in f.items()} for f in v]


def support(v) -> list:
    if not isinstance(v, list):
        raise Bad("must be a list")
    out = []
    for i, row in enumerate(v):
        if not isinstance(row, dict):
            raise Bad(f"[{i}] must be an object")
        unknown = set(row) - {"kind", "amount", "granted_on", "recipient", "note"}
        if unknown:
            raise Bad(f"[{i}] unknown field {sorted(unknown)[0]!r}")
        try:
            out.append(
                {
                    "kind": choice(SupportKind)(row.get("kind")),
                    "amount": money(row["amount"]) if row.get("amount") is not None else None,
                    "granted_on": iso_date(row["granted_on"]) if row.get("granted_on") else None,
                    "recipient": text(64)(row["recipient"]) if row.get("recipient") else None,
                    "note": text(200)(row.get("note", "")),
                }
            )
        except Bad as exc:
            raise Bad(f"[{i}] {exc}") from exc
    return out


@dataclass(frozen=True)
class F:
    check: Callable[[Any], Any]
    required: bool = False
    # Section that a reference points to (by key); a list field points to many.
    ref: str | None = None


KEY = F(text(64, blank=False), required=True)

SCHEMA: dict[str, dict[str, F]] = {
    "organizations": {
        "key": KEY,
        "name": F(text(200, blank=False), True),
        "credit_code": F(credit_code, True),
        "kind": F(choice(OrganizationKind), True),
        "region": F(text(6)),
        "qualifications": F(list_of(choice(Qualification))),
        "description": F(text()),
        "headcount": F(integer(0, 10_000_000)),
        "website": F(text(200)),
    },
    "release_events": {
        "key": KEY,
        "name": F(text(200, blank=False), True),
        "kind": F(choice(EventKind)),
        "year": F(integer(2000, 2100), True),
        "quarter": F(integer(1, 4)),
        "host_region": F(text(6), True),
        "date": F(iso_date, True),
        "venue": F(text(200)),
        "description": F(text()),
        "list_final": F(boolean),
    },
    "products": {
        "key": KEY,
        "supplier": F(text(64), True, ref="organizations"),
        "name": F(text(200, blank=False), True),
        "description": F(text(blank=False), True),
        "capabilities": F(list_of(text(64, blank=False))),
        "sectors": F(list_of(text(64))),
        "maturity": F(choice(Maturity), True),
        "price_min": F(money),
        "price_max": F(money),
        "reference_deployments": F(text()),
        "first_of_kind": F(list_of(choice(["equipment", "material", "software"]))),
        "is_active": F(boolean),
    },
    "scenarios": {
        "key": KEY,
        "provider": F(text(64), True, ref="organizations"),
        "title": F(text(200, blank=False), True),
        "category": F(choice(ScenarioCategory), True),
        "sector": F(text(64), True),
        "purpose": F(text(blank=False), True),
        "requirements": F(text()),
        "cooperation_mode": F(choice(CooperationMode)),
        "budget_min": F(money),
        "budget_max": F(money),
        "region": F(text(6), True),
        "state": F(choice(ScenarioState)),
        "published_at": F(iso_date),
        "release_event": F(text(64), ref="release_events"),
        "expected_start": F(iso_date),
        "duration_months": F(integer(0, 600)),
        "contact_name": F(text(64)),
        "contact_phone": F(text(32)),
        "contact_email": F(text(254)),
        "closed_reason": F(text()),
    },
    "proposals": {
        "key": KEY,
        "scenario": F(text(64), True, ref="scenarios"),
        "supplier": F(text(64), True, ref="organizations"),
        "kind": F(choice(ProposalKind)),
        "status": F(choice(ProposalStatus)),
        "products": F(list_of(text(64)), ref="products"),
        "price": F(money),
        "plan": F(text()),
        "submitted_at": F(iso_datetime),
    },
    "agreements": {
        "key": KEY,
        "scenario": F(text(64), True, ref="scenarios"),
        "suppliers": F(list_of(text(64)), True, ref="organizations"),
        "products": F(list_of(text(64)), ref="products"),
        "signed_on": F(iso_date, True),
        "amount": F(money),
        "summary": F(text()),
    },
    "progress_reports": {
        "key": KEY,
        "scenario": F(text(64), True, ref="scenarios"),
        "reported_on": F(iso_date, True),
        "summary": F(text(blank=False), True),
        "milestone": F(text(200)),
        "milestone_status": F(choice(MilestoneStatus)),
        "progress_percent": F(integer(0, 100)),
        "cooperation_started": F(boolean),
    },
    "benchmark_cases": {
        "key": KEY,
        "scenario": F(text(64), True, ref="scenarios"),
        "title": F(text(200, blank=False), True),
        "background": F(text(blank=False), True),
        "solution": F(text(blank=False), True),
        "outcomes": F(text(blank=False), True),
        "outcome_figures": F(figures),
        "recommended_national_pilot": F(boolean),
        "recommended_typical_case": F(boolean),
        "is_public": F(boolean),
        "support": F(support),
    },
}


def clean_record(section: str, record: Any) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The record's checked values, and (field, message) for everything wrong with it."""
    if not isinstance(record, dict):
        return {}, [("", "must be an object")]
    spec = SCHEMA[section]
    errors: list[tuple[str, str]] = [(name, "unknown field") for name in record if name not in spec]
    values: dict[str, Any] = {}
    for name, f in spec.items():
        raw = record.get(name)
        if raw is None:
            if f.required:
                errors.append((name, "is required"))
            continue
        try:
            values[name] = f.check(raw)
        except Bad as exc:
            errors.append((name, str(exc)))
    errors.extend(_cross_field(section, values))
    return values, errors


def _cross_field(section: str, v: dict[str, Any]) -> list[tuple[str, str]]:
    errors = []
    for lo, hi in (("budget_min", "budget_max"), ("price_min", "price_max")):
        if v.get(lo) is not None and v.get(hi) is not None and v[lo] > v[hi]:
            errors.append((lo, f"{lo} is greater than {hi}"))
    if section == "scenarios":
        state = v.get("state", ScenarioState.DRAFT)
        if state in PUBLISHED_STATES and not v.get("published_at"):
            errors.append(("published_at", f"is required when the state is {state}"))
        if state == ScenarioState.CLOSED and not v.get("closed_reason", "").strip():
            errors.append(("closed_reason", "is required when the state is closed"))
    if section == "organizations" and v.get("kind") != OrganizationKind.LINK_OFFICE and "kind" in v:
        if not v.get("region"):
            errors.append(("region", f"is required for kind {v['kind']}"))
    if section == "release_events" and v.get("kind", EventKind.PROVINCIAL) == EventKind.PROVINCIAL:
        if v.get("quarter") is None:
            errors.append(("quarter", "is required for a provincial release event"))
    return errors
