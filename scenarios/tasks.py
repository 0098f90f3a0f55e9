"""Background work that follows scenario changes, and the daily follow-up sweep. Each task takes ids (or a
date), is safe to run twice and retries transient database failures with backoff."""

from __future__ import annotations

import datetime
from functools import partial

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils.translation import gettext as _

from marketplace.choices import NotificationKind
from marketplace.selectors import city_staff_of, members_of
from marketplace.services import notification_send

from .choices import ProposalStatus, ScenarioState
from .models import Proposal, ProposalRevision, TransitionLog

RETRY = dict(
    autoretry_for=(OperationalError,), retry_backoff=True, retry_backoff_max=300, max_retries=5, acks_late=True
)


def _scenario_link(scenario_id: int) -> str:
    """The scenario's page in the reader's workspace (staff are sent on to the admin from there)."""
    return f"/my/scenarios/{scenario_id}/"


def _transition_title(log: TransitionLog) -> str:
    scenario = log.scenario
    if log.to_state == ScenarioState.PUBLISHED and scenario.release_event_id:
        return _("场景“{title}”已在“{event}”上发布").format(title=scenario.title, event=scenario.release_event.name)
    return _("场景“{title}”已变为“{state}”").format(title=scenario.title, state=ScenarioState(log.to_state).label)


@shared_task(**RETRY)
def scenario_transitioned(log_id: int) -> int:
    """Tell the scenario's provider and its city staff what happened (the actor excepted)."""
    log = (
        TransitionLog.objects.select_related("scenario", "scenario__provider", "scenario__release_event")
        .filter(pk=log_id)
        .first()
    )
    if log is None:
        return 0
    scenario = log.scenario
    people = [m.user for m in members_of([scenario.provider_id])] + [m.user for m in city_staff_of(scenario.region_id)]
    with transaction.atomic():
        return notification_send(
            recipients=[u for u in people if u.pk != log.actor_id],
            kind=NotificationKind.TRANSITION,
            title=partial(_transition_title, log),
            body=log.reason,
            link=_scenario_link(scenario.pk),
            dedupe_key=f"transition:{log.pk}",
        )


@shared_task(**RETRY)
def proposal_received(proposal_id: int) -> int:
    """A new proposal on my scenario: the provider hears of it (never another supplier)."""
    proposal = Proposal.objects.select_related("scenario", "supplier").filter(pk=proposal_id).first()
    if proposal is None:
        return 0
    scenario = proposal.scenario

    def title():
        return _("场景“{title}”收到“{supplier}”的{kind}").format(
            title=scenario.title, supplier=proposal.supplier.name, kind=proposal.get_kind_display()
        )

    with transaction.atomic():
        return notification_send(
            recipients=[m.user for m in members_of([scenario.provider_id])],
            kind=NotificationKind.PROPOSAL,
            title=title,
            link=_scenario_link(scenario.pk),
            dedupe_key=f"proposal:{proposal.pk}:received",
        )


@shared_task(**RETRY)
def proposal_revised(revision_id: int) -> int:
    """A supplier revised its waiting proposal: the provider hears of it, once per revision."""
    revision = (
        ProposalRevision.objects.select_related("proposal__scenario", "proposal__supplier")
        .filter(pk=revision_id)
        .first()
    )
    if revision is None:
        return 0
    proposal, scenario = revision.proposal, revision.proposal.scenario

    def title():
        return _("“{supplier}”修改了对场景“{title}”的方案（第{n}版）").format(
            supplier=proposal.supplier.name, title=scenario.title, n=revision.number
        )

    with transaction.atomic():
        return notification_send(
            recipients=[m.user for m in members_of([scenario.provider_id])],
            kind=NotificationKind.PROPOSAL,
            title=title,
            link=_scenario_link(scenario.pk),
            dedupe_key=f"proposal:{proposal.pk}:revision:{revision.number}",
        )


@shared_task(**RETRY)
def proposal_decided(proposal_id: int) -> int:
    """My proposal was accepted or not: the supplier's members hear of it."""
    proposal = Proposal.objects.select_related("scenario").filter(pk=proposal_id).first()
    if proposal is None or proposal.status not in (ProposalStatus.ACCEPTED, ProposalStatus.DECLINED):
        return 0

    def title():
        if proposal.status == ProposalStatus.ACCEPTED:
            return _("您对场景“{title}”的方案已被采纳").format(title=proposal.scenario.title)
        return _("您对场景“{title}”的方案未被采纳").format(title=proposal.scenario.title)

    with transaction.atomic():
        return notification_send(
            recipients=[m.user for m in members_of([proposal.supplier_id])],
            kind=NotificationKind.PROPOSAL,
            title=title,
            body=proposal.decision_reason,
            link=_scenario_link(proposal.scenario_id),
            dedupe_key=f"proposal:{proposal.pk}:{proposal.status}",
        )


@shared_task(**RETRY)
def followup_sweep(as_of: str | None = None) -> dict:
    """Beat's daily follow-up sweep (DOMAIN.md §5)."""
    from .services.followup import followup_sweep as sweep

    return sweep(as_of=datetime.date.fromisoformat(as_of) if as_of else None)


@shared_task(**RETRY)
def product_promoted(promotion_id: int) -> int:
    """Every city's staff hear of a product promoted province-wide."""
    from marketplace.choices import OrganizationKind
    from marketplace.models import Member

    from .models import ProductPromotion

    promotion = ProductPromotion.objects.select_related("product__supplier", "case").filter(pk=promotion_id).first()
    if promotion is None:
        return 0
    staff = Member.objects.filter(organization__kind=OrganizationKind.CITY_OFFICE, user__is_active=True)

    def title():
        return _("推广应用：“{product}”（{supplier}）经标杆案例“{case}”验证").format(
            product=promotion.product.name, supplier=promotion.product.supplier.name, case=promotion.case.title
        )

    with transaction.atomic():
        return notification_send(
            recipients=[m.user_id for m in staff],
            kind=NotificationKind.SYSTEM,
            title=title,
            body=promotion.note,
            link=f"/cases/{promotion.case_id}/",
            dedupe_key=f"promotion:{promotion.pk}",
        )


@shared_task(**RETRY)
def invited_suppliers_told(scenario_id: int) -> int:
    """A replicated scenario was published: the suppliers invited to it hear of it."""
    from .models import Scenario, ScenarioInvitation

    scenario = Scenario.objects.filter(pk=scenario_id).first()
    if scenario is None:
        return 0
    suppliers = ScenarioInvitation.objects.filter(scenario=scenario).values_list("supplier_id", flat=True)
    with transaction.atomic():
        return notification_send(
            recipients=[m.user for m in members_of(list(suppliers))],
            kind=NotificationKind.PROPOSAL,
            title=lambda: _("您被邀请参与场景“{title}”（复制推广您的标杆案例）").format(title=scenario.title),
            link=_scenario_link(scenario.pk),
            dedupe_key=f"invitation:{scenario.pk}",
        )


def _workspace_link(scenario_id: int) -> str:
    return f"/my/scenarios/{scenario_id}/"


@shared_task(**RETRY)
def question_asked(question_id: int) -> int:
    """A supplier asked about a scenario: its provider and its city staff hear of it (not who asked)."""
    from .models import ClarificationQuestion

    question = ClarificationQuestion.objects.select_related("scenario").filter(pk=question_id).first()
    if question is None:
        return 0
    scenario = question.scenario
    people = [m.user for m in members_of([scenario.provider_id])] + [m.user for m in city_staff_of(scenario.region_id)]
    with transaction.atomic():
        return notification_send(
            recipients=people,
            kind=NotificationKind.QUESTION,
            title=lambda: _("场景“{title}”收到一个新问题，请答复").format(title=scenario.title),
            body=question.text,
            link=_workspace_link(scenario.pk),
            dedupe_key=f"question:{question.pk}:asked",
        )


@shared_task(**RETRY)
def question_answered(question_id: int) -> int:
    """An answer is public: the asker and every supplier that showed interest in the scenario hear of it."""
    from .models import ClarificationQuestion

    question = ClarificationQuestion.objects.select_related("scenario").filter(pk=question_id).first()
    if question is None or not question.is_answered:
        return 0
    scenario = question.scenario
    interested = Proposal.objects.filter(scenario=scenario).exclude(status=ProposalStatus.WITHDRAWN)
    suppliers = [question.asker_id, *interested.values_list("supplier_id", flat=True)]
    with transaction.atomic():
        return notification_send(
            recipients=[m.user for m in members_of(list(dict.fromkeys(suppliers)))],
            kind=NotificationKind.QUESTION,
            title=lambda: _("场景“{title}”发布了新的答疑").format(title=scenario.title),
            body=question.answer,
            link=f"/scenarios/{scenario.pk}/#questions",
            dedupe_key=f"question:{question.pk}:answered",
        )


@shared_task(**RETRY)
def subscribers_told(scenario_id: int) -> int:
    """A newly published scenario meets subscriptions: their members hear of it in the platform, and in
    their one e-mail of the day."""
    from .models import Scenario
    from .selectors import subscribers_for

    scenario = Scenario.objects.select_related("sector").filter(pk=scenario_id, state=ScenarioState.PUBLISHED).first()
    if scenario is None:
        return 0
    organizations = subscribers_for(scenario)
    with transaction.atomic():
        return notification_send(
            recipients=[m.user for m in members_of(organizations)],
            kind=NotificationKind.SUBSCRIPTION,
            title=lambda: _("您订阅的新场景：{title}").format(title=scenario.title),
            body=scenario.purpose[:300],
            link=_workspace_link(scenario.pk),
            dedupe_key=f"subscription:{scenario.pk}",
        )


@shared_task(**RETRY)
def supplier_invited(invitation_id: int) -> int:
    """A provider invited an AI company to propose: the company's members hear of it."""
    from .models import ScenarioInvitation

    invitation = ScenarioInvitation.objects.select_related("scenario").filter(pk=invitation_id).first()
    if invitation is None:
        return 0
    scenario = invitation.scenario
    with transaction.atomic():
        return notification_send(
            recipients=[m.user for m in members_of([invitation.supplier_id])],
            kind=NotificationKind.PROPOSAL,
            title=lambda: _("“{provider}”邀请您参与场景“{title}”").format(
                provider=scenario.provider.name, title=scenario.title
            ),
            link=_workspace_link(scenario.pk),
            dedupe_key=f"scenario-invitation:{invitation.pk}",
        )
