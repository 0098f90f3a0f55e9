from .deals import (
    Agreement,
    AgreementDocument,
    ProgressEvidence,
    ProgressReport,
    Proposal,
    ProposalAttachment,
    ProposalDraft,
    ProposalRevision,
)
from .followup import CooperationCheckIn, Reminder, ReminderRule
from .planning import AnnualPlan, AnnualTarget, DockingMeeting, ReleaseEvent
from .questions import ClarificationQuestion
from .recognition import (
    BenchmarkCase,
    BenchmarkPicture,
    DemonstrationZone,
    ProductPromotion,
    ScenarioInvitation,
    SupportGrant,
)
from .scenario import Scenario, ScenarioAttachment, TransitionLog

__all__ = [
    "Agreement",
    "AgreementDocument",
    "AnnualPlan",
    "AnnualTarget",
    "BenchmarkCase",
    "BenchmarkPicture",
    "ClarificationQuestion",
    "CooperationCheckIn",
    "DemonstrationZone",
    "DockingMeeting",
    "ProductPromotion",
    "ProgressEvidence",
    "ProgressReport",
    "Proposal",
    "ProposalAttachment",
    "ProposalDraft",
    "ProposalRevision",
    "ReleaseEvent",
    "Reminder",
    "ReminderRule",
    "Scenario",
    "ScenarioAttachment",
    "ScenarioInvitation",
    "SupportGrant",
    "TransitionLog",
]
