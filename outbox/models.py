from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """Follow-on work a committed change asked for: written in the change's own transaction, handed to the
    broker after commit, and kept until the broker took it (a broker outage delays the work, never loses it)."""

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("参数"), default=list)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("发送次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("待发任务")
        verbose_name_plural = _("待发任务")
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="outbox_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
