"""Who may see and change scenarios and every record around them (DOMAIN.md §7), in one place.

Every door asks these: the API's querysets and object checks, the admin's querysets, inlines,
autocompletes and history, file downloads, exports and the services themselves (`common.policy.restrict`
and `permits`). The rules in words:

- Drafts (and everything before publication) are seen by their provider, the city staff of the scenario's
  region and the link office; published scenarios are public, also once closed.
- A proposal is seen by its supplier, the scenario's provider, its region's city staff and the link office;
  never by another supplier. Its supplier changes it only while it is waiting for an answer.
- The records of a cooperation (agreements, progress reports, their documents, check-ins) are seen by the
  scenario's provider, its city staff, the link office and the contracted suppliers.
- A scenario's transition log (reasons, staff names) is the parties' and the staff's, never a competitor's.
- Release events, the annual plan, benchmark cases that are public and demonstration zones are public.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from common.policy import EVERYTHING, NOTHING, Policy, permits, register, restrict
from marketplace.choices import Role

from .choices import PUBLIC_STATES, ProposalStatus, ScenarioState
from .lifecycle import Transition, Who
from .models import (
    Agreement,
    AgreementDocument,
    AnnualPlan,
    AnnualTarget,
    BenchmarkCase,
    BenchmarkPicture,
    ClarificationQuestion,
    CooperationCheckIn,
    DemonstrationZone,
    DockingMeeting,
    ProductPromotion,
    ProgressEvidence,
    ProgressReport,
    Proposal,
    ProposalAttachment,
    ProposalDraft,
    ReleaseEvent,
    Reminder,
    ReminderRule,
    Scenario,
    ScenarioAttachment,
    ScenarioInvitation,
    SupportGrant,
    TransitionLog,
)

# Who edits a scenario's description when: its provider until it is approved; its city staff until it is
# published (an edit of an approved scenario is an amendment, kept in the audit trail); afterwards only the
# link office (an amendment too, shown in the public history).
PROVIDER_EDITS = (ScenarioState.DRAFT, ScenarioState.SUBMITTED)
REGION_STAFF_EDITS = (ScenarioState.DRAFT, ScenarioState.SUBMITTED, ScenarioState.APPROVED)


def sees_only_public(actor) -> bool:
    """The public, suppliers and every organisation that provides no scenario: published scenarios only."""
    return not (actor.is_link_office or actor.is_city_staff or actor.role == Role.PROVIDER)


def actor_is(actor, who: Who, scenario: Scenario) -> bool:
    """Whether the actor is, for this scenario, its provider, its region's city staff or the link office."""
    if who is Who.LINK_OFFICE:
        return actor.is_link_office
    if who is Who.REGION_STAFF:
        return actor.is_city_staff and actor.region_id == scenario.region_id
    return actor.role == Role.PROVIDER and actor.organization_id == scenario.provider_id


def actor_may_perform(actor, t: Transition, scenario: Scenario) -> bool:
    return any(actor_is(actor, who, scenario) for who in t.who)


def is_insider(actor, scenario: Scenario) -> bool:
    """The scenario's provider, its city staff or the link office: who follows it from the inside."""
    return any(actor_is(actor, w, scenario) for w in (Who.PROVIDER, Who.REGION_STAFF, Who.LINK_OFFICE))


def insider_q(actor, scenario: str = "") -> Q:
    """The condition `is_insider` as a query, on the scenario reached by the path `scenario`."""
    p = f"{scenario}__" if scenario else ""
    if actor.is_link_office:
        return EVERYTHING
    if actor.is_city_staff:
        return Q(**{f"{p}region_id": actor.region_id})
    if actor.role == Role.PROVIDER:
        return Q(**{f"{p}provider_id": actor.organization_id})
    return NOTHING


def party_q(actor, scenario: str = "scenario", suppliers: str | None = None) -> Q:
    """The insiders of the scenario at `scenario` and the suppliers contracted on it."""
    if actor.role == Role.SUPPLIER:
        return Q(**{suppliers or f"{scenario}__agreements__suppliers": actor.organization_id})
    return insider_q(actor, scenario)


@register(Scenario)
class ScenarioPolicy(Policy):
    def view(self, actor):
        # Public scenarios always carry a publication date (a database constraint); saying so lets the
        # planner skip the undated drafts that a descending date order would otherwise meet first.
        public = Q(state__in=PUBLIC_STATES, published_at__isnull=False)
        if actor.is_link_office:
            return EVERYTHING
        if sees_only_public(actor):
            return public
        return public | insider_q(actor)

    def change(self, actor):
        """Who may edit the description (the lifecycle's transitions have their own table)."""
        if actor.is_link_office:
            return EVERYTHING
        if actor.is_city_staff:
            return insider_q(actor) & Q(state__in=REGION_STAFF_EDITS)
        return insider_q(actor) & Q(state__in=PROVIDER_EDITS)


def scenario_is_visible_to(actor, scenario: Scenario) -> bool:
    """`ScenarioPolicy.view` for a scenario already loaded (the services check it under their row lock)."""
    return permits(actor, "view", scenario)


def _through(parent: type, field: str):
    """A record seen (and changed) exactly when its parent at `field` is."""

    class Child(Policy):
        def view(self, actor):
            return Q(**{f"{field}__in": restrict(parent, actor, "view").values("pk")})

        def change(self, actor):
            return Q(**{f"{field}__in": restrict(parent, actor, "change").values("pk")})

    return Child


register(ScenarioAttachment)(_through(Scenario, "scenario"))


@register(TransitionLog)
class TransitionLogPolicy(Policy):
    def view(self, actor):
        return insider_q(actor, "scenario")


@register(ScenarioInvitation)
class InvitationPolicy(Policy):
    def view(self, actor):
        if actor.role == Role.SUPPLIER:
            return Q(supplier_id=actor.organization_id)
        return insider_q(actor, "scenario")


@register(Proposal)
class ProposalPolicy(Policy):
    def view(self, actor):
        if actor.role == Role.SUPPLIER:
            return Q(supplier_id=actor.organization_id)
        return insider_q(actor, "scenario")

    def change(self, actor):
        """Its supplier revises or withdraws it while it waits for an answer, never after."""
        if actor.role == Role.SUPPLIER:
            return Q(supplier_id=actor.organization_id, status=ProposalStatus.SUBMITTED)
        return NOTHING


register(ProposalAttachment)(_through(Proposal, "proposal"))


@register(ProposalDraft)
class ProposalDraftPolicy(Policy):
    """A draft is its supplier's alone: not the provider's, not the staff's."""

    def view(self, actor):
        if actor.role == Role.SUPPLIER:
            return Q(supplier_id=actor.organization_id)
        return NOTHING

    change = view


@register(ClarificationQuestion)
class QuestionPolicy(Policy):
    """An answered question on a public scenario is public (never who asked); the asker also sees its own
    unanswered ones; the scenario's insiders see every question on it."""

    def view(self, actor):
        public = Q(answered_at__isnull=False, scenario__state__in=PUBLIC_STATES, scenario__published_at__isnull=False)
        own = Q(asker_id=actor.organization_id) if actor.role == Role.SUPPLIER else NOTHING
        return public | own | insider_q(actor, "scenario")

    def answer(self, actor):
        return insider_q(actor, "scenario")


def shows_asker(actor, question: ClarificationQuestion) -> bool:
    """Who asked is told to the scenario's insiders and to the asker itself, never to the public."""
    return is_insider(actor, question.scenario) or (
        actor.role == Role.SUPPLIER and actor.organization_id == question.asker_id
    )


@register(Agreement)
class AgreementPolicy(Policy):
    through_many = True

    def view(self, actor):
        return party_q(actor, suppliers="suppliers")


@register(ProgressReport)
class ProgressReportPolicy(Policy):
    through_many = True

    def view(self, actor):
        return party_q(actor)


register(AgreementDocument)(_through(Agreement, "agreement"))
register(ProgressEvidence)(_through(ProgressReport, "report"))


def may_attach(actor, kind: str, parent) -> bool:
    """Who adds a document: a proposal's supplier while it waits for an answer; a benchmark case's pictures
    its city staff and the link office; everything else the scenario's insiders."""
    if kind == "product":
        return permits(actor, "change", parent)
    if kind == "proposal":
        mine = actor.role == Role.SUPPLIER and parent.supplier_id == actor.organization_id
        return mine and parent.status == ProposalStatus.SUBMITTED
    scenario = parent if kind == "scenario" else parent.scenario
    if kind == "picture":
        return actor_is(actor, Who.REGION_STAFF, scenario) or actor.is_link_office
    return is_insider(actor, scenario)


@register(CooperationCheckIn)
class CheckInPolicy(Policy):
    through_many = True

    def view(self, actor):
        return party_q(actor)


@register(BenchmarkCase)
class BenchmarkCasePolicy(Policy):
    """Designated, public cases are the public gallery; the parties also see their nominations."""

    through_many = True

    def view(self, actor):
        public = Q(is_public=True, scenario__state__in=(ScenarioState.BENCHMARK, ScenarioState.DEMONSTRATION))
        return public | party_q(actor)


register(BenchmarkPicture)(_through(BenchmarkCase, "case"))
register(SupportGrant)(_through(BenchmarkCase, "case"))


class Public(Policy):
    """Public records that only the link office changes (through its services)."""

    def view(self, actor):
        return EVERYTHING

    def change(self, actor):
        return EVERYTHING if actor.is_link_office else NOTHING


for _model in (ReleaseEvent, AnnualPlan, AnnualTarget, DemonstrationZone, ProductPromotion):
    register(_model)(type(f"{_model.__name__}Policy", (Public,), {}))


@register(ReminderRule)
class ReminderRulePolicy(Policy):
    """City staff read the follow-up rules; the link office tunes them."""

    def view(self, actor):
        return EVERYTHING if (actor.is_link_office or actor.is_city_staff) else NOTHING

    def change(self, actor):
        return EVERYTHING if actor.is_link_office else NOTHING


@register(Reminder)
class ReminderPolicy(Policy):
    """City staff see their region's reminders, providers their own, the link office all of them."""

    def view(self, actor):
        if actor.is_link_office:
            return EVERYTHING
        if actor.is_city_staff:
            return Q(region_id=actor.region_id)
        if actor.role == Role.PROVIDER:
            return Q(organization_id=actor.organization_id)
        return NOTHING


@register(DockingMeeting)
class DockingMeetingPolicy(Policy):
    """The link office all meetings; city staff those on their region's scenarios; a provider or supplier its
    own. What a meeting tells beyond that (its scenario's title before publication, whether it was requested,
    its score) is answered by the functions below."""

    def view(self, actor):
        if actor.is_link_office:
            return EVERYTHING
        if actor.is_city_staff:
            return Q(scenario__region_id=actor.region_id)
        if actor.organization_id:
            return Q(provider_id=actor.organization_id) | Q(supplier_id=actor.organization_id)
        return NOTHING


def meeting_insider(actor, meeting: DockingMeeting) -> bool:
    return actor.is_link_office or actor.is_city_staff or actor.organization_id == meeting.provider_id


def meeting_scenario_title(actor, meeting: DockingMeeting) -> str:
    """A scenario not yet published is named only to those who may see it."""
    if meeting_insider(actor, meeting) or meeting.scenario.state in PUBLIC_STATES:
        return meeting.scenario.title
    return _("（发布会当天公布）")


def meeting_requested(actor, meeting: DockingMeeting) -> bool | None:
    """Whether a meeting was requested reveals a proposal: told only to whom the proposal is visible."""
    if meeting_insider(actor, meeting) or actor.organization_id == meeting.supplier_id:
        return meeting.requested
    return None


def meeting_score(actor, meeting: DockingMeeting) -> float | None:
    """The matcher's score is the staff's working figure, not the parties'."""
    return meeting.score if (actor.is_link_office or actor.is_city_staff) else None
