"""Changes to organisations, members and notifications."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import DomainError, NotFound, PermissionDenied, full_clean_or_refuse

from .choices import ROLE_OF_KIND, MemberRole, OrganizationKind, Role
from .models import Member, Notification, Organization, Product
from .selectors import actor_for

# Every role uses the admin workbench, each scoped to what it may see (common/admin.py).
ADMIN_ROLES = (Role.LINK_OFFICE, Role.CITY_STAFF, Role.PROVIDER, Role.SUPPLIER)


def member_add(
    *,
    organization: Organization,
    username: str,
    password: str | None = None,
    password_hash: str | None = None,
    email: str = "",
    full_name: str = "",
    role: str = MemberRole.STAFF,
    title: str = "",
) -> Member:
    """Create a user in an organisation. `password_hash` (from make_password) spares bulk loads from
    hashing the same password hundreds of times."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            email=email,
            first_name=full_name,
            is_staff=ROLE_OF_KIND[organization.kind] in ADMIN_ROLES,
        )
        if password_hash:
            user.password = password_hash
            user.save(update_fields=["password"])
        return Member.objects.create(user=user, organization=organization, role=role, title=title)


def notification_send(
    *, recipients: Iterable, kind: str, title: str, body: str = "", link: str = "", dedupe_key: str
) -> int:
    """Notify users in the platform. Idempotent: the same dedupe_key never notifies one person twice."""
    rows = [
        Notification(recipient=user, kind=kind, title=title[:200], body=body, link=link, dedupe_key=dedupe_key)
        for user in {u.pk: u for u in recipients}.values()
    ]
    created = Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


PRODUCT_FIELDS = {
    "name",
    "description",
    "maturity",
    "reference_deployments",
    "price_min",
    "price_max",
    "first_of_kind_equipment",
    "first_of_kind_material",
    "first_of_kind_software",
    "is_active",
}


def product_create(
    *, actor_user, supplier: Organization | None = None, capabilities=(), sectors=(), **fields
) -> Product:
    """A supplier adds a product to its catalogue (the link office may add one for a supplier)."""
    actor = actor_for(actor_user)
    if actor.role == Role.SUPPLIER:
        supplier = actor.organization
    elif not actor.is_link_office or supplier is None:
        raise PermissionDenied("not_allowed", _("只有产品提供方可以维护产品目录。"))
    if supplier.kind != OrganizationKind.SUPPLIER:
        raise DomainError("invalid", _("产品须属于产品提供方。"), fields={"supplier": [_("须为产品提供方。")]})
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise DomainError("unknown_fields", _("不支持的字段：{f}。").format(f="、".join(sorted(unknown))))
    product = Product(supplier=supplier, **fields)
    full_clean_or_refuse(product, exclude=["key"])
    with transaction.atomic():
        product.save()
        product.capabilities.set(capabilities)
        product.sectors.set(sectors)
        _rematch_after_commit(product.pk)
    return product


def product_update(*, product_id: int, actor_user, capabilities=None, sectors=None, **fields) -> Product:
    actor = actor_for(actor_user)
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise DomainError("unknown_fields", _("不支持的字段：{f}。").format(f="、".join(sorted(unknown))))
    with transaction.atomic():
        product = Product.objects.select_for_update().filter(pk=product_id).first()
        if product is None or not (actor.is_link_office or product.supplier_id == actor.organization_id):
            raise NotFound("not_found", _("产品不存在。"))
        for field, value in fields.items():
            setattr(product, field, value)
        full_clean_or_refuse(product, exclude=["key"])
        product.save()
        if capabilities is not None:
            product.capabilities.set(capabilities)
        if sectors is not None:
            product.sectors.set(sectors)
        _rematch_after_commit(product.pk)
    return product


def _rematch_after_commit(product_id: int) -> None:
    from matching import tasks as matching_tasks  # matching reads this app's models: import late

    transaction.on_commit(partial(matching_tasks.match_product.delay, product_id))


def organization_update(*, organization_id: int, actor_user, **fields) -> Organization:
    """An organisation's own administrators (or the link office) edit its public profile."""
    actor = actor_for(actor_user)
    member = getattr(actor_user, "member", None)
    own_admin = member is not None and member.organization_id == organization_id and member.role == MemberRole.ADMIN
    if not (actor.is_link_office or own_admin):
        raise PermissionDenied("not_allowed", _("只有本单位管理员可以修改单位信息。"))
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization_id)
        for field, value in fields.items():
            setattr(org, field, value)
        org.save(update_fields=[*fields, "updated_at"])
    return org


def notification_mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    from django.utils import timezone

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
