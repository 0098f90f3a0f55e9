from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from common.admin import MarketAdmin, MarketInline, ReadOnlyAdmin, ServiceForm, role_of

from .choices import Role
from .models import (
    Capability,
    EmailDigest,
    Member,
    Notification,
    Organization,
    OrganizationQualification,
    Product,
    Region,
    Sector,
)
from .services import PRODUCT_FIELDS, product_create, product_update

admin.site.site_header = _("人工智能应用场景开放平台")
admin.site.site_title = _("场景开放平台")
admin.site.index_title = _("工作台")


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    public = True
    list_display = ["code", "name", "province_name"]
    list_filter = ["province_name"]
    search_fields = ["code", "name"]


@admin.register(Sector)
class SectorAdmin(MarketAdmin):
    public = True
    list_display = ["code", "name", "parent", "is_key_sector"]
    list_filter = ["is_key_sector", "parent"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


class QualificationInline(MarketInline):
    model = OrganizationQualification


class MemberInline(MarketInline):
    model = Member
    fields = ["user", "role", "title", "phone"]
    raw_id_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(MarketAdmin):
    region_path = "region_id"
    provider_path = supplier_path = "id"  # their own organisation, read-only
    list_display = ["name", "kind", "region", "credit_code", "product_count"]
    list_filter = ["kind", "region", "qualifications__code"]
    search_fields = ["name", "credit_code", "key"]
    readonly_fields = ["key", "created_at", "updated_at"]
    inlines = [QualificationInline, MemberInline]
    list_select_related = ["region"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).annotate(n_products=Count("products"))
        if self._is_city(request):
            # City staff also need to pick province-wide suppliers (for agreements), so they see all
            # suppliers read-only; providers and offices only in their region.
            return self.model.objects.annotate(n_products=Count("products")).select_related("region")
        return qs

    def has_change_permission(self, request, obj=None):
        return self._is_office(request)

    @admin.display(description=_("产品数"), ordering="n_products")
    def product_count(self, obj):
        return obj.n_products


@admin.register(Member)
class MemberAdmin(MarketAdmin):
    region_path = "organization__region_id"
    provider_path = supplier_path = "organization_id"
    list_display = ["user", "organization", "role", "title", "language"]
    list_filter = ["role", "organization__kind", "language"]
    search_fields = ["user__username", "organization__name"]
    list_select_related = ["user", "organization"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["organization"]


@admin.register(Capability)
class CapabilityAdmin(MarketAdmin):
    public = True
    search_fields = ["name"]


class ProductAdminForm(ServiceForm):
    class Meta:
        model = Product
        fields = ["supplier", "capabilities", "sectors", *sorted(PRODUCT_FIELDS)]

    def apply(self, cleaned):
        fields = {f: cleaned[f] for f in PRODUCT_FIELDS if f in cleaned}
        tags = {"capabilities": list(cleaned.get("capabilities", [])), "sectors": list(cleaned.get("sectors", []))}
        if self.instance.pk is None:
            return product_create(actor_user=self.actor_user, supplier=cleaned.get("supplier"), **tags, **fields)
        return product_update(product_id=self.instance.pk, actor_user=self.actor_user, **tags, **fields)


@admin.register(Product)
class ProductAdmin(MarketAdmin):
    form = ProductAdminForm
    supplier_path = "supplier_id"
    owners_can_add = owners_can_change = (Role.SUPPLIER,)
    list_display = ["name", "supplier", "maturity", "price_min", "price_max", "is_active"]
    list_filter = ["maturity", "is_active", "sectors", "first_of_kind_equipment", "first_of_kind_software"]
    search_fields = ["name", "description", "supplier__name", "capabilities__name", "key"]
    autocomplete_fields = ["supplier", "capabilities", "sectors"]
    list_select_related = ["supplier"]
    readonly_fields = ["key"]

    def get_exclude(self, request, obj=None):
        # A supplier's products are its own: the supplier is not a choice for them.
        return ["supplier"] if role_of(request) == Role.SUPPLIER else []


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    public = True  # everyone reads their own: the queryset is the recipient's
    list_display = ["created_at", "recipient", "kind", "title", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(recipient=request.user)


@admin.register(EmailDigest)
class EmailDigestAdmin(ReadOnlyAdmin):
    """What was e-mailed to whom and when, and what failed (the link office watches delivery)."""

    list_display = ["day", "recipient", "status", "notifications", "attempts", "sent_at", "error"]
    list_filter = ["status", "day"]
    search_fields = ["recipient__username", "recipient__email"]
    list_select_related = ["recipient"]
    date_hierarchy = "day"

    def has_module_permission(self, request):
        return super().has_module_permission(request) and self._is_office(request)
