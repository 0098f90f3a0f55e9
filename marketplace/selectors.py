"""Reads about organisations, members and who a user acts as."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from .choices import Role
from .models import Member, Organization


@dataclass(frozen=True)
class Actor:
    """Who is acting: the user, the role their organisation gives them, and its region."""

    user: AbstractBaseUser | AnonymousUser | None
    role: Role | None
    organization: Organization | None

    @property
    def region_id(self) -> int | None:
        return self.organization.region_id if self.organization else None

    @property
    def organization_id(self) -> int | None:
        return self.organization.pk if self.organization else None

    @property
    def is_link_office(self) -> bool:
        return self.role == Role.LINK_OFFICE

    @property
    def is_city_staff(self) -> bool:
        return self.role == Role.CITY_STAFF

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user and self.user.is_authenticated)


ANONYMOUS = Actor(user=None, role=None, organization=None)


def actor_for(user) -> Actor:
    """The acting identity of a user. A superuser without a membership acts as the link office."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_market_actor", None)
    if cached is not None:
        return cached
    member = Member.objects.select_related("organization", "organization__region").filter(user=user).first()
    if member is not None:
        # Until its organisation is verified a member acts as the public does (and may edit its profile).
        role = member.acting_role if member.organization.is_verified else None
        actor = Actor(user=user, role=role, organization=member.organization)
    elif user.is_superuser:
        actor = Actor(user=user, role=Role.LINK_OFFICE, organization=None)
    else:
        actor = Actor(user=user, role=None, organization=None)
    user._market_actor = actor
    return actor


def members_of(organization_ids) -> list:
    return list(
        Member.objects.filter(organization_id__in=organization_ids, user__is_active=True).select_related("user")
    )


def city_staff_of(region_id: int) -> list:
    return list(
        Member.objects.filter(
            organization__kind="city_office", organization__region_id=region_id, user__is_active=True
        ).select_related("user")
    )


def users_with_mail_waiting() -> list[int]:
    """Active users with an e-mail address and notifications not yet e-mailed: the day's digests to send."""
    from .models import Notification

    return list(
        Notification.objects.filter(emailed_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__email="")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
