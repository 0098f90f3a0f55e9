from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import keys
from common.attachments import AttachmentBase

from ..choices import SupportKind, ZoneStatus


class BenchmarkCase(models.Model):
    """标杆案例: the write-up of a scenario whose cooperation proved itself."""

    key = models.CharField(_("外部标识"), max_length=64, unique=True, default=keys.case_key)
    scenario = models.OneToOneField(
        "scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.PROTECT, related_name="benchmark_case"
    )
    title = models.CharField(_("案例名称"), max_length=200)
    background = models.TextField(_("背景"))
    solution = models.TextField(_("解决方案"))
    outcomes = models.TextField(_("应用成效"))
    # [{"label": "检出率", "value": 99.6, "unit": "%"}, …]: the figures the write-up is judged by.
    outcome_figures = models.JSONField(_("成效数据"), default=list, blank=True)
    recommended_national_pilot = models.BooleanField(_("推荐申报国家人工智能应用试点"), default=False)
    recommended_typical_case = models.BooleanField(_("推荐申报国家人工智能典型应用案例"), default=False)
    is_public = models.BooleanField(_("公开展示"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("标杆案例")
        verbose_name_plural = _("标杆案例")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class BenchmarkPicture(AttachmentBase):
    case = models.ForeignKey(
        BenchmarkCase, verbose_name=_("标杆案例"), on_delete=models.CASCADE, related_name="pictures"
    )
    caption = models.CharField(_("图片说明"), max_length=200, blank=True)

    class Meta(AttachmentBase.Meta):
        verbose_name = _("案例图片")
        verbose_name_plural = _("案例图片")


class SupportGrant(models.Model):
    """Support granted to a benchmark case's parties (科技创新券, 算力补贴, 首台套 …)."""

    case = models.ForeignKey(
        BenchmarkCase, verbose_name=_("标杆案例"), on_delete=models.CASCADE, related_name="support_grants"
    )
    kind = models.CharField(_("支持类型"), max_length=24, choices=SupportKind.choices)
    recipient = models.ForeignKey(
        "marketplace.Organization",
        verbose_name=_("受支持单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="support_grants",
    )
    amount = models.DecimalField(_("金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    granted_on = models.DateField(_("给予日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("政策支持")
        verbose_name_plural = _("政策支持")
        ordering = ["case", "granted_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0), name="grant_amount_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(kind__in=SupportKind.values), name="grant_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class DemonstrationZone(models.Model):
    """人工智能场景应用示范区: a region × sector scored and designated by the link office."""

    key = models.CharField(_("外部标识"), max_length=64, unique=True, default=keys.zone_key)
    name = models.CharField(_("名称"), max_length=200)
    region = models.ForeignKey(
        "marketplace.Region", verbose_name=_("市（州）"), on_delete=models.PROTECT, related_name="zones"
    )
    sector = models.ForeignKey(
        "marketplace.Sector", verbose_name=_("行业领域"), on_delete=models.PROTECT, related_name="zones"
    )
    status = models.CharField(
        _("状态"), max_length=24, choices=ZoneStatus.choices, default=ZoneStatus.CANDIDATE, db_index=True
    )
    score = models.DecimalField(_("评分"), max_digits=8, decimal_places=2, null=True, blank=True)
    score_components = models.JSONField(_("评分构成"), default=dict, blank=True)
    designated_on = models.DateField(_("省级认定日期"), null=True, blank=True)
    national_applied_on = models.DateField(_("申报国家级日期"), null=True, blank=True)
    national_designated_on = models.DateField(_("国家级认定日期"), null=True, blank=True)
    description = models.TextField(_("简介"), blank=True)

    class Meta:
        verbose_name = _("示范区")
        verbose_name_plural = _("示范区")
        ordering = ["region", "sector"]
        constraints = [
            models.UniqueConstraint(fields=["region", "sector"], name="zone_once_per_region_sector"),
            models.CheckConstraint(condition=models.Q(status__in=ZoneStatus.values), name="zone_status_valid"),
            models.CheckConstraint(
                condition=models.Q(status=ZoneStatus.CANDIDATE) | models.Q(designated_on__isnull=False),
                name="zone_designated_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_designated(self) -> bool:
        return self.status != ZoneStatus.CANDIDATE


class ScenarioInvitation(models.Model):
    """A supplier invited to a scenario: the proven supplier of the benchmark case it replicates. Invited
    suppliers hear of the scenario when it is published."""

    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.CASCADE, related_name="invitations"
    )
    supplier = models.ForeignKey(
        "marketplace.Organization", verbose_name=_("产品提供方"), on_delete=models.CASCADE, related_name="invitations"
    )
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("定向邀请")
        verbose_name_plural = _("定向邀请")
        constraints = [models.UniqueConstraint(fields=["scenario", "supplier"], name="invitation_once")]

    def __str__(self) -> str:
        return f"{self.scenario_id} → {self.supplier_id}"


class ProductPromotion(models.Model):
    """推广应用: the link office promotes a product proven in a benchmark case across the province."""

    product = models.ForeignKey(
        "marketplace.Product", verbose_name=_("AI 产品"), on_delete=models.CASCADE, related_name="promotions"
    )
    case = models.ForeignKey(
        BenchmarkCase, verbose_name=_("标杆案例"), on_delete=models.CASCADE, related_name="promotions"
    )
    note = models.TextField(_("推广说明"), blank=True)
    promoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("推广人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    promoted_at = models.DateTimeField(_("推广时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推广应用")
        verbose_name_plural = _("推广应用")
        ordering = ["-promoted_at"]
        constraints = [models.UniqueConstraint(fields=["product", "case"], name="promotion_once_per_case")]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.case_id}"
