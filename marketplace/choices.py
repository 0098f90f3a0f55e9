from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    GOVERNMENT = "government", _("政府部门")
    ENTERPRISE = "enterprise", _("企业（场景提供方）")
    SUPPLIER = "supplier", _("AI 产品提供方")
    CITY_OFFICE = "city_office", _("市（州）产业链牵头部门")
    LINK_OFFICE = "link_office", _("链长办")


PROVIDER_KINDS = (OrganizationKind.GOVERNMENT, OrganizationKind.ENTERPRISE)
# Who registers itself on the public site; city offices and the link office are set up by the office.
SELF_REGISTERING_KINDS = (OrganizationKind.GOVERNMENT, OrganizationKind.ENTERPRISE, OrganizationKind.SUPPLIER)


class OrganizationStatus(models.TextChoices):
    """A self-registered organisation is pending until its region's city staff (or the link office)
    verify it; until then its members see only what the public sees."""

    PENDING = "pending", _("待审核")
    VERIFIED = "verified", _("已认证")
    REFUSED = "refused", _("未通过")


class Role(models.TextChoices):
    """What a user acts as; it follows from the kind of their organisation."""

    LINK_OFFICE = "link_office", _("链长办")
    CITY_STAFF = "city_staff", _("市州工作人员")
    PROVIDER = "provider", _("场景提供方")
    SUPPLIER = "supplier", _("产品提供方")


ROLE_OF_KIND = {
    OrganizationKind.GOVERNMENT: Role.PROVIDER,
    OrganizationKind.ENTERPRISE: Role.PROVIDER,
    OrganizationKind.SUPPLIER: Role.SUPPLIER,
    OrganizationKind.CITY_OFFICE: Role.CITY_STAFF,
    OrganizationKind.LINK_OFFICE: Role.LINK_OFFICE,
}


class MemberRole(models.TextChoices):
    """A member's standing inside their own organisation."""

    ADMIN = "admin", _("管理员")
    STAFF = "staff", _("工作人员")


class Qualification(models.TextChoices):
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”企业")
    SPECIALIZED_SME = "specialized_sme", _("专精特新中小企业")
    HIGH_TECH = "high_tech", _("高新技术企业")
    TECH_SME = "tech_sme", _("科技型中小企业")
    SINGLE_CHAMPION = "single_champion", _("制造业单项冠军")
    GAZELLE = "gazelle", _("瞪羚企业")
    SEED_UNICORN = "seed_unicorn", _("种子独角兽企业")


class Maturity(models.TextChoices):
    PROTOTYPE = "prototype", _("样机/原型")
    PILOT = "pilot", _("试点验证")
    MATURE = "mature", _("成熟产品")
    SCALED = "scaled", _("规模化应用")


class NotificationKind(models.TextChoices):
    TRANSITION = "transition", _("场景状态变化")
    PROPOSAL = "proposal", _("对接意向/方案")
    REMINDER = "reminder", _("跟踪提醒")
    QUESTION = "question", _("答疑")
    SUBSCRIPTION = "subscription", _("订阅的新场景")
    SYSTEM = "system", _("系统消息")


class DigestStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")  # refused for good, or still failing after every retry: the office sees it
