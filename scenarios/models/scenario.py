from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import keys
from common.attachments import AttachmentBase
from common.indexes import NullsLastIndex

from ..choices import PUBLISHED_STATES, CooperationMode, ScenarioCategory, ScenarioState

# The list's order: newest publication first, undated (unpublished) scenarios after every dated one.
NEWEST_FIRST = models.F("published_at").desc(nulls_last=True)


class Scenario(models.Model):
    """An application scenario (应用场景): a concrete place where a provider wants AI applied."""

    key = models.CharField(_("外部标识"), max_length=64, unique=True, default=keys.scenario_key)
    title = models.CharField(_("场景名称"), max_length=200)
    provider = models.ForeignKey(
        "marketplace.Organization", verbose_name=_("场景提供方"), on_delete=models.PROTECT, related_name="scenarios"
    )
    region = models.ForeignKey(
        "marketplace.Region", verbose_name=_("所在市（州）"), on_delete=models.PROTECT, related_name="scenarios"
    )
    category = models.CharField(_("场景类别"), max_length=16, choices=ScenarioCategory.choices, db_index=True)
    sector = models.ForeignKey(
        "marketplace.Sector", verbose_name=_("行业领域"), on_delete=models.PROTECT, related_name="scenarios"
    )
    purpose = models.TextField(_("场景用途"))
    requirements = models.TextField(_("技术要求"), blank=True)
    cooperation_mode = models.CharField(
        _("合作方式"),
        max_length=20,
        choices=CooperationMode.choices,
        default=CooperationMode.PROCUREMENT,
        db_index=True,
    )
    budget_min = models.DecimalField(_("预算下限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    budget_max = models.DecimalField(_("预算上限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    expected_start = models.DateField(_("预计启动时间"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(_("预计周期（月）"), null=True, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    # The provider chooses whether its contact is published with the scenario (booklet, page, open data).
    publish_contact = models.BooleanField(_("公开联系人"), default=True)

    state = models.CharField(
        _("状态"), max_length=20, choices=ScenarioState.choices, default=ScenarioState.DRAFT, db_index=True
    )
    plan = models.ForeignKey(
        "scenarios.AnnualPlan",
        verbose_name=_("年度开放计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scenarios",
    )
    planned_quarter = models.PositiveSmallIntegerField(_("计划发布季度"), null=True, blank=True)
    release_event = models.ForeignKey(
        "scenarios.ReleaseEvent",
        verbose_name=_("发布活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scenarios",
    )
    published_at = models.DateField(_("发布日期"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签约时间"), null=True, blank=True)
    cooperation_started_at = models.DateTimeField(_("开展合作时间"), null=True, blank=True)
    closed_reason = models.TextField(_("关闭原因"), blank=True)
    replicated_from = models.ForeignKey(
        "scenarios.BenchmarkCase",
        verbose_name=_("复制推广自标杆案例"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replications",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Segmented title, purpose and requirements, kept by the matching app (matching/signals.py).
    search_tokens = models.TextField(_("分词"), null=True, blank=True, editable=False)  # noqa: DJ001 NULL: not yet analysed
    # When the state last changed: the follow-up rules measure "days since the last action" from it.
    state_changed_at = models.DateTimeField(_("状态变更时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("应用场景")
        verbose_name_plural = _("应用场景")
        ordering = [models.F("published_at").desc(nulls_last=True), "-id"]
        # Shaped for the list: visibility (state) + a filter + the list order (newest first, undated
        # drafts last), so that a page is an ordered index walk and a count an index-only scan.
        indexes = [
            NullsLastIndex(NEWEST_FIRST, models.F("id").desc(), name="scenario_newest"),
            NullsLastIndex("state", NEWEST_FIRST, models.F("id").desc(), name="scenario_state_newest"),
            NullsLastIndex("state", "region", NEWEST_FIRST, models.F("id").desc(), name="scenario_state_region_newest"),
            NullsLastIndex("state", "sector", NEWEST_FIRST, models.F("id").desc(), name="scenario_state_sector_newest"),
            # Covering what visibility reads (a date, the region for city staff, the provider for providers), so
            # that a budget count is index-only for every role.
            models.Index(
                fields=["state", "budget_max", "budget_min"],
                include=["published_at", "region", "provider"],
                name="scenario_state_budget_cover",
            ),
            models.Index(fields=["region", "sector", "state", "published_at"], name="scenario_region_sector_state"),
            # The public list filtered by region and category (a count, then a page) without a heap visit.
            models.Index(fields=["region", "category", "state", "published_at"], name="scenario_region_category_state"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_min__isnull=True)
                | models.Q(budget_max__isnull=True)
                | models.Q(budget_min__lte=models.F("budget_max")),
                name="scenario_budget_min_le_max",
                violation_error_code="budget_range",
                violation_error_message=_("预算下限不能高于预算上限。"),
            ),
            models.CheckConstraint(
                condition=(models.Q(budget_min__isnull=True) | models.Q(budget_min__gte=0))
                & (models.Q(budget_max__isnull=True) | models.Q(budget_max__gte=0)),
                name="scenario_budget_not_negative",
                violation_error_code="budget_negative",
                violation_error_message=_("预算不能为负数。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=PUBLISHED_STATES) | models.Q(published_at__isnull=False),
                name="scenario_published_has_date",
            ),
            models.CheckConstraint(condition=models.Q(state__in=ScenarioState.values), name="scenario_state_valid"),
            models.CheckConstraint(
                condition=models.Q(category__in=ScenarioCategory.values), name="scenario_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(planned_quarter__isnull=True) | models.Q(planned_quarter__range=(1, 4)),
                name="scenario_planned_quarter_1_4",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=ScenarioState.CLOSED) | ~models.Q(closed_reason=""),
                name="scenario_closed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ScenarioAttachment(AttachmentBase):
    scenario = models.ForeignKey(
        Scenario, verbose_name=_("应用场景"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(AttachmentBase.Meta):
        verbose_name = _("场景附件")
        verbose_name_plural = _("场景附件")


class TransitionLog(models.Model):
    """Every lifecycle change of a scenario: who, when, from, to and why. Append-only."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("应用场景"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("动作"), max_length=64, db_index=True)
    transition = models.CharField(_("流转"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=20, choices=ScenarioState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=ScenarioState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("原因/说明"), blank=True)
    payload = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["scenario", "at"])]

    def __str__(self) -> str:
        return f"{self.scenario_id}: {self.from_state or '∅'} → {self.to_state}"
