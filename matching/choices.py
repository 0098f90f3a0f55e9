from django.db import models
from django.utils.translation import gettext_lazy as _


class RunKind(models.TextChoices):
    FULL = "full", _("全量匹配")
    SCENARIO = "scenario", _("单个场景")
    PRODUCT = "product", _("单个产品")


class RunStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("运行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class FeedbackVerdict(models.TextChoices):
    USEFUL = "useful", _("有用")
    NOT_USEFUL = "not_useful", _("无用")
    CONTACTED = "contacted", _("已联系")
