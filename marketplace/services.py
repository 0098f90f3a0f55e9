"""Changes to organisations, members and notifications."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

from .choices import ROLE_OF_KIND, MemberRole, Role
from .models import Member, Notification, Organization

# Link office and city staff work in the admin; providers and suppliers use the API and web pages.
ADMIN_ROLES = (Role.LINK_OFFICE, Role.CITY_STAFF)


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
