"""Who may see and do what in the admin workbench (DOMAIN.md §7).

The link office works on everything. City staff see and change their region's records. Providers and
suppliers see only what their own organisation owns (a supplier never another's proposal). Reference
data and release events are readable by all. Querysets are filtered, so what a user may not see does
not exist for them, and every write is checked again by the services.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from common.errors import DomainError
from marketplace.choices import Role
from marketplace.selectors import actor_for


def role_of(request) -> Role | None:
    return actor_for(request.user).role


class MarketAdmin(admin.ModelAdmin):
    # Path from this model to its region: city staff see only their region's rows. None: province-wide.
    region_path: str | None = None
    # Paths from this model to the organisation that owns it, for providers and for suppliers.
    # None hides the model from that role (unless it is public).
    provider_path: str | None = None
    supplier_path: str | None = None
    # Readable by every role (reference data, release events).
    public = False
    city_staff_can_add = city_staff_can_change = False
    # Which owner roles (providers, suppliers) may add, or change, records within their scope.
    owners_can_add: tuple[Role, ...] = ()
    owners_can_change: tuple[Role, ...] = ()
    list_per_page = 50

    def _is_office(self, request) -> bool:
        return role_of(request) == Role.LINK_OFFICE

    def _is_city(self, request) -> bool:
        return role_of(request) == Role.CITY_STAFF

    def _owner_path(self, request) -> str | None:
        return {Role.PROVIDER: self.provider_path, Role.SUPPLIER: self.supplier_path}.get(role_of(request))

    def has_module_permission(self, request):
        if not (request.user.is_active and request.user.is_staff):
            return False
        role = role_of(request)
        return role in (Role.LINK_OFFICE, Role.CITY_STAFF) or (
            role is not None and (self.public or self._owner_path(request) is not None)
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        if self._is_office(request):
            return True
        if self._is_city(request):
            return self.city_staff_can_add
        return role_of(request) in self.owners_can_add and self._owner_path(request) is not None

    def has_change_permission(self, request, obj=None):
        if self._is_office(request):
            return True
        if self._is_city(request):
            return self.city_staff_can_change and self._within_scope(request, obj)
        return (
            role_of(request) in self.owners_can_change
            and self._owner_path(request) is not None
            and self._within_scope(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def _within_scope(self, request, obj) -> bool:
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        actor = actor_for(request.user)
        if actor.is_link_office:
            return qs
        if actor.is_city_staff:
            return qs.filter(**{self.region_path: actor.region_id}) if self.region_path else qs
        owner_path = self._owner_path(request)
        if owner_path:
            return qs.filter(**{owner_path: actor.organization_id}).distinct()
        return qs if self.public else qs.none()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The form calls services, which need to know who acts.
        return type(form.__name__, (form,), {"actor_user": request.user})

    def save_model(self, request, obj, form, change):
        if not getattr(form, "saved_by_service", False):
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if not getattr(form, "saved_by_service", False):
            form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class ReadOnlyAdmin(MarketAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ServiceForm(forms.ModelForm):
    """A model form whose save goes through a service, so the admin obeys the same rules as the API.

    `apply` runs the service inside `clean()`, so a refusal shows on the form as an error and the
    admin's own transaction leaves nothing behind.
    """

    actor_user = None
    saved_by_service = False

    def apply(self, cleaned: dict):  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                saved = self.apply(cleaned)
            if saved is not None:
                self.instance, self.saved_by_service = saved, True
        except DomainError as exc:
            for field, msgs in exc.fields.items():
                if field in self.fields:
                    for msg in msgs:
                        self.add_error(field, msg)
            raise forms.ValidationError(str(exc), code=exc.code) from exc
        return cleaned


def report_outcomes(modeladmin, request, done: list[str], failed: list[tuple[str, str]], verb: str) -> None:
    if done:
        modeladmin.message_user(request, f"{verb}：{len(done)}", messages.SUCCESS)
    for title, reason in failed:
        modeladmin.message_user(request, f"{title}：{reason}", messages.ERROR)


class MarketInline(admin.TabularInline):
    """Inlines follow the parent admin's roles (the parent already scoped the object), not Django's
    per-model permissions."""

    extra = 0
    read_only = False

    def has_view_permission(self, request, obj=None):
        return role_of(request) is not None

    def has_add_permission(self, request, obj=None):
        return not self.read_only and role_of(request) in (Role.LINK_OFFICE, Role.CITY_STAFF)

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.read_only and role_of(request) == Role.LINK_OFFICE


class ReadOnlyInline(MarketInline):
    read_only = True
    can_delete = False
