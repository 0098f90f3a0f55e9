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

from .choices import (
    ROLE_OF_KIND,
    SELF_REGISTERING_KINDS,
    DigestStatus,
    MemberRole,
    NotificationKind,
    OrganizationKind,
    OrganizationStatus,
    Qualification,
    Role,
)
from .models import (
    EmailDigest,
    Member,
    MemberInvitation,
    Notification,
    Organization,
    OrganizationQualification,
    Product,
    Subscription,
)
from .policies import own_admin
from .selectors import actor_for, city_staff_of

# The admin is the back office of the link office and city staff; providers and AI companies work in their
# workspace (/my/), and the admin's login sends them there.
ADMIN_ROLES = (Role.LINK_OFFICE, Role.CITY_STAFF)


def works_in_admin(organization: Organization) -> bool:
    """Whether an organisation's members use the admin back office: staff organisations, once verified."""
    return organization.is_verified and ROLE_OF_KIND[organization.kind] in ADMIN_ROLES


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
            is_staff=works_in_admin(organization),
        )
        if password_hash:
            user.password = password_hash
            user.save(update_fields=["password"])
        member = Member.objects.create(user=user, organization=organization, role=role, title=title)
        if email:
            # Whoever adds a member vouches for the address (the office setting up an account, or the
            # invitation link that reached it): the member logs in without a second verification.
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
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


def capabilities_named(names) -> list:
    """The capability tags of these names, each made once (a product's tags are the supplier's own words)."""
    from .models import Capability

    return [Capability.objects.get_or_create(name=n.strip())[0] for n in names if n.strip()]


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


ORGANIZATION_PROFILE_FIELDS = frozenset({"description", "headcount", "website", "contact_name", "contact_phone"})


def organization_update(*, organization_id: int, actor_user, **fields) -> Organization:
    """An organisation's own administrators (or the link office) edit its public profile."""
    actor = actor_for(actor_user)
    unknown = set(fields) - ORGANIZATION_PROFILE_FIELDS - {"qualifications"}
    if unknown:
        raise DomainError("unknown_fields", _("不支持的字段：{f}。").format(f="、".join(sorted(unknown))))
    with transaction.atomic():
        org = restrict(Organization, actor, "change").select_for_update().filter(pk=organization_id).first()
        if org is None:
            raise PermissionDenied("not_allowed", _("只有本单位管理员可以修改单位信息。"))
        codes = fields.pop("qualifications", None)
        before = snapshot(org, fields)
        for field, value in fields.items():
            setattr(org, field, value)
        full_clean_or_refuse(org, exclude=["key"])
        org.save(update_fields=[*fields, "updated_at"])
        changes = diff(before, snapshot(org, fields))
        if codes is not None:
            old = sorted(org.qualifications.values_list("code", flat=True))
            if set(codes) - set(Qualification.values):
                raise DomainError("invalid", _("资质无效。"), fields={"qualifications": [_("资质无效。")]})
            org.qualifications.exclude(code__in=codes).delete()
            for code in set(codes) - set(old):
                OrganizationQualification.objects.create(organization=org, code=code)
            if sorted(set(codes)) != old:
                changes["qualifications"] = [old, sorted(set(codes))]
        audit_record(action="marketplace.organization.updated", actor_user=actor_user, obj=org, changes=changes)
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


# --- self-registration, verification and invitations ----------------------------------------------------------

REGISTRATION_FIELDS = ("name", "credit_code", "kind", "region", "contact_name", "contact_phone", "description")


def _registering(fields: dict) -> Organization:
    """The organisation a registration describes, unsaved and pending."""
    org = Organization(**{f: fields.get(f) or "" for f in REGISTRATION_FIELDS if f != "region"})
    org.region = fields.get("region")
    org.status = OrganizationStatus.PENDING
    return org


def organization_check(**fields) -> None:
    """Refuse registration details the model would not keep (the credit code's checksum, a taken code, a kind
    that does not register itself), every bad field named, before any account is made."""
    kind = fields.get("kind")
    if kind not in SELF_REGISTERING_KINDS:
        raise DomainError("kind_not_allowed", _("请选择单位类型。"), fields={"kind": [_("请选择单位类型。")]})
    org = _registering(fields)
    if org.region is None:
        raise DomainError("region_required", _("请选择所在市（州）。"), fields={"region": [_("请选择所在市（州）。")]})
    full_clean_or_refuse(org, exclude=["key"])


def organization_register(*, user, **fields) -> Organization:
    """A department, an enterprise or an AI supplier registers itself with its first member (`user`, made by
    the accounts door and not yet verified by e-mail): the organisation starts pending, its region's city
    staff are asked to verify it."""
    organization_check(**fields)
    with transaction.atomic():
        org = _registering(fields)
        org.save()
        Member.objects.create(user=user, organization=org, role=MemberRole.ADMIN, title=fields.get("title", ""))
        audit_record(
            action="marketplace.organization.registered",
            actor_user=user,
            obj=org,
            payload={"kind": org.kind},
            region_id=org.region_id,
        )
        reviewers = [m.user_id for m in city_staff_of(org.region_id)] or list(
            Member.objects.filter(organization__kind=OrganizationKind.LINK_OFFICE).values_list("user_id", flat=True)
        )
        notification_send(
            recipients=reviewers,
            kind=NotificationKind.SYSTEM,
            title=lambda: _("新注册单位“{name}”待审核").format(name=org.name),
            body=lambda: _("{kind}，统一社会信用代码 {code}。").format(
                kind=org.get_kind_display(), code=org.credit_code
            ),
            link=f"/admin/marketplace/organization/{org.pk}/change/",
            dedupe_key=f"organization:{org.pk}:registered",
        )
    return org


def _organization_decide(*, organization_id: int, actor_user, status: str, reason: str = "") -> Organization:
    actor = actor_for(actor_user)
    with transaction.atomic():
        org = restrict(Organization, actor, "verify").select_for_update().filter(pk=organization_id).first()
        if org is None:
            raise PermissionDenied("not_allowed", _("只有该单位所在市（州）的工作人员或链长办可以审核。"))
        allowed_from = {
            OrganizationStatus.VERIFIED: (OrganizationStatus.PENDING, OrganizationStatus.REFUSED),
            OrganizationStatus.REFUSED: (OrganizationStatus.PENDING,),
        }[status]
        if org.status == status:
            raise DomainError(
                "already_decided", _("该单位已是“{s}”状态。").format(s=org.get_status_display()), status=409
            )
        if org.status not in allowed_from:
            raise DomainError("not_pending", _("只能审核待审核的单位。"), status=409)
        before = snapshot(org, ["status", "status_reason"])
        org.status, org.status_reason, org.status_changed_at = status, reason, timezone.now()
        full_clean_or_refuse(org, exclude=["key"])
        org.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
        if status == OrganizationStatus.VERIFIED:
            # Verified members work in the platform as every organisation of their kind does.
            get_user_model().objects.filter(member__organization=org).update(is_staff=works_in_admin(org))
        audit_record(
            action=f"marketplace.organization.{status}",
            actor_user=actor_user,
            obj=org,
            changes=diff(before, snapshot(org, ["status", "status_reason"])),
        )

        def title():
            if status == OrganizationStatus.VERIFIED:
                return _("“{name}”已通过认证，现在可以发布场景、提交方案").format(name=org.name)
            return _("“{name}”的注册未通过审核").format(name=org.name)

        notification_send(
            recipients=[m.user_id for m in org.members.all()],
            kind=NotificationKind.SYSTEM,
            title=title,
            body=reason,
            link="/my/",
            dedupe_key=f"organization:{org.pk}:{status}:{org.status_changed_at.isoformat()}",
        )
        for n in Notification.objects.filter(
            dedupe_key=f"organization:{org.pk}:{status}:{org.status_changed_at.isoformat()}"
        ).values_list("pk", flat=True):
            enqueue("marketplace.tasks.mail_notification", n)
    return org


def organization_verify(*, organization_id: int, actor_user) -> Organization:
    return _organization_decide(organization_id=organization_id, actor_user=actor_user, status="verified")


def organization_refuse(*, organization_id: int, actor_user, reason: str) -> Organization:
    if not (reason or "").strip():
        raise DomainError("reason_required", _("请填写未通过的原因。"), fields={"reason": [_("请填写未通过的原因。")]})
    return _organization_decide(
        organization_id=organization_id, actor_user=actor_user, status="refused", reason=reason.strip()
    )


def notification_mail(*, notification_id: int) -> bool:
    """E-mail one notification now (an account's news does not wait for the daily digest); once only."""
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if n is None or not n.recipient.email or not n.recipient.is_active:
            return False
        _digest_message(n.recipient, timezone.localdate(), [n]).send()
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
    return True


INVITATION_DAYS = 14


def member_invite(*, actor_user, email: str) -> MemberInvitation:
    """An organisation's administrator invites a colleague by e-mail; the link is good for two weeks."""
    actor = actor_for(actor_user)
    email = (email or "").strip().lower()
    if actor.organization_id is None or not own_admin(actor):
        raise PermissionDenied("not_allowed", _("只有本单位管理员可以邀请同事。"))
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise DomainError("email_taken", _("该邮箱已注册。"), fields={"email": [_("该邮箱已注册。")]})
    with transaction.atomic():
        invitation = MemberInvitation(organization_id=actor.organization_id, email=email, invited_by=actor_user)
        full_clean_or_refuse(invitation, exclude=["token"])
        invitation.save()
        audit_record(
            action="marketplace.member.invited", actor_user=actor_user, obj=invitation, payload={"email": email}
        )
        enqueue("marketplace.tasks.mail_invitation", invitation.pk)
    return invitation


def invitation_open(token: str) -> MemberInvitation:
    invitation = MemberInvitation.objects.select_related("organization").filter(token=token).first()
    if invitation is None or invitation.accepted_at is not None:
        raise NotFound("invitation_not_found", _("邀请链接无效或已使用。"))
    if invitation.created_at < timezone.now() - datetime.timedelta(days=INVITATION_DAYS):
        raise DomainError("invitation_expired", _("邀请链接已过期，请联系本单位管理员重新邀请。"), status=410)
    return invitation


def invitation_accept(*, token: str, username: str, password: str, full_name: str = "") -> Member:
    """The invited colleague sets a user name and password; the e-mail counts as verified (the link reached it)."""
    with transaction.atomic():
        invitation = invitation_open(token)
        invitation = MemberInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.accepted_at is not None:
            raise NotFound("invitation_not_found", _("邀请链接无效或已使用。"))
        if get_user_model().objects.filter(username=username).exists():
            raise DomainError("username_taken", _("该用户名已被使用。"), fields={"username": [_("该用户名已被使用。")]})
        member = member_add(
            organization=invitation.organization,
            username=username,
            password=password,
            email=invitation.email,
            full_name=full_name,
        )
        invitation.accepted_at = timezone.now()
        invitation.member = member
        invitation.save(update_fields=["accepted_at", "member"])
    return member


def invitation_mail(*, invitation_id: int) -> bool:
    with transaction.atomic():
        invitation = (
            MemberInvitation.objects.select_for_update()
            .select_related("organization", "invited_by")
            .filter(pk=invitation_id, mailed_at__isnull=True, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            return False
        context = {"invitation": invitation, "site": settings.SITE_URL, "days": INVITATION_DAYS}
        subject = render_to_string("marketplace/email/invitation_subject.txt", context).strip()
        text = render_to_string("marketplace/email/invitation.txt", context)
        EmailMultiAlternatives(subject, text, to=[invitation.email]).send()
        invitation.mailed_at = timezone.now()
        invitation.save(update_fields=["mailed_at"])
    return True


# --- The organisation's own workspace -------------------------------------------------------------------------


def _own_member(actor_user, member_id: int) -> Member:
    actor = actor_for(actor_user)
    if actor.organization_id is None or not own_admin(actor):
        raise PermissionDenied("not_allowed", _("只有本单位管理员可以管理成员。"))
    member = Member.objects.select_for_update().select_related("user").filter(pk=member_id).first()
    if member is None or member.organization_id != actor.organization_id:
        raise NotFound("not_found", _("成员不存在。"))
    if member.user_id == actor_user.pk:
        raise DomainError("invalid", _("不能更改您自己的成员身份；请先指定另一位管理员。"))
    return member


def member_set_role(*, actor_user, member_id: int, role: str) -> Member:
    """The organisation's administrator makes a colleague an administrator, or a member again."""
    if role not in MemberRole.values:
        raise DomainError("invalid", _("角色无效。"), fields={"role": [_("角色无效。")]})
    with transaction.atomic():
        member = _own_member(actor_user, member_id)
        if member.role == role:
            return member
        before = member.role
        member.role = role
        member.save(update_fields=["role"])
        audit_record(
            action="marketplace.member.role_changed",
            actor_user=actor_user,
            obj=member,
            changes={"role": [before, role]},
        )
    return member


def member_remove(*, actor_user, member_id: int) -> Member:
    """The administrator removes a colleague who left: the account is deactivated (its history stays)."""
    with transaction.atomic():
        member = _own_member(actor_user, member_id)
        if not member.user.is_active:
            return member
        member.user.is_active = False
        member.user.save(update_fields=["is_active"])
        audit_record(
            action="marketplace.member.removed", actor_user=actor_user, obj=member, changes={"is_active": [True, False]}
        )
    return member


def workspace_visited(*, user) -> datetime.datetime | None:
    """Note that a member opened their workspace now; returns when they had last (what is new is since)."""
    member = Member.objects.filter(user=user).first()
    if member is None:
        return None
    before = member.workspace_seen_at
    Member.objects.filter(pk=member.pk).update(workspace_seen_at=timezone.now())
    return before


def subscription_save(*, actor_user, sectors=(), regions=(), keywords: str = "") -> Subscription:
    """An AI company's subscription: the sectors, regions and key words of scenarios it wants to hear of."""
    actor = actor_for(actor_user)
    if actor.role != Role.SUPPLIER:
        raise PermissionDenied("not_allowed", _("订阅面向经过认证的产品提供方。"))
    with transaction.atomic():
        sub, _created = Subscription.objects.select_for_update().get_or_create(organization_id=actor.organization_id)
        before = snapshot(sub, ["sectors", "regions", "keywords"])
        sub.keywords = (keywords or "").strip()[:300]
        sub.save()
        sub.sectors.set(sectors)
        sub.regions.set(regions)
        changes = diff(before, snapshot(sub, ["sectors", "regions", "keywords"]))
        if changes:
            audit_record(action="marketplace.subscription.saved", actor_user=actor_user, obj=sub, changes=changes)
    return sub
