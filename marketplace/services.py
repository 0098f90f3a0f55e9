"""Changes to organisations, members and notifications."""

from __future__ import annotations

import datetime
import smtplib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.services import audit_record, diff, snapshot
from common.errors import DomainError, NotFound, PermissionDenied, full_clean_or_refuse
from common.policy import restrict
from outbox.services import enqueue

from .choices import ROLE_OF_KIND, DigestStatus, MemberRole, OrganizationKind, Role
from .models import EmailDigest, Member, Notification, Organization, Product
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
        member = Member.objects.create(user=user, organization=organization, role=role, title=title)
        audit_record(
            action="marketplace.member.added", obj=member, payload={"role": role}, region_id=organization.region_id
        )
        return member


Text = str | Callable[[], str]


def notification_send(
    *, recipients: Iterable, kind: str, title: Text, body: Text = "", link: str = "", dedupe_key: str
) -> int:
    """Notify users (or user ids) in the platform, each in their own language: `title` and `body` may be
    callables, rendered once per language. Idempotent: the same dedupe_key never notifies one person twice."""
    ids = list(dict.fromkeys(getattr(u, "pk", u) for u in recipients))
    if not ids:
        return 0
    languages = dict(Member.objects.filter(user_id__in=ids).values_list("user_id", "language"))
    rendered: dict[str, tuple[str, str]] = {}
    rows = []
    for user_id in ids:
        language = languages.get(user_id, settings.LANGUAGE_CODE)
        if language not in rendered:
            with translation.override(language):
                rendered[language] = (_render(title), _render(body))
        text_title, text_body = rendered[language]
        rows.append(
            Notification(
                recipient_id=user_id,
                kind=kind,
                title=text_title[:200],
                body=text_body,
                link=link,
                dedupe_key=dedupe_key,
            )
        )
    created = Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def _render(text: Text) -> str:
    return str(text() if callable(text) else text)


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
        audit_record(action="marketplace.product.created", actor_user=actor_user, obj=product)
        _rematch_after_commit(product.pk)
    return product


def product_update(*, product_id: int, actor_user, capabilities=None, sectors=None, **fields) -> Product:
    actor = actor_for(actor_user)
    unknown = set(fields) - PRODUCT_FIELDS
    if unknown:
        raise DomainError("unknown_fields", _("不支持的字段：{f}。").format(f="、".join(sorted(unknown))))
    with transaction.atomic():
        product = restrict(Product, actor, "change").select_for_update().filter(pk=product_id).first()
        if product is None:
            raise NotFound("not_found", _("产品不存在。"))
        tags = {k: v for k, v in (("capabilities", capabilities), ("sectors", sectors)) if v is not None}
        before = snapshot(product, [*fields, *tags])
        for field, value in fields.items():
            setattr(product, field, value)
        full_clean_or_refuse(product, exclude=["key"])
        product.save()
        if capabilities is not None:
            product.capabilities.set(capabilities)
        if sectors is not None:
            product.sectors.set(sectors)
        changes = diff(before, snapshot(product, [*fields, *tags]))
        audit_record(action="marketplace.product.updated", actor_user=actor_user, obj=product, changes=changes)
        _rematch_after_commit(product.pk)
    return product


def _rematch_after_commit(product_id: int) -> None:

    enqueue("matching.tasks.match_product", product_id)


ORGANIZATION_PROFILE_FIELDS = frozenset({"description", "headcount", "website"})


def organization_update(*, organization_id: int, actor_user, **fields) -> Organization:
    """An organisation's own administrators (or the link office) edit its public profile."""
    actor = actor_for(actor_user)
    unknown = set(fields) - ORGANIZATION_PROFILE_FIELDS
    if unknown:
        raise DomainError("unknown_fields", _("不支持的字段：{f}。").format(f="、".join(sorted(unknown))))
    with transaction.atomic():
        org = restrict(Organization, actor, "change").select_for_update().filter(pk=organization_id).first()
        if org is None:
            raise PermissionDenied("not_allowed", _("只有本单位管理员可以修改单位信息。"))
        before = snapshot(org, fields)
        for field, value in fields.items():
            setattr(org, field, value)
        full_clean_or_refuse(org, exclude=["key"])
        org.save(update_fields=[*fields, "updated_at"])
        audit_record(
            action="marketplace.organization.updated",
            actor_user=actor_user,
            obj=org,
            changes=diff(before, snapshot(org, fields)),
        )
    return org


def notification_mark_read(*, user, notification_ids=None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    from django.utils import timezone

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# --- the daily e-mail ----------------------------------------------------------------------------------------


def digest_send(*, user_id: int, day: datetime.date) -> bool:
    """Send a user's one e-mail of the day: every notification not yet e-mailed, in their language. Once per
    user and day (a unique row, locked while sending); if sending fails nothing is marked, so the same
    notifications go out on the retry, or in the next day's e-mail. Returns whether it was sent now."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    digest, _created = EmailDigest.objects.get_or_create(recipient_id=user_id, day=day)
    if digest.status in (DigestStatus.SENT, DigestStatus.FAILED):
        return False
    try:
        with transaction.atomic():
            locked = EmailDigest.objects.select_for_update().get(pk=digest.pk)
            if locked.status == DigestStatus.SENT:
                return False
            pending = list(
                Notification.objects.filter(recipient_id=user_id, emailed_at__isnull=True).order_by("created_at")[
                    :DIGEST_MAX_ITEMS
                ]
            )
            if not pending:
                return False
            _digest_message(user, day, pending).send()
            now = timezone.now()
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=now)
            EmailDigest.objects.filter(pk=digest.pk).update(
                status=DigestStatus.SENT, sent_at=now, notifications=len(pending), attempts=F("attempts") + 1
            )
        return True
    except (smtplib.SMTPException, OSError) as exc:
        attempts = digest.attempts + 1
        given_up = _undeliverable(exc) or attempts >= DIGEST_MAX_ATTEMPTS
        EmailDigest.objects.filter(pk=digest.pk).update(
            attempts=F("attempts") + 1,
            error=str(exc)[:1000],
            status=DigestStatus.FAILED if given_up else DigestStatus.PENDING,
        )
        if given_up:
            return False  # not retried: the link office sees it among the failed digests
        raise


DIGEST_MAX_ITEMS = 200
# The first try and the task's eight retries (marketplace.tasks.send_digest).
DIGEST_MAX_ATTEMPTS = 9


def _undeliverable(exc: Exception) -> bool:
    """A refusal no retry will change: the address or the message was rejected with a permanent (5xx) code."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused | smtplib.SMTPNotSupportedError):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _digest_message(user, day: datetime.date, notifications: list[Notification]) -> EmailMultiAlternatives:
    member = Member.objects.filter(user=user).first()
    language = member.language if member else settings.LANGUAGE_CODE
    context = {"user": user, "day": day, "notifications": notifications, "site": settings.SITE_URL}
    with translation.override(language):
        subject = render_to_string("marketplace/email/digest_subject.txt", context).strip()
        text = render_to_string("marketplace/email/digest.txt", context)
        html = render_to_string("marketplace/email/digest.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    return message
