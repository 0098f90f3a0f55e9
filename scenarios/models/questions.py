from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ClarificationQuestion(models.Model):
    """答疑: a supplier asks about a published scenario; the provider (or its city staff, or the link office)
    answers, and the answer is published on the scenario's page for everyone, without naming who asked."""

    scenario = models.ForeignKey(
        "scenarios.Scenario", verbose_name=_("应用场景"), on_delete=models.CASCADE, related_name="questions"
    )
    asker = models.ForeignKey(
        "marketplace.Organization", verbose_name=_("提问单位"), on_delete=models.PROTECT, related_name="+"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提问人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("问题"), max_length=2000)
    asked_at = models.DateTimeField(_("提问时间"), auto_now_add=True, db_index=True)
    answer = models.TextField(_("答复"), max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("答疑")
        verbose_name_plural = _("答疑")
        ordering = ["asked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(answer="") & models.Q(answered_at__isnull=True))
                | (~models.Q(answer="") & models.Q(answered_at__isnull=False)),
                name="question_answered_with_a_date",
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="question_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
