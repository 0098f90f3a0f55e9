from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ReminderRuleCode, ReminderStatus


class ReminderRule(models.Model):
    """One follow-up rule of DOMAIN.md §5 as data the link office tunes: on or off, its threshold, how often
    an unresolved reminder is repeated, when it escalates and to whom it goes."""

    code = models.CharField(_("规则"), max_length=48, choices=ReminderRuleCode.choices, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)
    threshold_days = models.PositiveSmallIntegerField(
        _("触发天数"), help_text=_("条件持续多少天后提醒（发布会规则：会前多少天；季度规则：季末前多少天）")
    )
    repeat_days = models.PositiveSmallIntegerField(_("重复提醒间隔（天）"), default=7)
    escalate_after = models.PositiveSmallIntegerField(
        _("升级前可忽略次数"), default=2, help_text=_("提醒被忽略这么多次后，下一次提醒同时报送链长办")
    )
    notify_city_staff = models.BooleanField(_("提醒市州"), default=False)
    notify_link_office = models.BooleanField(_("提醒链长办"), default=False)
    notify_provider = models.BooleanField(_("提醒场景提供方"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # What the link office tunes (the admin form, the API and the service all take these).
    SETTINGS = (
        "enabled",
        "threshold_days",
        "repeat_days",
        "escalate_after",
        "notify_city_staff",
        "notify_link_office",
        "notify_provider",
    )

    class Meta:
        verbose_name = _("提醒规则")
        verbose_name_plural = _("提醒规则")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__in=ReminderRuleCode.values), name="rule_code_valid"),
            models.CheckConstraint(condition=models.Q(repeat_days__gte=1), name="rule_repeat_at_least_a_day"),
            models.CheckConstraint(condition=models.Q(escalate_after__gte=1), name="rule_escalate_after_positive"),
        ]

    def __str__(self) -> str:
        return self.get_code_display()


class Reminder(models.Model):
    """A follow-up reminder raised by a rule for one object and one period (an episode of the condition:
    the submission, the publication, the last progress report … it counts from).

    The unique key (rule, object, period) is what makes "raised once, never a flood" true even when two
    sweeps run at once. While the condition holds it is repeated every `repeat_days`; once it was ignored
    `escalate_after` times it goes to the link office too; when the condition clears it resolves itself.
    """

    rule = models.CharField(_("规则"), max_length=48, choices=ReminderRuleCode.choices)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("对象"))
    target = GenericForeignKey("content_type", "object_id")
    period = models.CharField(_("周期"), max_length=16)
    status = models.CharField(_("状态"), max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.OPEN)
    # Who it concerns: the city (its staff; the host city for an event), and the provider when the rule says so.
    region = models.ForeignKey(
        "marketplace.Region",
        verbose_name=_("市（州）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    organization = models.ForeignKey(
        "marketplace.Organization",
        verbose_name=_("场景提供方"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    message = models.TextField(_("内容"))
    times_notified = models.PositiveSmallIntegerField(_("提醒次数"), default=0)
    raised_on = models.DateField(_("提出日期"))
    next_notify_on = models.DateField(_("下次提醒日期"))
    last_notified_on = models.DateField(_("最近提醒日期"), null=True, blank=True)
    escalated_on = models.DateField(_("升级日期"), null=True, blank=True)
    resolved_on = models.DateField(_("解除日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("跟踪提醒")
        verbose_name_plural = _("跟踪提醒")
        ordering = ["-raised_on", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="reminder_object"),
            models.Index(fields=["rule", "status", "next_notify_on"], name="reminder_due"),
            models.Index(fields=["last_notified_on", "rule"], name="reminder_notified"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id", "period"], name="reminder_once_per_rule_object_period"
            ),
            models.CheckConstraint(condition=models.Q(status__in=ReminderStatus.values), name="reminder_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=ReminderStatus.RESOLVED) | models.Q(resolved_on__isnull=False),
                name="reminder_resolved_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ReminderStatus.ESCALATED) | models.Q(escalated_on__isnull=False),
                name="reminder_escalated_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.message[:60]


class CooperationCheckIn(models.Model):
    """After signing, each side says at set intervals whether the cooperation is still running. Silence or a
    "no" is a follow-up signal (rule cooperation_unconfirmed)."""

    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.CASCADE, related_name="check_ins"
    )
    organization = models.ForeignKey(
        "marketplace.Organization", verbose_name=_("确认方"), on_delete=models.CASCADE, related_name="check_ins"
    )
    period = models.PositiveSmallIntegerField(_("确认周期"), help_text=_("签约后的第几个确认周期"))
    running = models.BooleanField(_("合作正常运行"))
    comment = models.TextField(_("说明"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("确认时间"), auto_now=True)

    class Meta:
        verbose_name = _("合作运行确认")
        verbose_name_plural = _("合作运行确认")
        ordering = ["scenario", "period", "organization"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "organization", "period"], name="check_in_once_per_period"),
            models.CheckConstraint(condition=models.Q(period__gte=1), name="check_in_period_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.scenario_id}/{self.period}: {self.running}"
