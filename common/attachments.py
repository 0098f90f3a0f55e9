"""Uploaded documents. Stored under generated names outside any public URL; served by checked views."""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def attachment_path(instance: models.Model, filename: str) -> str:
    # The client's file name never reaches the file system: it is kept only as `original_name`.
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    return f"attachments/{instance._meta.model_name}/{uuid.uuid4().hex}{suffix}"


class AttachmentBase(models.Model):
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
