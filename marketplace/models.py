from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from common import keys
from common.attachments import AttachmentBase
from common.credit_code import validate_credit_code

from .choices import (
    ROLE_OF_KIND,
    DigestStatus,
    Maturity,
    MemberRole,
    NotificationKind,
    OrganizationKind,
    OrganizationStatus,
    Qualification,
    Role,
)


class Region(models.Model):
    """A city or prefecture (市/州), identified by its GB/T 2260 administrative division code."""

    code = models.CharField(_("行政区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    province_code = models.CharField(_("省级代码"), max_length=6, db_index=True)
    province_name = models.CharField(_("省份"), max_length=32)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("市（州）")
        verbose_name_plural = _("市（州）")
        ordering = ["province_code", "sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^[0-9]{6}$"), name="region_code_six_digits"),
        ]

    def __str__(self) -> str:
        return self.name


class Sector(models.Model):
    """A node of the two-level taxonomy: a sector (人工智能+先进制造) or one of its sub-areas (机器视觉与检测)."""

    code = models.CharField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=128)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级领域"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_key_sector = models.BooleanField(_("重点行业"), default=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("行业领域")
        verbose_name_plural = _("行业领域")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name if self.parent_id is None else f"{self.parent.name} / {self.name}"

    @property
    def top(self) -> "Sector":
        return self.parent if self.parent_id else self


class Organization(models.Model):
    key = models.CharField(_("外部标识"), max_length=64, unique=True, default=keys.organization_key)
    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code])
    kind = models.CharField(_("类型"), max_length=20, choices=OrganizationKind.choices, db_index=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所在市（州）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )
    description = models.TextField(_("简介"), blank=True)
    headcount = models.PositiveIntegerField(_("员工人数"), null=True, blank=True)
    website = models.URLField(_("网站"), blank=True)
    contact_name = models.CharField(_("联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    # Organisations the office sets up are verified; one that registers itself starts pending.
    status = models.CharField(
        _("认证状态"),
        max_length=16,
        choices=OrganizationStatus.choices,
        default=OrganizationStatus.VERIFIED,
        db_index=True,
    )
    status_reason = models.TextField(_("未通过原因"), blank=True)
    status_changed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "region"])]
        constraints = [
            models.CheckConstraint(condition=Exact(Length("credit_code"), 18), name="organization_credit_code_18"),
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=OrganizationStatus.values), name="organization_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=OrganizationStatus.REFUSED) | ~models.Q(status_reason=""),
                name="organization_refused_has_reason",
            ),
            # City staff act for one region; every other organisation but the link office sits in one too.
            models.CheckConstraint(
                condition=models.Q(kind=OrganizationKind.LINK_OFFICE) | models.Q(region__isnull=False),
                name="organization_region_required",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def acting_role(self) -> str:
        return ROLE_OF_KIND[self.kind]

    @property
    def is_verified(self) -> bool:
        return self.status == OrganizationStatus.VERIFIED

    @property
    def qualification_codes(self) -> list[str]:
        return sorted(q.code for q in self.qualifications.all())


class OrganizationQualification(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织机构"), on_delete=models.CASCADE, related_name="qualifications"
    )
    code = models.CharField(_("资质"), max_length=32, choices=Qualification.choices)

    class Meta:
        verbose_name = _("企业资质")
        verbose_name_plural = _("企业资质")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="qualification_once_per_organization"),
            models.CheckConstraint(condition=models.Q(code__in=Qualification.values), name="qualification_valid"),
        ]

    def __str__(self) -> str:
        return self.get_code_display()


class Member(models.Model):
    """A user's membership of exactly one organisation; the organisation's kind decides what they act as."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="member"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("组织机构"), on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(_("机构内角色"), max_length=16, choices=MemberRole.choices, default=MemberRole.STAFF)
    title = models.CharField(_("职务"), max_length=64, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    # The language of what the platform sends them (notifications, e-mail); the UI follows their choice.
    language = models.CharField(_("通知语言"), max_length=8, choices=settings.LANGUAGES, default="zh-hans")
    # When they last opened their workspace: what is new is what came after.
    workspace_seen_at = models.DateTimeField(_("上次访问工作台"), null=True, blank=True)

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        ordering = ["organization", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization}"

    @property
    def acting_role(self) -> Role:
        return ROLE_OF_KIND[self.organization.kind]


class Capability(models.Model):
    """A capability tag of products (机器视觉, 缺陷检测 …); also feeds the matcher's dictionary."""

    name = models.CharField(_("名称"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("能力标签")
        verbose_name_plural = _("能力标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    key = models.CharField(_("外部标识"), max_length=64, unique=True, default=keys.product_key)
    supplier = models.ForeignKey(
        Organization,
        verbose_name=_("产品提供方"),
        on_delete=models.PROTECT,
        related_name="products",
        limit_choices_to={"kind": OrganizationKind.SUPPLIER},
    )
    name = models.CharField(_("产品名称"), max_length=200)
    description = models.TextField(_("产品介绍"))
    capabilities = models.ManyToManyField(Capability, verbose_name=_("能力标签"), blank=True, related_name="products")
    sectors = models.ManyToManyField(Sector, verbose_name=_("适用领域"), blank=True, related_name="products")
    maturity = models.CharField(_("成熟度"), max_length=16, choices=Maturity.choices, db_index=True)
    reference_deployments = models.TextField(_("应用案例"), blank=True)
    price_min = models.DecimalField(_("最低价格（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    price_max = models.DecimalField(_("最高价格（万元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    first_of_kind_equipment = models.BooleanField(_("首台（套）"), default=False)
    first_of_kind_material = models.BooleanField(_("首批次"), default=False)
    first_of_kind_software = models.BooleanField(_("首版次"), default=False)
    is_active = models.BooleanField(_("在售"), default=True)
    # Segmented name and description, kept by the matching app (matching/signals.py); NULL until analysed.
    search_tokens = models.TextField(_("分词"), null=True, blank=True, editable=False)  # noqa: DJ001 NULL: not yet analysed
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Indexed: the matcher's workers ask for the latest change before every ranking.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("AI 产品")
        verbose_name_plural = _("AI 产品")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_min__isnull=True)
                | models.Q(price_max__isnull=True)
                | models.Q(price_min__lte=models.F("price_max")),
                name="product_price_min_le_max",
            ),
            models.CheckConstraint(
                condition=models.Q(price_min__isnull=True) | models.Q(price_min__gte=0), name="product_price_min_ge_0"
            ),
            models.CheckConstraint(condition=models.Q(maturity__in=Maturity.values), name="product_maturity_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """What the platform told a user, in the platform (and, when due, by e-mail)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=NotificationKind.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # Makes delivery idempotent: the same event never notifies the same person twice.
    dedupe_key = models.CharField(_("去重标识"), max_length=160)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_recipient"),
        ]

    def __str__(self) -> str:
        return self.title


class EmailDigest(models.Model):
    """The one e-mail a day a user gets: their follow-up reminders and the notifications not yet e-mailed.
    Unique per recipient and day, so two sweeps (or a retried task) never send it twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="digests"
    )
    day = models.DateField(_("日期"))
    status = models.CharField(_("状态"), max_length=16, choices=DigestStatus.choices, default=DigestStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("发送尝试次数"), default=0)
    error = models.TextField(_("最近错误"), blank=True)
    notifications = models.PositiveIntegerField(_("通知条数"), default=0)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("每日邮件摘要")
        verbose_name_plural = _("每日邮件摘要")
        ordering = ["-day", "recipient"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="digest_once_per_recipient_day"),
            models.CheckConstraint(condition=models.Q(status__in=DigestStatus.values), name="digest_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=DigestStatus.SENT) | models.Q(sent_at__isnull=False),
                name="digest_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day}"


def invitation_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class MemberInvitation(models.Model):
    """An organisation's administrator asks a colleague to join; the link in the e-mail carries the token."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("组织机构"), on_delete=models.CASCADE, related_name="member_invitations"
    )
    email = models.EmailField(_("邮箱"))
    token = models.CharField(_("邀请码"), max_length=64, unique=True, default=invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("邀请人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    mailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    member = models.OneToOneField(
        Member, verbose_name=_("成员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("成员邀请")
        verbose_name_plural = _("成员邀请")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email


class Subscription(models.Model):
    """What an AI company wants to hear of: newly published scenarios in these sectors and regions, or
    mentioning these key words, reach its members in the platform and in the daily digest."""

    organization = models.OneToOneField(
        Organization, verbose_name=_("组织机构"), on_delete=models.CASCADE, related_name="subscription"
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("关注行业"), blank=True, related_name="+")
    regions = models.ManyToManyField(Region, verbose_name=_("关注地区"), blank=True, related_name="+")
    keywords = models.CharField(_("关键词"), max_length=300, blank=True, help_text=_("多个关键词用空格或逗号分隔"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("场景订阅")
        verbose_name_plural = _("场景订阅")

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def keyword_list(self) -> list[str]:
        import re

        return [w for w in re.split(r"[\s,，、;；]+", self.keywords) if w]


class ProductAttachment(AttachmentBase):
    """A product's brochure, white paper or certificate: public like the catalogue."""

    product = models.ForeignKey(Product, verbose_name=_("产品"), on_delete=models.CASCADE, related_name="attachments")

    class Meta(AttachmentBase.Meta):
        verbose_name = _("产品资料")
        verbose_name_plural = _("产品资料")
