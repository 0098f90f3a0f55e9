"""What the link office and city staff may do in the admin.

The link office works on everything; city staff see and change only their region's records and the
reference data read-only; nobody else uses the admin. Querysets are filtered, so a record of another
region does not exist for city staff (404), and every write is checked again.
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
    # Path from this model to its region, for city staff scoping; None means province-wide records.
    region_path: str | None = None
    # What city staff may do with their region's records.
    city_staff_can_add = False
    city_staff_can_change = False
    list_per_page = 50

    def _is_office(self, request) -> bool:
        return role_of(request) == Role.LINK_OFFICE

    def _is_city(self, request) -> bool:
        return role_of(request) == Role.CITY_STAFF

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and (self._is_office(request) or self._is_city(request))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self._is_office(request) or (self._is_city(request) and self.city_staff_can_add)

    def has_change_permission(self, request, obj=None):
        if self._is_office(request):
            return True
        return self._is_city(request) and self.city_staff_can_change and self._in_region(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def _in_region(self, request, obj) -> bool:
        if obj is None or self.region_path is None:
            return obj is None
        return self.get_queryset(request).filter(pk=obj.pk).exists()

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self._is_city(request) and self.region_path:
            return qs.filter(**{self.region_path: actor_for(request.user).region_id})
        return qs

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The form calls services, which need to know who acts.
        return type(form.__name__, (form,), {"actor_user": request.user})


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

    def apply(self, cleaned: dict):  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                self.instance = self.apply(cleaned) or self.instance
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
    """Inlines follow the same roles as MarketAdmin, not Django's per-model permissions."""

    extra = 0
    read_only = False

    def has_view_permission(self, request, obj=None):
        return role_of(request) in (Role.LINK_OFFICE, Role.CITY_STAFF)

    def has_add_permission(self, request, obj=None):
        return not self.read_only and self.has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self.read_only and self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.read_only and role_of(request) == Role.LINK_OFFICE


class ReadOnlyInline(MarketInline):
    read_only = True
    can_delete = False
