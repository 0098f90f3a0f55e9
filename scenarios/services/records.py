"""Changes to the records around a scenario: the scenario itself, plans, events, proposals, agreements,
progress reports, benchmark cases and demonstration zones."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record, diff, snapshot
from common.errors import DomainError, NotFound, PermissionDenied, full_clean_or_refuse
from common.policy import permits, restrict
from marketplace.choices import PROVIDER_KINDS, OrganizationKind, Role
from marketplace.models import Organization, Product
from marketplace.selectors import Actor, actor_for
from outbox.services import enqueue

from ..choices import DEFAULT_TARGETS, SIGNED_STATES, DeclineReason, ProposalStatus, ScenarioState, ZoneStatus
from ..lifecycle import PROPOSAL_TRANSITIONS, Who
from ..models import (
    Agreement,
    AnnualPlan,
    AnnualTarget,
    BenchmarkCase,
    DemonstrationZone,
    ProgressReport,
    Proposal,
    ProposalDraft,
    ProposalRevision,
    ReleaseEvent,
    Scenario,
    SupportGrant,
    TransitionLog,
)
from ..policies import actor_is, scenario_is_visible_to

SCENARIO_EDITABLE_FIELDS = {
    "title",
    "category",
    "sector",
    "purpose",
    "requirements",
    "cooperation_mode",
    "budget_min",
    "budget_max",
    "expected_start",
    "duration_months",
    "contact_name",
    "contact_phone",
    "contact_email",
    "publish_contact",
    "region",
}


def _locked_scenario(scenario_id: int, actor: Actor) -> Scenario:
    scenario = Scenario.objects.select_for_update(of=("self",)).select_related("sector").filter(pk=scenario_id).first()
    if scenario is None or not scenario_is_visible_to(actor, scenario):
        raise NotFound("not_found", _("场景不存在。"))
    return scenario


def _require(actor: Actor, scenario: Scenario, *who: Who) -> None:
    if not any(actor_is(actor, w, scenario) for w in who):
        raise PermissionDenied("not_allowed", _("您无权修改该场景的记录。"))


# --- Annual plan and events ------------------------------------------------------------------------------


def annual_plan_for_year(year: int) -> AnnualPlan:
    """The year's open plan, created with the default targets the first time it is needed."""
    plan, created = AnnualPlan.objects.get_or_create(
        year=year, defaults={"title": _("{year}年度场景开放计划").format(year=year)}
    )
    if created:
        AnnualTarget.objects.bulk_create(
            [AnnualTarget(plan=plan, metric=m, value=v) for m, v in DEFAULT_TARGETS.items()], ignore_conflicts=True
        )
    return plan


def release_event_create(*, actor_user, **fields: Any) -> ReleaseEvent:
    actor = actor_for(actor_user)
    if not actor.is_link_office:
        raise PermissionDenied("not_allowed", _("只有链长办可以安排发布活动。"))
    event = ReleaseEvent(**fields)
    full_clean_or_refuse(event)
    with transaction.atomic():
        event.save()
        audit_record(
            action="scenarios.release_event.created",
            actor_user=actor_user,
            obj=event,
            changes={f: [None, v] for f, v in snapshot(event, fields).items()},
            region_id=event.host_region_id,
        )
        annual_plan_for_year(event.year)
    return event


# --- Scenarios -------------------------------------------------------------------------------------------


def scenario_create(*, actor_user, provider: Organization | None = None, **fields: Any) -> Scenario:
    """A provider drafts a scenario; city staff or the link office may draft one for a provider."""
    actor = actor_for(actor_user)
    if actor.role == Role.PROVIDER:
        provider = actor.organization
    elif actor.role not in (Role.CITY_STAFF, Role.LINK_OFFICE):
        raise PermissionDenied("not_allowed", _("只有场景提供方、市州工作人员或链长办可以创建场景。"))
    elif provider is None:
        raise DomainError("invalid", _("请指定场景提供方。"), fields={"provider": [_("请指定场景提供方。")]})
    if provider.kind not in PROVIDER_KINDS:
        raise DomainError(
            "invalid", _("场景提供方须为政府部门或企业。"), fields={"provider": [_("须为政府部门或企业。")]}
        )
    unknown = set(fields) - SCENARIO_EDITABLE_FIELDS
    if unknown:
        raise DomainError("unknown_fields", _("不支持的字段：{f}。").format(f="、".join(sorted(unknown))))
    fields.setdefault("region", provider.region)
    scenario = Scenario(provider=provider, created_by=actor_user, state=ScenarioState.DRAFT, **fields)
    if actor.is_city_staff and scenario.region_id != actor.region_id:
        raise PermissionDenied("wrong_region", _("您只能处理本市（州）的场景。"))
    full_clean_or_refuse(scenario, exclude=["key"])
    with transaction.atomic():
        scenario.save()
        TransitionLog.objects.create(
            scenario=scenario,
            action="scenarios.scenario.created",
            transition="create",
            from_state="",
            to_state=ScenarioState.DRAFT,
            actor=actor_user,
        )
        audit_record(
            action="scenarios.scenario.created",
            actor_user=actor_user,
            obj=scenario,
            changes={f: [None, v] for f, v in snapshot(scenario, ["provider", *fields]).items()},
        )
    return scenario


def scenario_update(*, scenario_id: int, actor_user, **fields: Any) -> Scenario:
    """Edit a scenario's description. Before publication its parties edit it; afterwards the link office."""
    actor = actor_for(actor_user)
    unknown = set(fields) - SCENARIO_EDITABLE_FIELDS
    if unknown:
        raise DomainError("unknown_fields", _("不支持的字段：{f}。").format(f="、".join(sorted(unknown))))
    with transaction.atomic():
        scenario = _locked_scenario(scenario_id, actor)
        if not permits(actor, "change", scenario):
            if scenario.state == ScenarioState.APPROVED and actor_is(actor, Who.PROVIDER, scenario):
                raise PermissionDenied(
                    "not_allowed", _("场景已审核通过，如需修改请联系所在市州工作人员（修改将留痕）。")
                )
            raise PermissionDenied("not_allowed", _("您无权修改该场景的记录。"))
        moving = "region" in fields and fields["region"].pk != scenario.region_id
        if moving and not actor.is_link_office:
            if not actor.is_city_staff:
                raise PermissionDenied("not_allowed", _("场景所在地区由市州工作人员或链长办调整。"))
            if fields["region"].pk != actor.region_id:
                raise PermissionDenied("wrong_region", _("您只能处理本市（州）的场景。"))
        before = snapshot(scenario, fields)
        for field, value in fields.items():
            setattr(scenario, field, value)
        full_clean_or_refuse(scenario, exclude=["key"])
        changes = diff(before, snapshot(scenario, fields))
        if not changes:
            return scenario
        scenario.save(update_fields=[*fields, "updated_at"])
        # After approval a change is an amendment, visible as such in the scenario's history.
        amended = scenario.state not in (ScenarioState.DRAFT, ScenarioState.SUBMITTED)
        audit_record(
            action="scenarios.scenario.amended" if amended else "scenarios.scenario.updated",
            actor_user=actor_user,
            obj=scenario,
            changes=changes,
            payload={"state": scenario.state},
        )
        if scenario.state == ScenarioState.PUBLISHED:
            enqueue("matching.tasks.match_scenario", scenario.pk)
    return scenario


# --- Proposals -------------------------------------------------------------------------------------------


def _proposal_move(proposal: Proposal | None, name: str) -> None:
    """Refuse a proposal transition its state does not allow (PROPOSAL_TRANSITIONS), with the reason."""
    sources, _target = PROPOSAL_TRANSITIONS[name]
    current = proposal.status if proposal is not None else None
    if name == "submit" and current is None:
        return
    if current in sources:
        return
    if current == ProposalStatus.SUBMITTED and name == "submit":
        raise DomainError("already_done", _("已提交过方案，请修改现有方案。"), status=409)
    state = ProposalStatus(current).label if current else ""
    raise DomainError(
        "invalid_state",
        _("该方案当前为“{state}”，只能修改或撤回已提交、尚未处理的方案。").format(state=state),
        status=409,
    )


def _locked_proposal(actor: Actor, proposal_id: int) -> Proposal:
    """The proposal, locked, if the actor may see it (with its scenario); otherwise it does not exist."""
    proposal = (
        restrict(Proposal, actor)
        .select_for_update(of=("self",))
        .select_related("scenario")
        .filter(pk=proposal_id)
        .first()
    )
    if proposal is None:
        raise NotFound("not_found", _("对接方案不存在。"))
    return proposal


def _own_products(actor: Actor, product_ids: list[int] | None) -> list[Product]:
    products = list(restrict(Product, actor, "change").filter(pk__in=product_ids or []))
    if len(products) != len(set(product_ids or [])):
        raise DomainError("invalid", _("只能选择本企业的产品。"), fields={"products": [_("只能选择本企业的产品。")]})
    return products


def _keep_revision(proposal: Proposal, products: list[Product], actor_user) -> ProposalRevision:
    number = (proposal.revisions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    return ProposalRevision.objects.create(
        proposal=proposal,
        number=number,
        kind=proposal.kind,
        price=proposal.price,
        plan=proposal.plan,
        product_ids=sorted(p.pk for p in products),
        submitted_by=actor_user,
        submitted_at=proposal.submitted_at,
    )


PROPOSAL_TERMS = ("kind", "price", "plan", "products")


def proposal_submit(
    *,
    scenario_id: int,
    actor_user,
    kind: str = "interest",
    product_ids: list[int] | None = None,
    price: Decimal | None = None,
    plan: str = "",
) -> Proposal:
    """A supplier expresses interest in, or proposes for, a published scenario: once (a waiting proposal is
    revised with `proposal_revise`; a withdrawn one may be submitted again while the scenario is open)."""
    actor = actor_for(actor_user)
    if actor.role != Role.SUPPLIER:
        raise PermissionDenied("not_allowed", _("只有产品提供方可以提交对接方案。"))
    with transaction.atomic():
        scenario = _locked_scenario(scenario_id, actor)
        if scenario.state != ScenarioState.PUBLISHED:
            raise DomainError("invalid_state", _("只能对已发布、尚未签约的场景提交方案。"), status=409)
        products = _own_products(actor, product_ids)
        proposal = (
            Proposal.objects.select_for_update().filter(scenario=scenario, supplier_id=actor.organization_id).first()
        )
        _proposal_move(proposal, "submit")
        proposal = proposal or Proposal(scenario=scenario, supplier=actor.organization)
        proposal.kind, proposal.price, proposal.plan = kind, price, plan
        proposal.submitted_by, proposal.submitted_at = actor_user, timezone.now()
        proposal.status, proposal.decided_at, proposal.decision_reason = ProposalStatus.SUBMITTED, None, ""
        full_clean_or_refuse(proposal, exclude=["key", "scenario", "supplier"])
        proposal.save()
        proposal.products.set(products)
        ProposalDraft.objects.filter(scenario=scenario, supplier_id=actor.organization_id).delete()
        revision = _keep_revision(proposal, products, actor_user)
        audit_record(
            action="scenarios.proposal.submitted",
            actor_user=actor_user,
            obj=proposal,
            changes={f: [None, v] for f, v in snapshot(proposal, PROPOSAL_TERMS).items()},
            payload={"revision": revision.number},
        )

        enqueue("scenarios.tasks.proposal_received", proposal.pk)
    return proposal


def proposal_revise(
    *,
    proposal_id: int,
    actor_user,
    kind: str,
    product_ids: list[int] | None = None,
    price: Decimal | None = None,
    plan: str = "",
) -> Proposal:
    """Its supplier revises a waiting proposal: the new terms are kept as the next revision, and the provider
    is told what changed. An answered (accepted, declined) or withdrawn proposal is never rewritten."""
    actor = actor_for(actor_user)
    with transaction.atomic():
        proposal = _locked_proposal(actor, proposal_id)
        if proposal.supplier_id != actor.organization_id or actor.role != Role.SUPPLIER:
            raise PermissionDenied("not_allowed", _("只能修改本企业的方案。"))
        _proposal_move(proposal, "revise")
        if proposal.scenario.state != ScenarioState.PUBLISHED:
            raise DomainError("invalid_state", _("场景已不再接受方案。"), status=409)
        products = _own_products(actor, product_ids)
        before = snapshot(proposal, PROPOSAL_TERMS)
        proposal.kind, proposal.price, proposal.plan = kind, price, plan
        full_clean_or_refuse(proposal, exclude=["key", "scenario", "supplier"])
        proposal.products.set(products)
        changes = diff(before, snapshot(proposal, PROPOSAL_TERMS))
        if not changes:
            return proposal
        proposal.submitted_by, proposal.submitted_at = actor_user, timezone.now()
        proposal.save(update_fields=["kind", "price", "plan", "submitted_by", "submitted_at", "updated_at"])
        revision = _keep_revision(proposal, products, actor_user)
        audit_record(
            action="scenarios.proposal.revised",
            actor_user=actor_user,
            obj=proposal,
            changes=changes,
            payload={"revision": revision.number},
        )

        enqueue("scenarios.tasks.proposal_revised", revision.pk)
    return proposal


def proposal_decline(*, proposal_id: int, actor_user, reason: str = "", code: str = "") -> Proposal:
    """The provider (or its city staff, or the link office) answers a proposal with no, with a reason chosen
    from a list (`DeclineReason`) and words of its own: the supplier's debrief. The supplier is told."""
    actor = actor_for(actor_user)
    if code and code not in DeclineReason.values:
        raise DomainError("invalid", _("请从列表中选择原因。"), fields={"code": [_("请从列表中选择原因。")]})
    with transaction.atomic():
        proposal = _locked_proposal(actor, proposal_id)
        _require(actor, proposal.scenario, Who.PROVIDER, Who.REGION_STAFF, Who.LINK_OFFICE)
        if proposal.status == ProposalStatus.DECLINED:
            raise DomainError("already_done", _("该方案已标记为未采纳。"), status=409)
        if proposal.status not in PROPOSAL_TRANSITIONS["decline"][0]:
            raise DomainError("invalid_state", _("只能处理已提交、尚未处理的方案。"), status=409)
        proposal.status = ProposalStatus.DECLINED
        proposal.decision_reason = reason.strip()[:500]
        proposal.decline_code = code
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "decision_reason", "decline_code", "decided_at", "updated_at"])
        audit_record(
            action="scenarios.proposal.declined",
            actor_user=actor_user,
            obj=proposal,
            changes={"status": [ProposalStatus.SUBMITTED, ProposalStatus.DECLINED]},
            payload={"reason": proposal.decision_reason, "code": code},
        )

        enqueue("scenarios.tasks.proposal_decided", proposal.pk)
    return proposal


# --- Agreements and follow-up ----------------------------------------------------------------------------


def agreement_create(
    *,
    scenario_id: int,
    actor_user,
    supplier_ids: list[int],
    signed_on: datetime.date,
    amount: Decimal | None = None,
    product_ids: list[int] | None = None,
    summary: str = "",
    publish_amount: bool = False,
) -> Agreement:
    """Record the cooperation agreement that a scenario's `sign` transition requires. The award (suppliers
    and date) is public; the amount only when `publish_amount`."""
    actor = actor_for(actor_user)
    with transaction.atomic():
        scenario = _locked_scenario(scenario_id, actor)
        _require(actor, scenario, Who.PROVIDER, Who.REGION_STAFF, Who.LINK_OFFICE)
        if scenario.state not in (ScenarioState.PUBLISHED, *SIGNED_STATES):
            raise DomainError("invalid_state", _("只能为已发布的场景登记合作协议。"), status=409)
        suppliers = list(Organization.objects.filter(pk__in=supplier_ids, kind=OrganizationKind.SUPPLIER))
        if not suppliers or len(suppliers) != len(set(supplier_ids)):
            raise DomainError(
                "invalid", _("协议须有至少一家产品提供方。"), fields={"suppliers": [_("请选择产品提供方。")]}
            )
        products = list(Product.objects.filter(pk__in=product_ids or [], supplier__in=suppliers))
        if len(products) != len(set(product_ids or [])):
            raise DomainError(
                "invalid", _("采购产品须属于签约的产品提供方。"), fields={"products": [_("产品与签约方不符。")]}
            )
        agreement = Agreement(
            scenario=scenario,
            signed_on=signed_on,
            amount=amount,
            summary=summary,
            publish_amount=publish_amount,
            created_by=actor_user,
        )
        full_clean_or_refuse(agreement, exclude=["key"])
        agreement.save()
        agreement.suppliers.set(suppliers)
        agreement.products.set(products)
        accepted = Proposal.objects.filter(
            scenario=scenario, supplier__in=suppliers, status__in=PROPOSAL_TRANSITIONS["accept"][0]
        )
        accepted_ids = list(accepted.values_list("pk", flat=True))

        accepted.update(status=ProposalStatus.ACCEPTED, decided_at=timezone.now(), decision_reason="")
        for proposal_id in accepted_ids:
            enqueue("scenarios.tasks.proposal_decided", proposal_id)
        audit_record(
            action="scenarios.agreement.created",
            actor_user=actor_user,
            obj=agreement,
            changes={
                f: [None, v]
                for f, v in snapshot(
                    agreement, ["signed_on", "amount", "publish_amount", "summary", "suppliers", "products"]
                ).items()
            },
            payload={"accepted_proposals": accepted_ids},
        )
    return agreement


def progress_report_create(*, scenario_id: int, actor_user, **fields: Any) -> ProgressReport:
    actor = actor_for(actor_user)
    with transaction.atomic():
        scenario = _locked_scenario(scenario_id, actor)
        _require(actor, scenario, Who.PROVIDER, Who.REGION_STAFF, Who.LINK_OFFICE)
        if scenario.state not in SIGNED_STATES:
            raise DomainError("invalid_state", _("只能为已签约的场景填报跟踪记录。"), status=409)
        report = ProgressReport(scenario=scenario, author=actor_user, **fields)
        full_clean_or_refuse(report, exclude=["key"])
        report.save()
        audit_record(
            action="scenarios.progress_report.created",
            actor_user=actor_user,
            obj=report,
            changes={f: [None, v] for f, v in snapshot(report, fields).items()},
        )
    return report


# --- Benchmark cases and demonstration zones -------------------------------------------------------------


def benchmark_case_create(
    *, scenario_id: int, actor_user, support: list[dict[str, Any]] | None = None, **fields: Any
) -> BenchmarkCase:
    """The write-up of a case; city staff nominate (write it), the link office designates later."""
    actor = actor_for(actor_user)
    with transaction.atomic():
        scenario = _locked_scenario(scenario_id, actor)
        _require(actor, scenario, Who.REGION_STAFF, Who.LINK_OFFICE)
        if scenario.state not in (ScenarioState.IN_COOPERATION, ScenarioState.BENCHMARK, ScenarioState.DEMONSTRATION):
            raise DomainError("invalid_state", _("只有已开展合作的场景可以撰写标杆案例。"), status=409)
        case = BenchmarkCase(scenario=scenario, **fields)
        full_clean_or_refuse(case, exclude=["key"])
        case.save()
        for grant in support or []:
            g = SupportGrant(case=case, **grant)
            full_clean_or_refuse(g)
            g.save()
        audit_record(
            action="scenarios.benchmark_case.created",
            actor_user=actor_user,
            obj=case,
            changes={f: [None, v] for f, v in snapshot(case, fields).items()},
            payload={"support": support or []},
        )
    return case


def zone_designate(*, zone_id: int, actor_user, on: datetime.date | None = None) -> DemonstrationZone:
    actor = actor_for(actor_user)
    if not actor.is_link_office:
        raise PermissionDenied("not_allowed", _("只有链长办可以认定示范区。"))
    with transaction.atomic():
        zone = DemonstrationZone.objects.select_for_update().filter(pk=zone_id).first()
        if zone is None:
            raise NotFound("not_found", _("示范区不存在。"))
        if zone.status != ZoneStatus.CANDIDATE:
            raise DomainError("already_done", _("该示范区已认定。"), status=409)
        zone.status = ZoneStatus.DESIGNATED
        zone.designated_on = on or timezone.localdate()
        zone.save(update_fields=["status", "designated_on"])
        audit_record(
            action="scenarios.zone.designated",
            actor_user=actor_user,
            obj=zone,
            changes={"status": [ZoneStatus.CANDIDATE, zone.status], "designated_on": [None, zone.designated_on]},
        )
    return zone


def proposal_withdraw(*, proposal_id: int, actor_user) -> Proposal:
    """Its supplier takes back a waiting proposal; an accepted or declined one stays as it was answered."""
    actor = actor_for(actor_user)
    with transaction.atomic():
        proposal = _locked_proposal(actor, proposal_id)
        if proposal.supplier_id != actor.organization_id:
            raise PermissionDenied("not_allowed", _("只能撤回本企业的方案。"))
        if proposal.status not in PROPOSAL_TRANSITIONS["withdraw"][0]:
            raise DomainError("invalid_state", _("只能撤回已提交、尚未处理的方案。"), status=409)
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.save(update_fields=["status", "updated_at"])
        audit_record(
            action="scenarios.proposal.withdrawn",
            actor_user=actor_user,
            obj=proposal,
            changes={"status": [ProposalStatus.SUBMITTED, ProposalStatus.WITHDRAWN]},
        )
    return proposal


def annual_target_set(*, year: int, metric: str, value: int, actor_user) -> AnnualTarget:
    if not actor_for(actor_user).is_link_office:
        raise PermissionDenied("not_allowed", _("只有链长办可以调整年度目标。"))
    with transaction.atomic():
        plan = annual_plan_for_year(year)
        old = AnnualTarget.objects.filter(plan=plan, metric=metric).values_list("value", flat=True).first()
        target, _created = AnnualTarget.objects.update_or_create(plan=plan, metric=metric, defaults={"value": value})
        audit_record(
            action="scenarios.annual_target.set", actor_user=actor_user, obj=target, changes={"value": [old, value]}
        )
    return target


# --- The supplier's drafts and the provider's shortlist -------------------------------------------------------


def proposal_draft_save(
    *,
    scenario_id: int,
    actor_user,
    kind: str = "proposal",
    product_ids: list[int] | None = None,
    price: Decimal | None = None,
    plan: str = "",
) -> ProposalDraft:
    """A supplier keeps its proposal unsent: nobody but its own members sees a draft."""
    actor = actor_for(actor_user)
    if actor.role != Role.SUPPLIER:
        raise PermissionDenied("not_allowed", _("只有产品提供方可以保存方案草稿。"))
    with transaction.atomic():
        scenario = _locked_scenario(scenario_id, actor)
        if scenario.state != ScenarioState.PUBLISHED:
            raise DomainError("invalid_state", _("只能对已发布、尚未签约的场景提交方案。"), status=409)
        products = _own_products(actor, product_ids)
        draft = ProposalDraft.objects.filter(scenario=scenario, supplier_id=actor.organization_id).first()
        draft = draft or ProposalDraft(scenario=scenario, supplier_id=actor.organization_id)
        before = None if draft.pk is None else snapshot(draft, ["kind", "price", "plan", "product_ids"])
        draft.kind, draft.price, draft.plan = kind, price, plan
        draft.product_ids, draft.saved_by = sorted(p.pk for p in products), actor_user
        full_clean_or_refuse(draft, exclude=["scenario", "supplier", "saved_by"])
        draft.save()
        after = snapshot(draft, ["kind", "price", "plan", "product_ids"])
        # The entry names what changed, not the terms: the audit trail is read by staff, a draft is not.
        audit_record(
            action="scenarios.proposal.draft_saved",
            actor_user=actor_user,
            obj=draft,
            payload={"changed": sorted(diff(before or {}, after))},
        )
    return draft


def proposal_shortlist(*, proposal_id: int, actor_user, shortlisted: bool = True) -> Proposal:
    """The provider marks a waiting proposal for its shortlist while comparing (the supplier is not told)."""
    actor = actor_for(actor_user)
    with transaction.atomic():
        proposal = _locked_proposal(actor, proposal_id)
        _require(actor, proposal.scenario, Who.PROVIDER, Who.REGION_STAFF, Who.LINK_OFFICE)
        if proposal.status != ProposalStatus.SUBMITTED:
            raise DomainError("invalid_state", _("只能对已提交、尚未处理的方案进行入围筛选。"), status=409)
        if proposal.shortlisted == shortlisted:
            return proposal
        proposal.shortlisted = shortlisted
        proposal.save(update_fields=["shortlisted", "updated_at"])
        audit_record(
            action="scenarios.proposal.shortlisted" if shortlisted else "scenarios.proposal.unshortlisted",
            actor_user=actor_user,
            obj=proposal,
            changes={"shortlisted": [not shortlisted, shortlisted]},
        )
    return proposal


def agreement_publish_amount(*, agreement_id: int, actor_user, publish: bool) -> Agreement:
    """The provider chooses whether the award's amount is shown on the scenario's public page."""
    actor = actor_for(actor_user)
    with transaction.atomic():
        agreement = (
            restrict(Agreement, actor)
            .select_for_update(of=("self",))
            .select_related("scenario")
            .filter(pk=agreement_id)
        ).first()
        if agreement is None:
            raise NotFound("not_found", _("合作协议不存在。"))
        _require(actor, agreement.scenario, Who.PROVIDER, Who.REGION_STAFF, Who.LINK_OFFICE)
        if agreement.publish_amount == publish:
            return agreement
        agreement.publish_amount = publish
        agreement.save(update_fields=["publish_amount"])
        audit_record(
            action="scenarios.agreement.amount_published" if publish else "scenarios.agreement.amount_hidden",
            actor_user=actor_user,
            obj=agreement,
            changes={"publish_amount": [not publish, publish]},
        )
    return agreement
