"""Clarification questions (答疑): a supplier asks about a published scenario, the provider answers in public."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.errors import DomainError, NotFound, PermissionDenied
from common.policy import restrict
from marketplace.choices import Role
from marketplace.selectors import actor_for
from outbox.services import enqueue

from ..choices import ScenarioState
from ..lifecycle import Who
from ..models import ClarificationQuestion
from .records import _locked_scenario, _require

QUESTION_MAX = 2000
ANSWER_MAX = 4000


def _text(text: str, limit: int, field: str = "text") -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError("invalid", _("请填写内容。"), fields={field: [_("请填写内容。")]})
    if len(text) > limit:
        message = _("内容不能超过 {n} 个字。").format(n=limit)
        raise DomainError("invalid", message, fields={field: [message]})
    return text


def question_ask(*, scenario_id: int, actor_user, text: str) -> ClarificationQuestion:
    """A verified AI company asks about a published scenario; the provider and its city staff are told."""
    actor = actor_for(actor_user)
    if actor.role != Role.SUPPLIER:
        raise PermissionDenied("not_allowed", _("只有经过认证的产品提供方可以提问。"))
    text = _text(text, QUESTION_MAX)
    with transaction.atomic():
        scenario = _locked_scenario(scenario_id, actor)
        if scenario.state != ScenarioState.PUBLISHED:
            raise DomainError("invalid_state", _("只能对已发布、尚未签约的场景提问。"), status=409)
        question = ClarificationQuestion.objects.create(
            scenario=scenario, asker_id=actor.organization_id, asked_by=actor_user, text=text
        )
        audit_record(
            action="scenarios.question.asked",
            actor_user=actor_user,
            obj=question,
            changes={"text": [None, text]},
            region_id=scenario.region_id,
        )
        enqueue("scenarios.tasks.question_asked", question.pk)
    return question


def question_answer(*, question_id: int, actor_user, text: str) -> ClarificationQuestion:
    """The provider (or its city staff, or the link office) answers; the answer is public from now on, and
    the asker and every supplier that showed interest in the scenario are told. A second answer corrects
    the first (kept in the audit trail)."""
    actor = actor_for(actor_user)
    text = _text(text, ANSWER_MAX)
    with transaction.atomic():
        question = (
            restrict(ClarificationQuestion, actor)
            .select_for_update(of=("self",))
            .select_related("scenario")
            .filter(pk=question_id)
            .first()
        )
        if question is None:
            raise NotFound("not_found", _("问题不存在。"))
        _require(actor, question.scenario, Who.PROVIDER, Who.REGION_STAFF, Who.LINK_OFFICE)
        before = question.answer or None
        if before == text:
            return question
        first = not question.is_answered
        question.answer, question.answered_by = text, actor_user
        question.answered_at = question.answered_at or timezone.now()
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_record(
            action="scenarios.question.answered" if first else "scenarios.question.answer_corrected",
            actor_user=actor_user,
            obj=question,
            changes={"answer": [before, text]},
            region_id=question.scenario.region_id,
        )
        if first:
            enqueue("scenarios.tasks.question_answered", question.pk)
    return question
