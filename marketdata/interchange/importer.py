"""Import a market file: all or nothing, idempotent on keys, every bad record reported, bounded memory.

Three streaming passes over the file: (1) check each record alone and collect the keys of every
section; (2) check references (to records in the file, before or after, or already in the database);
(3) write, in one transaction, in batches. Memory grows with the number of keys, never with the
size of the records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from marketplace.choices import PROVIDER_KINDS, OrganizationKind
from marketplace.models import Organization, Region, Sector
from outbox.services import enqueue
from scenarios.models import ReleaseEvent

from . import FORMAT, SECTIONS
from .reader import Header, records
from .schema import SCHEMA, clean_record
from .writer import Writer

MAX_LISTED_ERRORS = 1000
REFERENCED_KIND = {
    ("products", "supplier"): (OrganizationKind.SUPPLIER,),
    ("proposals", "supplier"): (OrganizationKind.SUPPLIER,),
    ("agreements", "suppliers"): (OrganizationKind.SUPPLIER,),
    ("scenarios", "provider"): PROVIDER_KINDS,
}


class ImportFailed(Exception):
    def __init__(self, errors: list[str], total: int):
        self.errors, self.total = errors, total
        super().__init__(f"{total} error(s) in the file; nothing was imported")


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))


class _Errors:
    def __init__(self):
        self.listed: list[str] = []
        self.total = 0

    def add(self, path: str, message: str) -> None:
        self.total += 1
        if len(self.listed) < MAX_LISTED_ERRORS:
            self.listed.append(f"{path}: {message}")


def import_market(path: str | Path, *, source: str | None = None) -> ImportReport:
    path = Path(path)
    errors = _Errors()
    keys, org_kinds, order = _pass_one(path, errors)
    if errors.total == 0:
        _pass_two(path, keys, org_kinds, errors)
    if errors.total:
        raise ImportFailed(errors.listed, errors.total)
    report = ImportReport()
    in_dependency_order = order == sorted(order, key=SECTIONS.index)
    with transaction.atomic():
        writer = Writer(report=report, source=source or path.name)
        for section in [None] if in_dependency_order else [s for s in SECTIONS if s in order]:
            with path.open("rb") as fh:
                for name, _index, record in records(fh):
                    if section is None or name == section:
                        writer.add(name, clean_record(name, record)[0])
            writer.flush()
        if any(report.created.get(s) or report.updated.get(s) for s in MATCHED_SECTIONS):
            # Written in bulk, the records skipped the per-save analysis: once committed, they are analysed
            # and the market re-matched in chunks, so they are searchable and matched without a manual run.
            enqueue("matching.tasks.imported")
    return report


MATCHED_SECTIONS = ("products", "scenarios")


def _pass_one(path: Path, errors: _Errors):
    """Check each record alone; collect keys per section and organisation kinds."""
    keys: dict[str, set[str]] = {s: set() for s in SECTIONS}
    org_kinds: dict[str, str] = {}
    header = Header()
    regions = set(Region.objects.values_list("code", flat=True))
    sectors = set(Sector.objects.values_list("code", flat=True))
    order: list[str] = []
    # Natural keys that the database holds unique, checked here so the file is refused with a path.
    unique_seen: dict[tuple[str, tuple], str] = {}
    try:
        with path.open("rb") as fh:
            for section, index, record in records(fh, header):
                if section not in SCHEMA:
                    continue  # reported once below, from the header
                if not order or order[-1] != section:
                    order.append(section)
                where = f"{section}[{index}]"
                values, problems = clean_record(section, record)
                for name, message in problems:
                    errors.add(f"{where}.{name}" if name else where, message)
                _check_codes(section, values, where, regions, sectors, errors)
                key = values.get("key")
                if key is None:
                    continue
                for natural in _natural_keys(section, values):
                    other = unique_seen.setdefault(natural, key)
                    if other != key:
                        errors.add(where, f"same {natural[0]} as the record with key {other!r}")
                if key in keys[section]:
                    errors.add(f"{where}.key", f"duplicate key {key!r}")
                keys[section].add(key)
                if section == "organizations" and "kind" in values:
                    org_kinds[key] = values["kind"]
    except Exception as exc:  # ijson raises its own error types for malformed JSON
        if exc.__class__.__module__.startswith("ijson") or isinstance(exc, ValueError | UnicodeDecodeError):
            errors.add("(file)", f"not valid JSON: {exc}")
            return keys, org_kinds, order
        raise
    if header.format != FORMAT:
        errors.add("format", f"must be {FORMAT!r}")
    for name in header.top_keys:
        if name != "format" and name not in SCHEMA:
            errors.add(name, "unknown section")
    for name in header.non_list_sections:
        errors.add(name, "must be a list")
    return keys, org_kinds, order


def _natural_keys(section: str, v: dict) -> list[tuple[str, tuple]]:
    if section == "organizations" and "credit_code" in v:
        return [("credit_code", (v["credit_code"],))]
    if section == "proposals" and "scenario" in v and "supplier" in v:
        return [("scenario and supplier", (v["scenario"], v["supplier"]))]
    if section == "benchmark_cases" and "scenario" in v:
        return [("scenario", ("case", v["scenario"]))]
    return []


def _check_codes(section, values, where, regions, sectors, errors) -> None:
    for name in ("region", "host_region"):
        code = values.get(name)
        if code and code not in regions:
            errors.add(f"{where}.{name}", f"unknown region code {code}")
    for code in [values["sector"]] if values.get("sector") else values.get("sectors", []):
        if code not in sectors:
            errors.add(f"{where}.{'sector' if 'sector' in values else 'sectors'}", f"unknown sector code {code}")


def _pass_two(path: Path, keys, org_kinds, errors: _Errors) -> None:
    """Check every reference against the file's keys and, failing that, the database."""
    from marketplace.models import Product
    from scenarios.models import Scenario as ScenarioModel

    models = {
        "organizations": Organization,
        "release_events": ReleaseEvent,
        "products": Product,
        "scenarios": ScenarioModel,
    }
    db_cache: dict[tuple[str, str], str | bool] = {}

    def known(section: str, key: str) -> str | bool:
        if key in keys[section]:
            return org_kinds.get(key, True) if section == "organizations" else True
        if (section, key) not in db_cache:
            qs = models[section].objects.filter(key=key)
            if section == "organizations":
                db_cache[(section, key)] = qs.values_list("kind", flat=True).first() or False
            else:
                db_cache[(section, key)] = qs.exists()
        return db_cache[(section, key)]

    with path.open("rb") as fh:
        for section, index, record in records(fh):
            if section not in SCHEMA:
                continue
            values, _problems = clean_record(section, record)
            for name, f in SCHEMA[section].items():
                if not f.ref or values.get(name) is None:
                    continue
                refs = values[name] if isinstance(values[name], list) else [values[name]]
                for ref in refs:
                    found = known(f.ref, ref)
                    path_ = f"{section}[{index}].{name}"
                    if not found:
                        errors.add(path_, f"unknown {f.ref[:-1].replace('_', ' ')} {ref!r}")
                    elif (section, name) in REFERENCED_KIND and found not in REFERENCED_KIND[(section, name)]:
                        errors.add(path_, f"{ref!r} is a {found}, not a {'/'.join(REFERENCED_KIND[(section, name)])}")
            if section == "organizations" and values.get("credit_code"):
                holder = Organization.objects.filter(credit_code=values["credit_code"]).exclude(key=values.get("key"))
                if holder.exists():
                    errors.add(f"{section}[{index}].credit_code", "already registered to another organization")
            for grant in values.get("support") or []:
                if grant["recipient"] and not known("organizations", grant["recipient"]):
                    errors.add(f"{section}[{index}].support", f"unknown organization {grant['recipient']!r}")
