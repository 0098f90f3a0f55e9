from django.db import models
from django.utils.translation import gettext_lazy as _

from common import keys

from ..choices import EventKind, TargetMetric


class AnnualPlan(models.Model):
    """年度场景开放计划: the year's targets and the scenarios planned for each quarter."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=200, blank=True)
    notes = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("年度场景开放计划")
        verbose_name_plural = _("年度场景开放计划")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=models.Q(year__range=(2000, 2100)), name="plan_year_plausible"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.year}"


class AnnualTarget(models.Model):
    plan = models.ForeignKey(AnnualPlan, verbose_name=_("年度计划"), on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("指标"), max_length=32, choices=TargetMetric.choices)
    value = models.PositiveIntegerField(_("目标值"))

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["plan", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "metric"], name="target_once_per_plan_metric"),
            models.CheckConstraint(condition=models.Q(metric__in=TargetMetric.values), name="target_metric_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.value}"


class ReleaseEvent(models.Model):
    """应用场景发布会: a quarterly provincial release event or an ad-hoc docking activity."""

    key = models.CharField(_("外部标识"), max_length=64, unique=True, default=keys.event_key)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=EventKind.choices, default=EventKind.PROVINCIAL)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    quarter = models.PositiveSmallIntegerField(_("季度"), null=True, blank=True)
    host_region = models.ForeignKey(
        "marketplace.Region", verbose_name=_("承办市（州）"), on_delete=models.PROTECT, related_name="hosted_events"
    )
    date = models.DateField(_("日期"), db_index=True)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    description = models.TextField(_("简介"), blank=True)
    list_final = models.BooleanField(_("场景清单已确定"), default=False)

    class Meta:
        verbose_name = _("发布活动")
        verbose_name_plural = _("发布活动")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__isnull=True) | models.Q(quarter__range=(1, 4)), name="event_quarter_1_4"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=EventKind.PROVINCIAL) | models.Q(quarter__isnull=False),
                name="event_provincial_has_quarter",
            ),
            models.UniqueConstraint(
                fields=["year", "quarter"],
                condition=models.Q(kind=EventKind.PROVINCIAL),
                name="event_one_provincial_per_quarter",
            ),
            models.CheckConstraint(condition=models.Q(kind__in=EventKind.values), name="event_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class DockingMeeting(models.Model):
    """A 1:1 meeting (对接会) between a scenario's provider and a supplier, in a slot at a release event."""

    event = models.ForeignKey(
        ReleaseEvent, verbose_name=_("发布活动"), on_delete=models.CASCADE, related_name="meetings"
    )
    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.CASCADE, related_name="meetings"
    )
    # The scenario's provider, kept on the row so the database can refuse to seat it twice in one slot.
    provider = models.ForeignKey(
        "marketplace.Organization",
        verbose_name=_("场景提供方"),
        on_delete=models.CASCADE,
        related_name="provider_meetings",
    )
    supplier = models.ForeignKey(
        "marketplace.Organization", verbose_name=_("产品提供方"), on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    table = models.PositiveSmallIntegerField(_("桌号"))
    requested = models.BooleanField(_("主动申请"), default=False)
    score = models.FloatField(_("匹配得分"), default=0)

    class Meta:
        verbose_name = _("对接会")
        verbose_name_plural = _("对接会")
        ordering = ["event", "starts_at", "table"]
        constraints = [
            models.UniqueConstraint(fields=["event", "starts_at", "table"], name="meeting_table_once_per_slot"),
            models.UniqueConstraint(fields=["event", "starts_at", "supplier"], name="meeting_supplier_once_per_slot"),
            models.UniqueConstraint(fields=["event", "starts_at", "scenario"], name="meeting_scenario_once_per_slot"),
            models.UniqueConstraint(fields=["event", "starts_at", "provider"], name="meeting_provider_once_per_slot"),
            models.UniqueConstraint(fields=["event", "provider", "supplier"], name="meeting_pair_once_per_event"),
            models.CheckConstraint(condition=models.Q(table__gte=1), name="meeting_table_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M} #{self.table}"
