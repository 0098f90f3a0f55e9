"""Who may see and change organisations, members, products and notifications (DOMAIN.md §7).

The organisations' directory, the product catalogue and the reference data are public; members are seen by
their own organisation and the link office; notifications and e-mail digests by their recipient (the link
office also watches e-mail delivery)."""

from __future__ import annotations

from django.db.models import Q

from common.policy import EVERYTHING, NOTHING, Policy, register, restrict

from .choices import MemberRole, Role
from .models import (
    Capability,
    EmailDigest,
    Member,
    MemberInvitation,
    Notification,
    Organization,
    OrganizationQualification,
    Product,
    ProductAttachment,
    Region,
    Sector,
)


class PublicReference(Policy):
    """Reference data: read by all, changed only by loading a file (`load_regions`), never by hand."""

    def view(self, actor):
        return EVERYTHING


register(Region)(type("RegionPolicy", (PublicReference,), {}))
register(Sector)(type("SectorPolicy", (PublicReference,), {}))
register(Capability)(type("CapabilityPolicy", (PublicReference,), {}))


def own_admin(actor) -> bool:
    member = getattr(actor.user, "member", None) if actor.user is not None else None
    return member is not None and member.role == MemberRole.ADMIN


@register(Organization)
class OrganizationPolicy(Policy):
    """The directory is public; an organisation's administrators and the link office edit its profile."""

    def view(self, actor):
        return EVERYTHING

    def change(self, actor):
        if actor.is_link_office:
            return EVERYTHING
        if actor.organization_id and own_admin(actor):
            return Q(pk=actor.organization_id)
        return NOTHING

    def verify(self, actor):
        """A self-registered organisation is verified (or refused) by its region's city staff or the office."""
        if actor.is_link_office:
            return EVERYTHING
        if actor.is_city_staff:
            return Q(region_id=actor.region_id)
        return NOTHING


@register(OrganizationQualification)
class QualificationPolicy(Policy):
    def view(self, actor):
        return EVERYTHING

    def change(self, actor):
        return EVERYTHING if actor.is_link_office else NOTHING


@register(Member)
class MemberPolicy(Policy):
    """Who works for an organisation (with phone numbers) is its own business and the link office's."""

    def view(self, actor):
        if actor.is_link_office:
            return EVERYTHING
        if actor.organization_id:
            return Q(organization_id=actor.organization_id)
        return NOTHING


@register(Product)
class ProductPolicy(Policy):
    """The catalogue shows active products; a supplier also sees and edits its own inactive ones."""

    def view(self, actor):
        if actor.is_link_office:
            return EVERYTHING
        if actor.role == Role.SUPPLIER:
            return Q(is_active=True) | Q(supplier_id=actor.organization_id)
        return Q(is_active=True)

    def change(self, actor):
        if actor.is_link_office:
            return EVERYTHING
        if actor.role == Role.SUPPLIER:
            return Q(supplier_id=actor.organization_id)
        return NOTHING


@register(ProductAttachment)
class ProductAttachmentPolicy(Policy):
    """A product's documents are seen with the product and changed by whoever may change it."""

    def view(self, actor):
        return Q(product__in=restrict(Product, actor).values("pk"))

    def change(self, actor):
        return Q(product__in=restrict(Product, actor, "change").values("pk"))


@register(Notification)
class NotificationPolicy(Policy):
    def view(self, actor):
        return Q(recipient_id=actor.user.pk) if actor.is_authenticated else NOTHING


@register(EmailDigest)
class EmailDigestPolicy(Policy):
    """Each person their own digests; the link office watches every delivery (and what failed)."""

    def view(self, actor):
        if actor.is_link_office:
            return EVERYTHING
        return Q(recipient_id=actor.user.pk) if actor.is_authenticated else NOTHING


@register(MemberInvitation)
class MemberInvitationPolicy(Policy):
    """An organisation's invitations are its administrators' business (and the link office's)."""

    def view(self, actor):
        if actor.is_link_office:
            return EVERYTHING
        if actor.organization_id and own_admin(actor):
            return Q(organization_id=actor.organization_id)
        return NOTHING
