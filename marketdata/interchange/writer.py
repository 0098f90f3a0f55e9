"""Writes checked records in batches: creates what is new, updates only what changed, and leaves
identical records alone, so that importing the same file twice changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone

from marketplace.models import Capability, Organization, OrganizationQualification, Product, Region, Sector
from scenarios.choices import ScenarioState
from scenarios.models import (
    Agreement,
    BenchmarkCase,
    ProgressReport,
    Proposal,
    ReleaseEvent,
    Scenario,
    SupportGrant,
    TransitionLog,
)

BATCH = 1000


class Refs:
    """Key → id look-ups for one batch (the batch's references only, so memory stays bounded)."""

    def __init__(self):
        self.regions = dict(Region.objects.values_list("code", "id"))
        self.sectors = dict(Sector.objects.values_list("code", "id"))
        self.cache: dict[type, dict[str, int]] = {}

    def load(self, model: type[models.Model], keys: set[str]) -> None:
        self.cache[model] = dict(model.objects.filter(key__in=keys).values_list("key", "id")) if keys else {}

    def id(self, model, key: str | None) -> int | None:
        return None if key is None else self.cache[model][key]


@dataclass(frozen=True)
class Section:
    model: type[models.Model]
    # Which sections' keys a batch refers to: model → fields of the record holding keys.
    refs: dict[type, tuple[str, ...]]
    fields: Callable[[dict, Refs], dict[str, Any]]
    m2m: Callable[[dict, Refs], dict[str, set]] = lambda v, r: {}


def _org_fields(v, r):
    return {
        "name": v["name"],
        "credit_code": v["credit_code"],
        "kind": v["kind"],
        "region_id": r.regions.get(v.get("region")),
        "description": v.get("description", ""),
        "headcount": v.get("headcount"),
        "website": v.get("website", ""),
    }


def _product_fields(v, r):
    flags = set(v.get("first_of_kind", []))
    return {
        "supplier_id": r.id(Organization, v["supplier"]),
        "name": v["name"],
        "description": v["description"],
        "maturity": v["maturity"],
        "price_min": v.get("price_min"),
        "price_max": v.get("price_max"),
        "reference_deployments": v.get("reference_deployments", ""),
        "is_active": v.get("is_active", True),
        "first_of_kind_equipment": "equipment" in flags,
        "first_of_kind_material": "material" in flags,
        "first_of_kind_software": "software" in flags,
    }


def _product_m2m(v, r):
    return {
        "capabilities": {r.capabilities[name] for name in v.get("capabilities", [])},
        "sectors": {r.sectors[code] for code in v.get("sectors", [])},
    }


def _event_fields(v, r):
    return {
        "name": v["name"],
        "kind": v.get("kind", "provincial"),
        "year": v["year"],
        "quarter": v.get("quarter"),
        "host_region_id": r.regions[v["host_region"]],
        "date": v["date"],
        "venue": v.get("venue", ""),
        "description": v.get("description", ""),
        "list_final": v.get("list_final", False),
    }


def _scenario_fields(v, r):
    return {
        "provider_id": r.id(Organization, v["provider"]),
        "title": v["title"],
        "category": v["category"],
        "sector_id": r.sectors[v["sector"]],
        "purpose": v["purpose"],
        "requirements": v.get("requirements", ""),
        "cooperation_mode": v.get("cooperation_mode", "procurement"),
        "budget_min": v.get("budget_min"),
        "budget_max": v.get("budget_max"),
        "region_id": r.regions[v["region"]],
        "state": v.get("state", ScenarioState.DRAFT),
        "published_at": v.get("published_at"),
        "release_event_id": r.id(ReleaseEvent, v.get("release_event")),
        "expected_start": v.get("expected_start"),
        "duration_months": v.get("duration_months"),
        "contact_name": v.get("contact_name", ""),
        "contact_phone": v.get("contact_phone", ""),
        "contact_email": v.get("contact_email", ""),
        "closed_reason": v.get("closed_reason", ""),
    }


def _proposal_fields(v, r):
    out = {
        "scenario_id": r.id(Scenario, v["scenario"]),
        "supplier_id": r.id(Organization, v["supplier"]),
        "kind": v.get("kind", "interest"),
        "status": v.get("status", "submitted"),
        "price": v.get("price"),
        "plan": v.get("plan", ""),
    }
    if "submitted_at" in v:
        out["submitted_at"] = v["submitted_at"]
    return out


def _agreement_fields(v, r):
    return {
        "scenario_id": r.id(Scenario, v["scenario"]),
        "signed_on": v["signed_on"],
        "amount": v.get("amount"),
        "summary": v.get("summary", ""),
    }


def _report_fields(v, r):
    return {
        "scenario_id": r.id(Scenario, v["scenario"]),
        "reported_on": v["reported_on"],
        "summary": v["summary"],
        "milestone": v.get("milestone", ""),
        "milestone_status": v.get("milestone_status", "planned"),
        "progress_percent": v.get("progress_percent", 0),
        "cooperation_started": v.get("cooperation_started", False),
    }


def _case_fields(v, r):
    return {
        "scenario_id": r.id(Scenario, v["scenario"]),
        "title": v["title"],
        "background": v["background"],
        "solution": v["solution"],
        "outcomes": v["outcomes"],
        "outcome_figures": v.get("outcome_figures", []),
        "recommended_national_pilot": v.get("recommended_national_pilot", False),
        "recommended_typical_case": v.get("recommended_typical_case", False),
        "is_public": v.get("is_public", True),
    }


SECTIONS = {
    "organizations": Section(Organization, {}, _org_fields),
    "release_events": Section(ReleaseEvent, {}, _event_fields),
    "products": Section(Product, {Organization: ("supplier",)}, _product_fields, _product_m2m),
    "scenarios": Section(Scenario, {Organization: ("provider",), ReleaseEvent: ("release_event",)}, _scenario_fields),
    "proposals": Section(
        Proposal,
        {Scenario: ("scenario",), Organization: ("supplier",), Product: ("products",)},
        _proposal_fields,
        lambda v, r: {"products": {r.id(Product, k) for k in v.get("products", [])}},
    ),
    "agreements": Section(
        Agreement,
        {Scenario: ("scenario",), Organization: ("suppliers",), Product: ("products",)},
        _agreement_fields,
        lambda v, r: {
            "suppliers": {r.id(Organization, k) for k in v["suppliers"]},
            "products": {r.id(Product, k) for k in v.get("products", [])},
        },
    ),
    "progress_reports": Section(ProgressReport, {Scenario: ("scenario",)}, _report_fields),
    "benchmark_cases": Section(BenchmarkCase, {Scenario: ("scenario",)}, _case_fields),
}


class Writer:
    def __init__(self, *, report, source: str):
        self.report, self.source = report, source
        self.section: str | None = None
        self.batch: list[dict] = []
        self.refs = Refs()

    def add(self, section: str, values: dict) -> None:
        if section != self.section or len(self.batch) >= BATCH:
            self.flush()
            self.section = section
        self.batch.append(values)

    def flush(self) -> None:
        if self.batch:
            self._write(self.section, self.batch)
        self.batch = []

    def _write(self, name: str, batch: list[dict]) -> None:
        spec = SECTIONS[name]
        self._load_refs(name, spec, batch)
        existing = {o.key: o for o in spec.model.objects.filter(key__in=[v["key"] for v in batch])}
        new, changed, changed_fields, states = [], [], set(), []
        for v in batch:
            fields = spec.fields(v, self.refs)
            obj = existing.get(v["key"])
            if obj is None:
                obj = spec.model(key=v["key"], **fields)
                if name == "proposals" and "submitted_at" not in fields:
                    obj.submitted_at = timezone.now()
                new.append(obj)
                self.report.created[name] += 1
                if name == "scenarios":
                    states.append((obj, ""))
                continue
            diff = [f for f, value in fields.items() if getattr(obj, f) != value]
            if name == "scenarios" and "state" in diff:
                states.append((obj, obj.state))
            for f in diff:
                setattr(obj, f, fields[f])
            if diff:
                changed.append(obj)
                changed_fields.update(diff)
                self.report.updated[name] += 1
            else:
                self.report.unchanged[name] += 1
        spec.model.objects.bulk_create(new, batch_size=BATCH)
        if changed:
            if name == "scenarios" and "state" in changed_fields:
                for obj in changed:
                    obj.state_changed_at = timezone.now()
                changed_fields.add("state_changed_at")
            spec.model.objects.bulk_update(changed, sorted(changed_fields), batch_size=BATCH)
        objects = {o.key: o for o in [*new, *existing.values()]}
        self._sync_m2m(spec, batch, objects)
        if name == "organizations":
            self._sync_qualifications(batch, objects)
        if name == "benchmark_cases":
            self._sync_support(batch, objects)
        if states:
            self._log_states(states)

    def _load_refs(self, name: str, spec: Section, batch: list[dict]) -> None:
        for model, fields in spec.refs.items():
            keys: set[str] = set()
            for v in batch:
                for f in fields:
                    value = v.get(f)
                    keys.update(value if isinstance(value, list) else [value] if value else [])
            self.refs.load(model, keys)
        if name == "products":
            names = {c for v in batch for c in v.get("capabilities", [])}
            Capability.objects.bulk_create([Capability(name=n) for n in names], ignore_conflicts=True)
            self.refs.capabilities = dict(Capability.objects.filter(name__in=names).values_list("name", "id"))
        if name == "benchmark_cases":
            recipients = {g["recipient"] for v in batch for g in v.get("support", []) if g["recipient"]}
            self.refs.load(Organization, recipients)

    def _sync_m2m(self, spec: Section, batch: list[dict], objects: dict) -> None:
        wanted: dict[str, dict[int, set]] = {}
        for v in batch:
            for field_name, ids in spec.m2m(v, self.refs).items():
                wanted.setdefault(field_name, {})[objects[v["key"]].pk] = ids
        for field_name, by_owner in wanted.items():
            through = getattr(spec.model, field_name).through
            owner_col = f"{spec.model._meta.model_name}_id"
            target_col = next(f.attname for f in through._meta.fields if f.is_relation and f.attname != owner_col)
            have: dict[int, set] = {}
            for owner, target in through.objects.filter(**{f"{owner_col}__in": by_owner}).values_list(
                owner_col, target_col
            ):
                have.setdefault(owner, set()).add(target)
            stale = [(o, t) for o, targets in have.items() for t in targets - by_owner[o]]
            for owner, target in stale:
                through.objects.filter(**{owner_col: owner, target_col: target}).delete()
            through.objects.bulk_create(
                [
                    through(**{owner_col: o, target_col: t})
                    for o, targets in by_owner.items()
                    for t in targets - have.get(o, set())
                ],
                batch_size=BATCH,
            )

    def _sync_qualifications(self, batch: list[dict], objects: dict) -> None:
        wanted = {objects[v["key"]].pk: set(v.get("qualifications", [])) for v in batch}
        have: dict[int, set] = {}
        for org, code in OrganizationQualification.objects.filter(organization_id__in=wanted).values_list(
            "organization_id", "code"
        ):
            have.setdefault(org, set()).add(code)
        for org, codes in wanted.items():
            stale = have.get(org, set()) - codes
            if stale:
                OrganizationQualification.objects.filter(organization_id=org, code__in=stale).delete()
        OrganizationQualification.objects.bulk_create(
            [
                OrganizationQualification(organization_id=o, code=c)
                for o, codes in wanted.items()
                for c in codes - have.get(o, set())
            ]
        )

    def _sync_support(self, batch: list[dict], objects: dict) -> None:
        for v in batch:
            case = objects[v["key"]]
            wanted = [
                (g["kind"], g["amount"], g["granted_on"], self.refs.id(Organization, g["recipient"]), g["note"])
                for g in v.get("support", [])
            ]
            have = list(
                case.support_grants.order_by("id").values_list("kind", "amount", "granted_on", "recipient_id", "note")
            )
            if have != wanted:
                case.support_grants.all().delete()
                SupportGrant.objects.bulk_create(
                    [
                        SupportGrant(case=case, kind=k, amount=a, granted_on=d, recipient_id=r, note=n)
                        for k, a, d, r, n in wanted
                    ]
                )

    def _log_states(self, states: list[tuple[Scenario, str]]) -> None:
        TransitionLog.objects.bulk_create(
            [
                TransitionLog(
                    scenario=s,
                    action="scenarios.scenario.imported",
                    transition="import",
                    from_state=old,
                    to_state=s.state,
                    payload={"source": self.source},
                )
                for s, old in states
            ],
            batch_size=BATCH,
        )
