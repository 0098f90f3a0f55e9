"""One append-only record of every change (STYLE.md "State and audit", after pretix's LogEntry)."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """What happened, by whom (and for which organisation), to which record, what changed (field → [old,
    new]) and from which client address. Rows are only ever inserted: on PostgreSQL a trigger refuses UPDATE
    and DELETE, and every foreign key protects what it names (users are deactivated, never deleted)."""

    at = models.DateTimeField(_("时间"), db_index=True)
    action = models.CharField(_("操作"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization = models.ForeignKey(
        "marketplace.Organization",
        verbose_name=_("操作人单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("记录类型"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.BigIntegerField(_("记录编号"), null=True, blank=True)
    object_repr = models.CharField(_("记录"), max_length=200, blank=True)
    # The region the record belongs to, kept at the time: city staff read their region's trail.
    region = models.ForeignKey(
        "marketplace.Region",
        verbose_name=_("所属地区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changes = models.JSONField(_("变更字段"), default=dict, blank=True)
    payload = models.JSONField(_("说明"), default=dict, blank=True)
    client_address = models.GenericIPAddressField(_("客户端地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="audit_object_at")]
        triggers = [
            pgtrigger.Protect(name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"
