"""What the matcher keeps: the link office's synonyms, recorded jobs, the ranked and explained matches, and
the parties' feedback on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import FeedbackVerdict, RunKind, RunStatus


class Synonym(models.Model):
    """One term of a synonym group: every term maps to the group's canonical term (瑕疵识别 → 缺陷检测).
    The canonical term maps to itself, so a group is the set of rows sharing one canonical term."""

    term = models.CharField(_("词语"), max_length=32, unique=True)
    canonical = models.CharField(_("规范词"), max_length=32, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("同义词")
        verbose_name_plural = _("同义词")
        ordering = ["canonical", "term"]
        constraints = [
            models.CheckConstraint(condition=~Q(term="") & ~Q(canonical=""), name="synonym_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.canonical}"


class Concept(models.Model):
    """One concept of the lexicon: words a department or a vendor may use for one technique or one domain's
    objects. A text that uses any of the words also counts the concept (so 替代人工目检 and 工业相机 meet on
    视觉检测). `sector` says whose concept it is (none: a technique any sector uses); the link office keeps the
    lexicon, seeded from matching/data/concepts.txt."""

    name = models.CharField(_("概念"), max_length=40)
    sector = models.ForeignKey(
        "marketplace.Sector",
        verbose_name=_("所属行业"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("留空：任何行业都用到的技术"),
    )
    words = models.TextField(_("词语"), help_text=_("用空格或逗号分隔"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("概念词表")
        verbose_name_plural = _("概念词表")
        ordering = ["sector__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="concept_unique_name"),
            models.CheckConstraint(
                condition=~Q(name="") & ~Q(words=""),
                name="concept_not_blank",
                violation_error_message=_("概念和词语都不能为空。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def word_list(self) -> list[str]:
        return split_words(self.words)


def split_words(text: str) -> list[str]:
    """Words as the link office types them: separated by spaces, commas or 、."""
    return (text or "").replace("，", " ").replace(",", " ").replace("、", " ").split()


class MatchRun(models.Model):
    """A recorded re-match: of everything (split into chunks run by any number of workers), of one scenario,
    or of the scenarios one product may answer."""

    kind = models.CharField(_("类型"), max_length=16, choices=RunKind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=RunStatus.choices, default=RunStatus.PENDING)
    engine_version = models.CharField(_("引擎版本"), max_length=32)
    chunks_total = models.PositiveIntegerField(_("分块数"), default=0)
    chunks_done = models.PositiveIntegerField(_("已完成分块"), default=0)
    scenarios_total = models.PositiveIntegerField(_("场景数"), default=0)
    scenarios_done = models.PositiveIntegerField(_("已匹配场景"), default=0)
    matches_written = models.PositiveIntegerField(_("写入匹配数"), default=0)
    compute_s = models.FloatField(_("计算耗时（秒）"), default=0)
    write_s = models.FloatField(_("写入耗时（秒）"), default=0)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("匹配任务")
        verbose_name_plural = _("匹配任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=RunKind.values), name="matchrun_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=RunStatus.values), name="matchrun_status_valid"),
            models.CheckConstraint(condition=Q(chunks_done__lte=models.F("chunks_total")), name="matchrun_chunks_le"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.get_status_display()}"

    @property
    def elapsed_s(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class MatchRunChunk(models.Model):
    """One slice of a full re-match: the scenario ids between two bounds. Done chunks are skipped when a
    killed job is run again."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    first_scenario_id = models.BigIntegerField()
    last_scenario_id = models.BigIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="matchrunchunk_unique_number"),
            models.CheckConstraint(
                condition=Q(first_scenario_id__lte=models.F("last_scenario_id")), name="matchrunchunk_bounds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.number}"


class Match(models.Model):
    """A ranked, explained recommendation of a product (and so its supplier) for a published scenario.
    A scenario's matches are replaced as one set, in one transaction."""

    # No single-column indexes on scenario and supplier: the unique (scenario, …) keys and the supplier's
    # score index lead with them, and every index costs on the half million rows a full re-match writes.
    scenario = models.ForeignKey("scenarios.Scenario", on_delete=models.CASCADE, related_name="matches", db_index=False)
    product = models.ForeignKey("marketplace.Product", on_delete=models.CASCADE, related_name="matches")
    supplier = models.ForeignKey(
        "marketplace.Organization", on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    rank = models.PositiveSmallIntegerField(_("排名"))
    score = models.FloatField(_("匹配度"))
    components = models.JSONField(_("各项得分"), default=dict)
    terms = models.JSONField(_("共同关键词"), default=list)
    engine_version = models.CharField(_("引擎版本"), max_length=32)
    # No index on the run either: nothing reads matches by run, and a run is never deleted in use.
    run = models.ForeignKey(
        MatchRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="matches", db_index=False
    )
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("匹配结果")
        verbose_name_plural = _("匹配结果")
        ordering = ["scenario", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "product"], name="match_unique_pair"),
            models.UniqueConstraint(fields=["scenario", "rank"], name="match_unique_rank"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="match_rank_ge_1"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=1), name="match_score_0_1"),
        ]
        indexes = [models.Index(fields=["supplier", "-score"], name="match_supplier_score")]

    def __str__(self) -> str:
        return f"{self.scenario_id} #{self.rank}: {self.product_id} ({self.score:.3f})"


class MatchFeedback(models.Model):
    """A party's mark on a recommendation. One mark per organisation and pair; marking again replaces it."""

    scenario = models.ForeignKey("scenarios.Scenario", on_delete=models.CASCADE, related_name="match_feedback")
    product = models.ForeignKey("marketplace.Product", on_delete=models.CASCADE, related_name="match_feedback")
    organization = models.ForeignKey(
        "marketplace.Organization", on_delete=models.CASCADE, related_name="match_feedback_given"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    verdict = models.CharField(_("评价"), max_length=16, choices=FeedbackVerdict.choices)
    comment = models.CharField(_("说明"), max_length=500, blank=True)
    rank_seen = models.PositiveSmallIntegerField(_("评价时排名"), null=True, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now=True)

    class Meta:
        verbose_name = _("匹配反馈")
        verbose_name_plural = _("匹配反馈")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "product", "organization"], name="feedback_unique_party"),
            models.CheckConstraint(condition=Q(verdict__in=FeedbackVerdict.values), name="feedback_verdict_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.scenario_id}/{self.product_id} {self.verdict}"


class PublicScenarioSearch(models.Model):
    """The public scenarios' search vectors (and their date, the tie-break) in a narrow table of their own.
    The database keeps it: on PostgreSQL a trigger on the scenario table adds, updates and removes a row in
    the same statement that publishes, edits or closes a scenario (migration 0007), so it cannot lag.

    Why: a broad public search (无人飞行器: 6,000 of 70,000 public scenarios) must rank every hit, and
    ranking reads each hit's vector. In the scenario table that is the 34th column of a 800-byte row; here
    it is the second of a 300-byte one, and the ranked page costs two thirds as much. Elsewhere the table
    stays empty and the search runs on the scenario table (matching/search.py)."""

    scenario = models.OneToOneField(
        "scenarios.Scenario", primary_key=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("场景")
    )
    published_at = models.DateField(_("发布日期"))

    class Meta:
        verbose_name = _("公开场景检索")
        verbose_name_plural = _("公开场景检索")

    def __str__(self) -> str:
        return str(self.scenario_id)


class PublicScenarioSearchTerm(models.Model):
    """One word of a public scenario's search vector, with the scenario's rank for that word alone, kept by
    the same trigger as PublicScenarioSearch (migration 0008).

    Why: a search for one word and its synonyms is an OR of words, and ts_rank of an OR is the sum of the
    words' own ranks (divided by their count). Summing these rows, read from a covering index without
    touching a table, ranks the 6,000 hits of a broad word in a third of the time ts_rank takes to visit
    each of them."""

    scenario = models.ForeignKey(
        PublicScenarioSearch, on_delete=models.DO_NOTHING, related_name="terms", verbose_name=_("场景")
    )
    term = models.TextField(_("词语"))
    rank = models.FloatField(_("相关度"))
    published_at = models.DateField(_("发布日期"))

    class Meta:
        verbose_name = _("公开场景检索词")
        verbose_name_plural = _("公开场景检索词")
        indexes = [
            models.Index(fields=["term"], include=["scenario", "rank", "published_at"], name="public_search_term_cover")
        ]

    def __str__(self) -> str:
        return f"{self.term} @ {self.scenario_id}"
