from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from marketplace.admin_base import MarketAdmin, ReadOnlyAdmin, ServiceForm
from marketplace.choices import Role

from . import services
from .models import Match, MatchFeedback, MatchRun, Synonym


class SynonymAdminForm(ServiceForm):
    class Meta:
        model = Synonym
        fields = ["term", "canonical"]

    def create(self, cleaned):
        return services.synonym_save(actor_user=self.actor_user, term=cleaned["term"], canonical=cleaned["canonical"])

    def update(self, cleaned, changed):
        return services.synonym_save(
            actor_user=self.actor_user,
            term=cleaned["term"],
            canonical=cleaned["canonical"],
            synonym_id=self.instance.pk,
        )


@admin.register(Synonym)
class SynonymAdmin(MarketAdmin):
    """The link office extends the synonym groups (through `synonym_save`); the analyser picks them up on its
    next use."""

    form = SynonymAdminForm
    add_roles = (Role.LINK_OFFICE,)

    list_display = ["term", "canonical", "updated_at"]
    search_fields = ["term", "canonical"]

    def has_module_permission(self, request):
        return super().has_module_permission(request) and self._is_office(request)


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = [
        "id",
        "kind",
        "status",
        "chunks_done",
        "chunks_total",
        "scenarios_done",
        "matches_written",
        "compute_s",
        "write_s",
        "engine_version",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status", "kind"]
    actions = ["start_full_rematch", "resume"]

    def has_module_permission(self, request):
        return super().has_module_permission(request) and self._is_office(request)

    @admin.action(description=_("启动全量匹配"))
    def start_full_rematch(self, request, queryset):
        run = services.full_rematch_start()
        self.message_user(request, _("已启动匹配任务 #%(id)s。") % {"id": run.pk}, messages.SUCCESS)

    @admin.action(description=_("继续未完成的分块"))
    def resume(self, request, queryset):
        from . import tasks

        for run in queryset:
            tasks.enqueue_chunks.delay(run.pk)
        self.message_user(request, _("已重新排队。"), messages.SUCCESS)


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    """A scenario's ranking for its provider, its city staff and the link office; a supplier sees where its
    own products rank."""

    list_display = ["scenario", "rank", "product", "supplier", "score", "terms"]
    list_select_related = ["scenario", "product", "supplier"]
    search_fields = ["scenario__title", "product__name"]
    list_filter = ["scenario__sector"]


@admin.register(MatchFeedback)
class MatchFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["scenario", "product", "organization", "verdict", "rank_seen", "created_at"]
    list_filter = ["verdict"]
