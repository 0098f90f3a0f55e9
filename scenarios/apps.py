from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    name = "scenarios"
    verbose_name = _("应用场景")

    def ready(self):
        from audit.labels import register

        from . import policies  # noqa: F401
        from .lifecycle import TRANSITIONS

        register({t.action: t.label for t in TRANSITIONS.values()})
        register(
            {
                "scenarios.question.asked": _("提问"),
                "scenarios.question.answered": _("答复"),
                "scenarios.question.answer_corrected": _("更正答复"),
                "scenarios.proposal.draft_saved": _("保存方案草稿"),
                "scenarios.proposal.shortlisted": _("列入入围"),
                "scenarios.proposal.unshortlisted": _("移出入围"),
                "scenarios.agreement.amount_published": _("公开合同金额"),
                "scenarios.agreement.amount_hidden": _("不公开合同金额"),
            }
        )
