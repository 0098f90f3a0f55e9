from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Count
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from common.policy import restrict
from marketplace.admin_base import (
    MarketAdmin,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ServiceForm,
    act_on_each,
    action_form,
    role_of,
)

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
from .selectors import actor_for
from .services import (
    ORGANIZATION_PROFILE_FIELDS,
    PRODUCT_FIELDS,
    organization_refuse,
    organization_update,
    organization_verify,
    product_create,
    product_update,
)


class ProtectedUserAdmin(UserAdmin):
    """People who acted are kept (their audit entries name them): deactivate an account, never delete it."""

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ProtectedUserAdmin)

admin.site.site_header = _("人工智能应用场景开放平台")
admin.site.site_title = _("场景开放平台")
admin.site.index_title = _("后台工作台")


class BackOfficeLoginForm(AdminAuthenticationForm):
    """The admin's login takes anyone's valid account: staff stay in the back office, everyone else is sent on
    to their workspace (`back_office_login`), instead of being told their password is wrong."""

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)


def _workspace_door(login_view):
    def back_office_login(request, extra_context=None):
        if request.user.is_authenticated and not request.user.is_staff:
            return redirect("web:my")
        response = login_view(request, extra_context)
        if request.method == "POST" and request.user.is_authenticated and not request.user.is_staff:
            return redirect("web:my")
        return response

    return back_office_login


admin.site.login_form = BackOfficeLoginForm
admin.site.login = _workspace_door(admin.site.login)


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "province_name"]
    list_filter = ["province_name"]
    search_fields = ["code", "name"]


@admin.register(Sector)
class SectorAdmin(ReadOnlyAdmin):
    """The taxonomy is loaded from its file (`manage.py load_regions … --sectors`), not edited by hand."""

    list_display = ["code", "name", "parent", "is_key_sector"]
    list_filter = ["is_key_sector", "parent"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]


class QualificationInline(ReadOnlyInline):
    model = OrganizationQualification


class MemberInline(ReadOnlyInline):
    """An organisation's own people: shown to that organisation and the link office only (MemberPolicy)."""

    model = Member
    fields = readonly_fields = ["user", "role", "title", "phone"]


class OrganizationAdminForm(ServiceForm):
    class Meta:
        model = Organization
        fields = sorted(ORGANIZATION_PROFILE_FIELDS)

    def update(self, cleaned, changed):
        return organization_update(
            organization_id=self.instance.pk, actor_user=self.actor_user, **{f: cleaned[f] for f in changed}
        )


class RefusalForm(forms.Form):
    reason = forms.CharField(label=_("未通过原因（将告知申请单位）"), widget=forms.Textarea(attrs={"rows": 3}))


def _describe(org) -> str:
    return f"{org.name}（{org.get_kind_display()}，{org.region}，{org.credit_code}）"


@admin.action(description=_("通过认证"))
def verify_organizations(modeladmin, request, queryset):
    act_on_each(
        modeladmin,
        request,
        queryset,
        lambda org: organization_verify(organization_id=org.pk, actor_user=request.user),
        name=lambda org: org.name,
        verb=_("已通过认证"),
    )


@admin.action(description=_("不予通过（填写原因）"))
def refuse_organizations(modeladmin, request, queryset):
    form = RefusalForm(request.POST if "apply" in request.POST else None)
    if "apply" not in request.POST or not form.is_valid():
        return action_form(
            modeladmin,
            request,
            queryset,
            form,
            action_name="refuse_organizations",
            title=_("不予通过"),
            intro=_("以下单位的注册将不予通过，申请单位会在平台和邮件中收到原因："),
            describe=_describe,
        )
    reason = form.cleaned_data["reason"]
    act_on_each(
        modeladmin,
        request,
        queryset,
        lambda org: organization_refuse(organization_id=org.pk, actor_user=request.user, reason=reason),
        name=lambda org: org.name,
        verb=_("已不予通过"),
    )
    return None


@admin.register(Organization)
class OrganizationAdmin(MarketAdmin):
    """The directory is public; an organisation's administrators and the link office edit its profile; its
    region's city staff (or the link office) verify a self-registered one."""

    form = OrganizationAdminForm
    list_display = ["name", "kind", "region", "credit_code", "status", "product_count"]
    list_filter = ["status", "kind", "region", "qualifications__code"]
    search_fields = ["name", "credit_code", "key"]
    inlines = [QualificationInline, MemberInline]
    list_select_related = ["region"]
    actions = [verify_organizations, refuse_organizations]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not restrict(Organization, actor_for(request.user), "verify").exists():
            for name in ("verify_organizations", "refuse_organizations"):
                actions.pop(name, None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        editable = ORGANIZATION_PROFILE_FIELDS if self.has_change_permission(request, obj) else ()
        return [f.name for f in Organization._meta.concrete_fields if f.name not in editable and f.name != "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_products=Count("products"))

    @admin.display(description=_("产品数"), ordering="n_products")
    def product_count(self, obj):
        return obj.n_products


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ["user", "organization", "role", "title", "language"]
    list_filter = ["role", "organization__kind", "language"]
    search_fields = ["user__username", "organization__name"]
    list_select_related = ["user", "organization"]


@admin.register(Capability)
class CapabilityAdmin(ReadOnlyAdmin):
    """Capability tags come with the products that name them."""

    search_fields = ["name"]


class ProductAdminForm(ServiceForm):
    class Meta:
        model = Product
        fields = ["supplier", "capabilities", "sectors", *sorted(PRODUCT_FIELDS)]

    def _tags(self, cleaned):
        return {"capabilities": list(cleaned.get("capabilities", [])), "sectors": list(cleaned.get("sectors", []))}

    def create(self, cleaned):
        fields = {f: cleaned[f] for f in PRODUCT_FIELDS if f in cleaned}
        return product_create(
            actor_user=self.actor_user, supplier=cleaned.get("supplier"), **self._tags(cleaned), **fields
        )

    def update(self, cleaned, changed):
        fields = {f: cleaned[f] for f in PRODUCT_FIELDS if f in changed}
        tags = {k: v for k, v in self._tags(cleaned).items() if k in changed}
        return product_update(product_id=self.instance.pk, actor_user=self.actor_user, **tags, **fields)


@admin.register(Product)
class ProductAdmin(MarketAdmin):
    form = ProductAdminForm
    add_roles = (Role.SUPPLIER, Role.LINK_OFFICE)
    list_display = ["name", "supplier", "maturity", "price_min", "price_max", "is_active"]
    list_filter = ["maturity", "is_active", "sectors", "first_of_kind_equipment", "first_of_kind_software"]
    search_fields = ["name", "description", "supplier__name", "capabilities__name", "key"]
    autocomplete_fields = ["supplier", "capabilities", "sectors"]
    list_select_related = ["supplier"]

    def get_readonly_fields(self, request, obj=None):
        # The supplier is chosen once, when the link office adds a product for it; it never moves.
        return ["key", "supplier"] if obj is not None else ["key"]

    def get_exclude(self, request, obj=None):
        # A supplier's products are its own: the supplier is not a choice for them.
        return ["supplier"] if role_of(request) == Role.SUPPLIER else []


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Everyone reads their own (NotificationPolicy)."""

    list_display = ["created_at", "recipient", "kind", "title", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["title"]


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
