from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import ReminderStatus


class Reminder(models.Model):
    """A follow-up reminder raised by a rule (DOMAIN.md §5) for one object and one period.

    The unique key (rule, object, period) is what makes "raised once, never a flood" true even when two
    sweeps run at once.
    """

    rule = models.CharField(_("规则"), max_length=48, db_index=True)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(_("对象"))
    target = GenericForeignKey("content_type", "object_id")
    period = models.CharField(_("周期"), max_length=16)
    status = models.CharField(
        _("状态"), max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.OPEN, db_index=True
    )
    region = models.ForeignKey(
        "marketplace.Region",
        verbose_name=_("市（州）"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    message = models.TextField(_("内容"))
    times_notified = models.PositiveSmallIntegerField(_("提醒次数"), default=0)
    raised_at = models.DateTimeField(_("提出时间"), db_index=True)
    last_notified_at = models.DateTimeField(_("最近提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("跟踪提醒")
        verbose_name_plural = _("跟踪提醒")
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id", "period"], name="reminder_once_per_rule_object_period"
            ),
            models.CheckConstraint(condition=models.Q(status__in=ReminderStatus.values), name="reminder_status_valid"),
        ]

    def __str__(self) -> str:
        return self.message[:60]
