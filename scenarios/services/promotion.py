"""推广应用: a benchmark case replicated in another region with its proven supplier invited, products promoted
province-wide, and the chain from each case to its replications."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.errors import DomainError, NotFound, PermissionDenied
from marketplace.choices import PROVIDER_KINDS, OrganizationKind, OrganizationStatus
from marketplace.models import Organization, Product
from marketplace.selectors import actor_for
from outbox.services import enqueue

from ..choices import ScenarioCategory, ScenarioState
from ..lifecycle import Who
from ..models import BenchmarkCase, ProductPromotion, Scenario, ScenarioInvitation
from .records import _locked_scenario, _require, scenario_create

RECOGNISED = [ScenarioState.BENCHMARK, ScenarioState.DEMONSTRATION]


def _designated_case(case_id: int) -> BenchmarkCase:
    case = (
        BenchmarkCase.objects.select_related("scenario")
        .filter(pk=case_id, is_public=True, scenario__state__in=RECOGNISED)
        .first()
    )
    if case is None:
        raise NotFound("not_found", _("标杆案例不存在。"))
    return case


def benchmark_case_replicate(*, case_id: int, actor_user) -> Scenario:
    """A provider starts a draft scenario in its own region from a designated benchmark case ("replicate in
    my region"): the case's needs and requirements as a starting point, the chain kept, and the supplier
    that delivered the case invited (told when the new scenario is published)."""
    actor = actor_for(actor_user)
    if actor.organization is None or actor.organization.kind not in PROVIDER_KINDS:
        raise PermissionDenied("not_allowed", _("只有场景提供方可以复制推广标杆案例。"))
    case = _designated_case(case_id)
    origin = case.scenario
    with transaction.atomic():
        scenario = scenario_create(
            actor_user=actor_user,
            title=origin.title,
            category=(
                ScenarioCategory.GOVERNMENT
                if actor.organization.kind == OrganizationKind.GOVERNMENT
                else ScenarioCategory.INDUSTRY
            ),
            sector=origin.sector,
            purpose=origin.purpose,
            requirements=origin.requirements,
            cooperation_mode=origin.cooperation_mode,
        )
        Scenario.objects.filter(pk=scenario.pk).update(replicated_from=case)
        suppliers = Organization.objects.filter(agreements__scenario=origin).distinct()
        ScenarioInvitation.objects.bulk_create(
            [ScenarioInvitation(scenario=scenario, supplier=s) for s in suppliers], ignore_conflicts=True
        )
        audit_record(
            action="scenarios.benchmark_case.replicated",
            actor_user=actor_user,
            obj=scenario,
            payload={"case": case.pk, "invited": [s.pk for s in suppliers]},
        )
    scenario.refresh_from_db()
    return scenario


def product_promote(*, product_id: int, case_id: int, actor_user, note: str = "") -> ProductPromotion:
    """The link office promotes, province-wide, a product a benchmark case proved; every city hears of it."""
    if not actor_for(actor_user).is_link_office:
        raise PermissionDenied("not_allowed", _("只有链长办可以推广产品。"))
    case = _designated_case(case_id)
    product = Product.objects.filter(pk=product_id, agreements__scenario=case.scenario).distinct().first()
    if product is None:
        raise DomainError(
            "invalid", _("只能推广在该标杆案例中采购的产品。"), fields={"product": [_("该产品不属于此案例。")]}
        )
    with transaction.atomic():
        promotion, created = ProductPromotion.objects.get_or_create(
            product=product, case=case, defaults={"note": note, "promoted_by": actor_user}
        )
        if not created:
            raise DomainError("already_done", _("该产品已按此案例推广。"), status=409)
        audit_record(action="scenarios.product.promoted", actor_user=actor_user, obj=promotion, payload={"note": note})

        enqueue("scenarios.tasks.product_promoted", promotion.pk)
    return promotion


def scenario_invite_supplier(*, scenario_id: int, supplier_id: int, actor_user) -> ScenarioInvitation:
    """The provider (or its city staff, or the link office) invites a verified AI company to propose for a
    published scenario; the company is told at once. Inviting twice changes nothing."""
    actor = actor_for(actor_user)
    with transaction.atomic():
        scenario = _locked_scenario(scenario_id, actor)
        _require(actor, scenario, Who.PROVIDER, Who.REGION_STAFF, Who.LINK_OFFICE)
        if scenario.state != ScenarioState.PUBLISHED:
            raise DomainError("invalid_state", _("只能邀请企业参与已发布、尚未签约的场景。"), status=409)
        supplier = Organization.objects.filter(
            pk=supplier_id, kind=OrganizationKind.SUPPLIER, status=OrganizationStatus.VERIFIED
        ).first()
        if supplier is None:
            raise DomainError("invalid", _("请选择一家已认证的产品提供方。"), fields={"supplier": [_("请选择。")]})
        invitation, created = ScenarioInvitation.objects.get_or_create(scenario=scenario, supplier=supplier)
        if created:
            audit_record(
                action="scenarios.scenario.supplier_invited",
                actor_user=actor_user,
                obj=scenario,
                payload={"supplier": supplier.pk},
            )
            enqueue("scenarios.tasks.supplier_invited", invitation.pk)
    return invitation
