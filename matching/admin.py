from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from marketplace.admin_base import MarketAdmin, ReadOnlyAdmin, ServiceForm
from marketplace.choices import Role

from . import services
from .explain import whole_words
from .models import Concept, Match, MatchFeedback, MatchRun, Synonym


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


class ConceptAdminForm(ServiceForm):
    class Meta:
        model = Concept
        fields = ["name", "sector", "words"]

    def _save(self, cleaned, concept_id=None):
        sector = cleaned.get("sector")
        return services.concept_save(
            actor_user=self.actor_user,
            name=cleaned["name"],
            words=cleaned["words"],
            sector_id=sector.pk if sector else None,
            concept_id=concept_id,
        )

    def create(self, cleaned):
        return self._save(cleaned)

    def update(self, cleaned, changed):
        return self._save(cleaned, self.instance.pk)


@admin.register(Concept)
class ConceptAdmin(MarketAdmin):
    """The link office keeps the concept lexicon (through `concept_save`), as it keeps the synonyms."""

    form = ConceptAdminForm
    add_roles = (Role.LINK_OFFICE,)

    list_display = ["name", "sector", "words_preview"]
    list_filter = ["sector"]
    search_fields = ["name", "words"]

    @admin.display(description=_("词语"))
    def words_preview(self, obj):
        """The first words on one line (the whole list is on the change page)."""
        words = obj.word_list
        return "、".join(words[:8]) + ("…" if len(words) > 8 else "")

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

    list_display = ["scenario_title", "rank", "product_name", "supplier_name", "strength", "term_tags"]
    list_select_related = ["scenario", "product", "supplier"]
    search_fields = ["scenario__title", "product__name"]
    list_filter = ["scenario__sector"]
    ordering = ["scenario", "-score", "rank"]

    @admin.display(description=_("应用场景"), ordering="scenario__title")
    def scenario_title(self, obj):
        return obj.scenario.title

    @admin.display(description=_("产品"), ordering="product__name")
    def product_name(self, obj):
        return obj.product.name

    @admin.display(description=_("产品提供方"), ordering="supplier__name")
    def supplier_name(self, obj):
        return obj.supplier.name

    @admin.display(description=_("匹配度"), ordering="-score")
    def strength(self, obj):
        percent = max(0, min(100, round(obj.score * 100)))
        return format_html(
            '<span style="display:inline-block;width:80px;height:8px;background:#e4e9f0;border-radius:4px">'
            '<span style="display:block;width:{}%;height:8px;background:#2f6fc2;border-radius:4px"></span></span> {}%',
            percent,
            percent,
        )

    @admin.display(description=_("共同关键词"))
    def term_tags(self, obj):
        words = whole_words(f"{obj.scenario.title} {obj.scenario.purpose} {obj.scenario.requirements}")
        terms = [t for t in (obj.terms or []) if isinstance(t, str) and t in words][:8]
        return (
            format_html_join(
                " ",
                '<span style="background:#eef2f7;border-radius:4px;padding:0 6px">{}</span>',
                ((t,) for t in terms),
            )
            or "—"
        )


@admin.register(MatchFeedback)
class MatchFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["scenario", "product", "organization", "verdict", "rank_seen", "created_at"]
    list_filter = ["verdict"]
