"""The scenario lifecycle of DOMAIN.md §4, whole, in one table.

Each transition names its source states, its target state, who may perform it and its guard (a check
of the records the transition needs). The table has no side effects: `scenarios.services` applies it
under a row lock, writes the transition log and schedules the work that follows.

Who: PROVIDER is a member of the scenario's provider; REGION_STAFF is city staff of the scenario's
region; LINK_OFFICE supervises the whole process and may perform every transition (for instance a
provider's submission received on paper), which is why it appears on every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from .choices import ScenarioState as S


class Who(StrEnum):
    PROVIDER = "provider"
    REGION_STAFF = "region_staff"
    LINK_OFFICE = "link_office"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    who: frozenset[Who]
    # Name of a guard in scenarios.guards; None when the transition needs no record.
    guard: str | None = None
    reason_required: bool = False

    @property
    def action(self) -> str:
        """The dotted audit name written to the transition log."""
        return f"scenarios.scenario.{self.name}"


def _t(name, label, sources, target, who, guard=None, reason_required=False) -> Transition:
    return Transition(name, label, frozenset(sources), target, frozenset(who), guard, reason_required)


P, R, L = Who.PROVIDER, Who.REGION_STAFF, Who.LINK_OFFICE
T = _t

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        T("submit", _("提交"), [S.DRAFT], S.SUBMITTED, [P, L], guard="required_fields"),
        T("return", _("退回修改"), [S.SUBMITTED], S.DRAFT, [R, L], reason_required=True),
        T("approve", _("审核通过"), [S.SUBMITTED], S.APPROVED, [R, L]),
        T("publish", _("发布"), [S.APPROVED], S.PUBLISHED, [L], guard="release_event"),
        T("sign", _("签约"), [S.PUBLISHED], S.SIGNED, [P, R, L], guard="agreement"),
        T("start_cooperation", _("开展合作"), [S.SIGNED], S.IN_COOPERATION, [P, R, L], guard="cooperation_report"),
        T("designate_benchmark", _("认定标杆案例"), [S.IN_COOPERATION], S.BENCHMARK, [L], guard="benchmark_case"),
        T("include_in_zone", _("纳入示范区"), [S.BENCHMARK], S.DEMONSTRATION, [L], guard="demonstration_zone"),
        T("close", _("关闭（未成交）"), [S.PUBLISHED], S.CLOSED, [P, L], reason_required=True),
        T("withdraw", _("撤回"), [S.DRAFT, S.SUBMITTED, S.APPROVED], S.WITHDRAWN, [P, L]),
    ]
}


# A proposal's life, whole: who moves it where. Only a waiting (submitted) proposal is revised or withdrawn;
# an answer is final, except that a withdrawn proposal may be submitted again while the scenario is open.
PROPOSAL_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({"withdrawn"}), "submitted"),  # a first submission has no source state
    "revise": (frozenset({"submitted"}), "submitted"),
    "withdraw": (frozenset({"submitted"}), "withdrawn"),
    "decline": (frozenset({"submitted"}), "declined"),
    "accept": (frozenset({"submitted", "declined"}), "accepted"),  # the agreement names its supplier
}


# Log entries that are not transitions of the table: a scenario's creation and its import from a file.
OTHER_LOG_ENTRIES = {"create": _("创建"), "import": _("导入")}


def transition_display(name: str) -> str:
    """What a person reads for a transition-log entry."""
    if name in TRANSITIONS:
        return str(TRANSITIONS[name].label)
    return str(OTHER_LOG_ENTRIES.get(name, name))


def transition(name: str) -> Transition:
    return TRANSITIONS[name]
