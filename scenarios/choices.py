from django.db import models
from django.utils.translation import gettext_lazy as _


class ScenarioState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("已审核")
    PUBLISHED = "published", _("已发布")
    SIGNED = "signed", _("已签约")
    IN_COOPERATION = "in_cooperation", _("合作中")
    BENCHMARK = "benchmark", _("标杆案例")
    DEMONSTRATION = "demonstration", _("示范应用")
    CLOSED = "closed", _("已关闭")
    WITHDRAWN = "withdrawn", _("已撤回")


# States in which a scenario has been published (and so must carry its publication date).
PUBLISHED_STATES = (
    ScenarioState.PUBLISHED,
    ScenarioState.SIGNED,
    ScenarioState.IN_COOPERATION,
    ScenarioState.BENCHMARK,
    ScenarioState.DEMONSTRATION,
)
# A scenario that has been published stays public, also after it was closed without a deal.
PUBLIC_STATES = (*PUBLISHED_STATES, ScenarioState.CLOSED)
SIGNED_STATES = (
    ScenarioState.SIGNED,
    ScenarioState.IN_COOPERATION,
    ScenarioState.BENCHMARK,
    ScenarioState.DEMONSTRATION,
)


class ScenarioCategory(models.TextChoices):
    GOVERNMENT = "government", _("政府类")
    INDUSTRY = "industry", _("产业类")


class CooperationMode(models.TextChoices):
    PROCUREMENT = "procurement", _("采购")
    JOINT_RND = "joint_rnd", _("联合研发")
    PILOT = "pilot", _("试点应用")
    OPEN_COMPETITION = "open_competition", _("揭榜挂帅")
    OTHER = "other", _("其他")


class EventKind(models.TextChoices):
    PROVINCIAL = "provincial", _("省级应用场景发布会")
    DOCKING = "docking", _("产业对接活动")


class ProposalKind(models.TextChoices):
    INTEREST = "interest", _("对接意向")
    PROPOSAL = "proposal", _("揭榜方案")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已采纳")
    DECLINED = "declined", _("未采纳")
    WITHDRAWN = "withdrawn", _("已撤回")


class DeclineReason(models.TextChoices):
    """Why a proposal was not taken: the supplier's debrief starts with one of these."""

    BUDGET = "budget", _("报价超出预算")
    FIT = "fit", _("技术方案与需求不符")
    MATURITY = "maturity", _("产品成熟度不足")
    REFERENCES = "references", _("缺少同类应用案例")
    OTHER_CHOSEN = "other_chosen", _("已选择其他更合适的方案")
    OTHER = "other", _("其他原因")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("计划中")
    MET = "met", _("已达成")
    MISSED = "missed", _("未达成")


class SupportKind(models.TextChoices):
    INNOVATION_VOUCHER = "innovation_voucher", _("科技创新券")
    COMPUTE_SUBSIDY = "compute_subsidy", _("算力补贴")
    FIRST_SET = "first_set", _("首台（套）")
    FIRST_BATCH = "first_batch", _("首批次")
    FIRST_VERSION = "first_version", _("首版次")
    GUIDANCE_FUND = "guidance_fund", _("引导基金")
    BOND = "bond", _("债券")
    RESEARCH_PROJECT = "research_project", _("科技计划项目")


class ZoneLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("省级")
    NATIONAL = "national", _("国家级")


class ZoneStatus(models.TextChoices):
    CANDIDATE = "candidate", _("候选")
    DESIGNATED = "designated", _("已认定（省级）")
    NATIONAL_APPLIED = "national_applied", _("已申报国家级")
    NATIONAL_DESIGNATED = "national_designated", _("已认定（国家级）")


class TargetMetric(models.TextChoices):
    RELEASE_EVENTS = "release_events", _("省级应用场景发布会（次）")
    PUBLISHED_SCENARIOS = "published_scenarios", _("新发布应用场景（个）")
    GOVERNMENT_SCENARIOS = "government_scenarios", _("其中政府类场景（个）")
    MANUFACTURING_SCENARIOS = "manufacturing_scenarios", _("制造业场景向社会开放（个）")
    BENCHMARK_CASES = "benchmark_cases", _("标杆示范场景（个）")
    DEMONSTRATION_ZONES = "demonstration_zones", _("省级示范区（个）")


# DOMAIN.md §6 (seed 003, seed 000). Applied when a year's plan is created; the office edits them as data.
DEFAULT_TARGETS = {
    TargetMetric.RELEASE_EVENTS: 4,
    TargetMetric.PUBLISHED_SCENARIOS: 150,
    TargetMetric.GOVERNMENT_SCENARIOS: 20,
    TargetMetric.MANUFACTURING_SCENARIOS: 20,
    TargetMetric.BENCHMARK_CASES: 10,
    TargetMetric.DEMONSTRATION_ZONES: 1,
}


class ReminderStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ESCALATED = "escalated", _("已升级")
    RESOLVED = "resolved", _("已解除")


class ReminderRuleCode(models.TextChoices):
    """The follow-up rules of DOMAIN.md §5, and the check-in of running cooperation."""

    SUBMITTED_UNREVIEWED = "submitted_unreviewed", _("提交后未审核")
    PUBLISHED_NO_PROPOSAL = "published_no_proposal", _("发布后无对接意向")
    PROPOSALS_UNSIGNED = "proposals_unsigned", _("有对接意向但未签约")
    SIGNED_NO_PROGRESS = "signed_no_progress", _("签约后无跟踪记录")
    EVENT_LIST_NOT_FINAL = "event_list_not_final", _("发布会临近而场景清单未确定")
    TARGETS_BEHIND_PACE = "targets_behind_pace", _("季度末年度目标进度滞后")
    COOPERATION_UNCONFIRMED = "cooperation_unconfirmed", _("合作运行情况未确认或有异议")


class FollowupStatus(models.TextChoices):
    """Where a scenario stands in the city's follow-up (the board's groups)."""

    AWAITING_REVIEW = "awaiting_review", _("待审核")
    AWAITING_EVENT = "awaiting_event", _("已审核待发布")
    NO_PROPOSALS = "no_proposals", _("已发布无对接意向")
    PROPOSALS_UNSIGNED = "proposals_unsigned", _("有对接意向未签约")
    SIGNED_NOT_STARTED = "signed_not_started", _("已签约未开展合作")
    COOPERATING = "cooperating", _("合作中")
    BENCHMARK = "benchmark", _("标杆案例")
