"""Lifecycle transitions: one locked transaction each, one transition-log row, follow-on work after commit."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.errors import DomainError, NotFound, PermissionDenied
from marketplace.selectors import Actor, actor_for
from outbox.services import enqueue

from ..choices import ProposalStatus, ScenarioState
from ..guards import GUARDS
from ..lifecycle import TRANSITIONS, Transition
from ..models import Proposal, ReleaseEvent, Scenario, TransitionLog
from ..policies import actor_may_perform, scenario_is_visible_to
from .records import annual_plan_for_year


def _state_label(state: str) -> str:
    return str(ScenarioState(state).label)


def _check(actor: Actor, t: Transition, scenario: Scenario, reason: str, params: dict[str, Any]) -> None:
    """Refuse with one DomainError, in the order a user can act on: visibility, role, state, reason, guard."""
    if not scenario_is_visible_to(actor, scenario):
        raise NotFound("not_found", _("场景不存在。"))
    if not actor_may_perform(actor, t, scenario):
        if actor.is_city_staff and scenario.region_id != actor.region_id:
            raise PermissionDenied("wrong_region", _("您只能处理本市（州）的场景。"))
        raise PermissionDenied("not_allowed", _("您无权对该场景执行“{action}”。").format(action=t.label))
    if scenario.state not in t.sources:
        if scenario.state == t.target:
            raise DomainError(
                "already_done",
                _("该场景已是“{state}”状态，无需重复操作。").format(state=_state_label(scenario.state)),
                status=409,
            )
        raise DomainError(
            "invalid_state",
            _("场景当前为“{state}”状态，不能执行“{action}”。").format(
                state=_state_label(scenario.state), action=t.label
            ),
            status=409,
        )
    if t.reason_required and not reason.strip():
        raise DomainError(
            "reason_required",
            _("“{action}”须填写原因。").format(action=t.label),
            fields={"reason": [_("请填写原因。")]},
        )
    if t.guard:
        problem = GUARDS[t.guard](scenario, params)
        if problem:
            raise DomainError("guard_failed", problem, status=409)


def _changes(t: Transition, scenario: Scenario, reason: str, params: dict[str, Any], now) -> dict[str, Any]:
    """The fields a transition sets besides the state."""
    if t.name == "submit":
        return {"submitted_at": now}
    if t.name == "approve":
        event: ReleaseEvent | None = params.get("event")
        year = event.year if event else params.get("year") or timezone.localdate(now).year
        return {
            "approved_at": now,
            "plan": annual_plan_for_year(year),
            "planned_quarter": event.quarter if event and event.quarter else params.get("quarter"),
            "release_event": event or scenario.release_event,
        }
    if t.name == "publish":
        event = params.get("event") or scenario.release_event
        today = timezone.localdate(now)
        # Published at the event: its date, unless the office publishes ahead of a future event.
        return {"release_event": event, "published_at": min(event.date, today)}
    if t.name == "sign":
        return {"signed_at": now}
    if t.name == "start_cooperation":
        return {"cooperation_started_at": now}
    if t.name == "close":
        return {"closed_reason": reason.strip()}
    return {}


def apply_transition_locked(
    *, scenario: Scenario, t: Transition, actor: Actor, reason: str = "", params: dict[str, Any] | None = None
) -> TransitionLog:
    """Apply `t` to a scenario the caller has locked inside its own transaction."""
    params = params or {}
    _check(actor, t, scenario, reason, params)
    now = timezone.now()
    changes = _changes(t, scenario, reason, params, now)
    from_state = scenario.state
    for field, value in changes.items():
        setattr(scenario, field, value)
    scenario.state = t.target
    scenario.state_changed_at = now
    scenario.save(update_fields=[*changes, "state", "state_changed_at", "updated_at"])
    log = TransitionLog.objects.create(
        scenario=scenario,
        action=t.action,
        transition=t.name,
        from_state=from_state,
        to_state=t.target,
        actor=actor.user if actor.is_authenticated else None,
        reason=reason.strip(),
        payload=_payload(changes),
    )

    enqueue("scenarios.tasks.scenario_transitioned", log.pk)
    declined: list[int] = []
    if t.name in ("sign", "close"):
        # The deal went elsewhere, or nowhere: proposals still waiting are answered, and their suppliers told.
        reason_text = _("该场景已与其他产品提供方签约。") if t.name == "sign" else _("该场景已关闭，未达成合作。")
        declined = _decline_waiting_proposals(scenario, reason_text, now)
    audit_record(
        action=t.action,
        actor_user=actor.user,
        obj=scenario,
        changes={"state": [from_state, t.target], **{k: [None, v] for k, v in log.payload.items()}},
        payload={"reason": log.reason, **({"declined_proposals": declined} if declined else {})},
    )
    if t.name == "publish" and scenario.invitations.exists():
        enqueue("scenarios.tasks.invited_suppliers_told", scenario.pk)
    if t.name == "publish":
        enqueue("scenarios.tasks.subscribers_told", scenario.pk)
    if ScenarioState.PUBLISHED in (from_state, t.target):
        # Published: rank it; leaving the open market: its recommendations go.
        enqueue("matching.tasks.match_scenario", scenario.pk)
    return log


def _decline_waiting_proposals(scenario: Scenario, reason: str, now) -> list[int]:

    waiting = Proposal.objects.filter(scenario=scenario, status=ProposalStatus.SUBMITTED)
    ids = list(waiting.values_list("pk", flat=True))
    waiting.update(status=ProposalStatus.DECLINED, decision_reason=reason, decided_at=now, updated_at=now)
    for proposal_id in ids:
        enqueue("scenarios.tasks.proposal_decided", proposal_id)
    return ids


def _payload(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field, value in changes.items():
        if hasattr(value, "pk"):
            out[f"{field}_id"] = value.pk
        elif isinstance(value, datetime.datetime | datetime.date):
            out[field] = value.isoformat()
        elif value is not None and not isinstance(value, str | int | float | bool):
            out[field] = str(value)
        else:
            out[field] = value
    return out


def _run(name: str, *, scenario_id: int, actor_user, reason: str = "", **params: Any) -> Scenario:
    t = TRANSITIONS[name]
    actor = actor_for(actor_user)
    with transaction.atomic():
        scenario = (
            Scenario.objects.select_for_update(of=("self",))
            .select_related("sector", "release_event")
            .filter(pk=scenario_id)
            .first()
        )
        if scenario is None:
            raise NotFound("not_found", _("场景不存在。"))
        apply_transition_locked(scenario=scenario, t=t, actor=actor, reason=reason, params=params)
    return scenario


def _event(event_id: int | None) -> ReleaseEvent | None:
    if event_id is None:
        return None
    event = ReleaseEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise DomainError("event_not_found", _("发布活动不存在。"), fields={"event": [_("发布活动不存在。")]})
    return event


def scenario_submit(*, scenario_id: int, actor_user, reason: str = "") -> Scenario:
    return _run("submit", scenario_id=scenario_id, actor_user=actor_user, reason=reason)


def scenario_return(*, scenario_id: int, actor_user, reason: str) -> Scenario:
    return _run("return", scenario_id=scenario_id, actor_user=actor_user, reason=reason)


def scenario_approve(
    *,
    scenario_id: int,
    actor_user,
    year: int | None = None,
    quarter: int | None = None,
    event_id: int | None = None,
    reason: str = "",
) -> Scenario:
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise DomainError("invalid_quarter", _("季度须为 1 至 4。"), fields={"quarter": [_("季度须为 1 至 4。")]})
    return _run(
        "approve",
        scenario_id=scenario_id,
        actor_user=actor_user,
        reason=reason,
        year=year,
        quarter=quarter,
        event=_event(event_id),
    )


def scenario_publish(*, scenario_id: int, actor_user, event_id: int | None = None, reason: str = "") -> Scenario:
    return _run("publish", scenario_id=scenario_id, actor_user=actor_user, reason=reason, event=_event(event_id))


def scenario_sign(*, scenario_id: int, actor_user, reason: str = "") -> Scenario:
    return _run("sign", scenario_id=scenario_id, actor_user=actor_user, reason=reason)


def scenario_start_cooperation(*, scenario_id: int, actor_user, reason: str = "") -> Scenario:
    return _run("start_cooperation", scenario_id=scenario_id, actor_user=actor_user, reason=reason)


def scenario_designate_benchmark(*, scenario_id: int, actor_user, reason: str = "") -> Scenario:
    return _run("designate_benchmark", scenario_id=scenario_id, actor_user=actor_user, reason=reason)


def scenario_include_in_zone(*, scenario_id: int, actor_user, reason: str = "") -> Scenario:
    return _run("include_in_zone", scenario_id=scenario_id, actor_user=actor_user, reason=reason)


def scenario_close(*, scenario_id: int, actor_user, reason: str) -> Scenario:
    return _run("close", scenario_id=scenario_id, actor_user=actor_user, reason=reason)


def scenario_withdraw(*, scenario_id: int, actor_user, reason: str = "") -> Scenario:
    return _run("withdraw", scenario_id=scenario_id, actor_user=actor_user, reason=reason)


_BY_NAME = {
    "submit": scenario_submit,
    "return": scenario_return,
    "approve": scenario_approve,
    "publish": scenario_publish,
    "sign": scenario_sign,
    "start_cooperation": scenario_start_cooperation,
    "designate_benchmark": scenario_designate_benchmark,
    "include_in_zone": scenario_include_in_zone,
    "close": scenario_close,
    "withdraw": scenario_withdraw,
}


def scenario_transition(*, name: str, scenario_id: int, actor_user, **params: Any) -> Scenario:
    """Dispatch by transition name, for the admin and the API, which offer every transition alike."""
    if name not in _BY_NAME:
        raise DomainError("unknown_transition", _("未知的操作：{name}。").format(name=name))
    return _BY_NAME[name](scenario_id=scenario_id, actor_user=actor_user, **params)


def release_event_publish_all(*, event_id: int, actor_user) -> list[Scenario]:
    """Publish the event's whole scenario list at once: every scenario, or none (with every reason)."""
    actor = actor_for(actor_user)
    t = TRANSITIONS["publish"]
    with transaction.atomic():
        event = ReleaseEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            raise NotFound("event_not_found", _("发布活动不存在。"))
        if not actor.is_link_office:
            raise PermissionDenied("not_allowed", _("只有链长办可以发布场景。"))
        listed = list(
            Scenario.objects.select_for_update(of=("self",))
            .select_related("sector", "release_event")
            .filter(release_event=event)
            .exclude(state__in=[ScenarioState.WITHDRAWN, ScenarioState.CLOSED, ScenarioState.PUBLISHED])
            .exclude(published_at__isnull=False)
            .order_by("pk")
        )
        if not listed:
            raise DomainError("nothing_to_publish", _("该活动没有待发布的场景。"), status=409)
        problems: dict[str, list[str]] = {}
        for scenario in listed:
            try:
                _check(actor, t, scenario, "", {"event": event})
            except DomainError as exc:
                problems[scenario.key] = [f"{scenario.title}：{exc}"]
        if problems:
            raise DomainError(
                "batch_refused",
                _("{n} 个场景不能发布，整批未发布。").format(n=len(problems)),
                fields=problems,
                status=409,
            )
        for scenario in listed:
            apply_transition_locked(scenario=scenario, t=t, actor=actor, params={"event": event})
        event.list_final = True
        event.save(update_fields=["list_final"])
    return listed
