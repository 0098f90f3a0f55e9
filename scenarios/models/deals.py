from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import keys
from common.attachments import AttachmentBase

from ..choices import DeclineReason, MilestoneStatus, ProposalKind, ProposalStatus


class Proposal(models.Model):
    """对接意向/揭榜方案. Confidential: only its supplier, the provider, the region's city staff and the
    link office may ever see it (DOMAIN.md §7)."""

    key = models.CharField(_("外部标识"), max_length=64, unique=True, default=keys.proposal_key)
    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.PROTECT, related_name="proposals"
    )
    supplier = models.ForeignKey(
        "marketplace.Organization", verbose_name=_("产品提供方"), on_delete=models.PROTECT, related_name="proposals"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ProposalKind.choices, default=ProposalKind.INTEREST)
    status = models.CharField(
        _("状态"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED, db_index=True
    )
    products = models.ManyToManyField(
        "marketplace.Product", verbose_name=_("拟提供产品"), blank=True, related_name="proposals"
    )
    price = models.DecimalField(_("报价（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    plan = models.TextField(_("实施方案"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), db_index=True)
    # The provider's answer: accepted (signed with), or declined with a reason the supplier is told.
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.CharField(_("处理说明"), max_length=500, blank=True)
    decline_code = models.CharField(_("未采纳原因"), max_length=16, choices=DeclineReason.choices, blank=True)
    # The provider's working list while comparing proposals: never shown to the supplier.
    shortlisted = models.BooleanField(_("入围"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("对接方案")
        verbose_name_plural = _("对接方案")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "supplier"], name="proposal_once_per_supplier"),
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gte=0),
                name="proposal_price_not_negative",
                violation_error_code="price_negative",
                violation_error_message=_("报价不能为负数。"),
            ),
            models.CheckConstraint(condition=models.Q(status__in=ProposalStatus.values), name="proposal_status_valid"),
            models.CheckConstraint(
                condition=models.Q(decline_code="") | models.Q(status=ProposalStatus.DECLINED),
                name="proposal_decline_code_only_when_declined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.scenario}"


class ProposalDraft(models.Model):
    """A supplier's proposal not yet sent: seen by nobody but the supplier's own members. Submitting it makes
    the proposal (and the draft goes)."""

    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.CASCADE, related_name="proposal_drafts"
    )
    supplier = models.ForeignKey(
        "marketplace.Organization", verbose_name=_("产品提供方"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=ProposalKind.choices, default=ProposalKind.PROPOSAL)
    price = models.DecimalField(_("报价（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    plan = models.TextField(_("实施方案"), blank=True)
    product_ids = models.JSONField(_("拟提供产品"), default=list, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("保存人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(_("保存时间"), auto_now=True)

    class Meta:
        verbose_name = _("方案草稿")
        verbose_name_plural = _("方案草稿")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "supplier"], name="proposal_draft_once_per_supplier"),
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.scenario}"


class ProposalRevision(models.Model):
    """Each version of a proposal's terms as its supplier submitted them, numbered from 1; kept forever so the
    provider sees what changed and nothing is rewritten unseen."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("对接方案"), on_delete=models.CASCADE, related_name="revisions"
    )
    number = models.PositiveIntegerField(_("版本"))
    kind = models.CharField(_("类型"), max_length=16, choices=ProposalKind.choices)
    price = models.DecimalField(_("报价（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    plan = models.TextField(_("实施方案"), blank=True)
    product_ids = models.JSONField(_("拟提供产品"), default=list, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        ordering = ["proposal", "number"]
        constraints = [models.UniqueConstraint(fields=["proposal", "number"], name="proposal_revision_once")]

    def __str__(self) -> str:
        return f"{self.proposal_id} v{self.number}"


class ProposalAttachment(AttachmentBase):
    proposal = models.ForeignKey(
        Proposal, verbose_name=_("对接方案"), on_delete=models.CASCADE, related_name="attachments"
    )

    class Meta(AttachmentBase.Meta):
        verbose_name = _("方案附件")
        verbose_name_plural = _("方案附件")


class Agreement(models.Model):
    """合作协议: the signed cooperation between a scenario's provider and one or more suppliers."""

    key = models.CharField(_("外部标识"), max_length=64, unique=True, default=keys.agreement_key)
    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.PROTECT, related_name="agreements"
    )
    suppliers = models.ManyToManyField(
        "marketplace.Organization", verbose_name=_("签约产品提供方"), related_name="agreements"
    )
    products = models.ManyToManyField(
        "marketplace.Product", verbose_name=_("采购产品"), blank=True, related_name="agreements"
    )
    signed_on = models.DateField(_("签约日期"), db_index=True)
    amount = models.DecimalField(_("合同金额（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    summary = models.TextField(_("协议要点"), blank=True)
    # The award (suppliers, date) is public; its amount only when the provider chooses to publish it.
    publish_amount = models.BooleanField(_("公开合同金额"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("合作协议")
        verbose_name_plural = _("合作协议")
        ordering = ["-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0), name="agreement_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} ({self.signed_on})"


class AgreementDocument(AttachmentBase):
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("合作协议"), on_delete=models.CASCADE, related_name="documents"
    )

    class Meta(AttachmentBase.Meta):
        verbose_name = _("协议文件")
        verbose_name_plural = _("协议文件")


class ProgressReport(models.Model):
    """跟踪记录: dated follow-up on a signed scenario."""

    key = models.CharField(_("外部标识"), max_length=64, unique=True, default=keys.report_key)
    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.PROTECT, related_name="progress_reports"
    )
    reported_on = models.DateField(_("报告日期"), db_index=True)
    summary = models.TextField(_("进展情况"))
    milestone = models.CharField(_("里程碑"), max_length=200, blank=True)
    milestone_status = models.CharField(
        _("里程碑状态"), max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    progress_percent = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    cooperation_started = models.BooleanField(_("已实际开展合作"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("跟踪记录")
        verbose_name_plural = _("跟踪记录")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_percent__lte=100), name="report_progress_percent_le_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario} · {self.reported_on}"


class ProgressEvidence(AttachmentBase):
    report = models.ForeignKey(
        ProgressReport, verbose_name=_("跟踪记录"), on_delete=models.CASCADE, related_name="evidence"
    )

    class Meta(AttachmentBase.Meta):
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
