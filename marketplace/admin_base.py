"""The admin workbench as one more door onto the same core (DOMAIN.md §7).

What a user sees is the record's access policy (`common.policy.restrict`): the changelist, the change
page, inlines, the choices of every foreign key and autocomplete, and the history. What a user changes
goes through a service: a model admin offers a form only when it is a `ServiceForm` (whose only effect is
the service), and there is no fallback to a bare `save()` — a form whose service does not handle a change
is read-only. Nothing is deleted from the admin.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction

from common.errors import DomainError
from common.policy import has_policy, permits, restrict
from marketplace.choices import Role
from marketplace.selectors import actor_for

STAFF_ROLES = (Role.LINK_OFFICE, Role.CITY_STAFF)


def role_of(request) -> Role | None:
    return actor_for(request.user).role


class ServiceForm(forms.ModelForm):
    """A model form whose save goes through a service, so the admin obeys the same rules as the API.

    `create` and `update` run the service inside `clean()`, so a refusal shows on the form as an error and
    the admin's own transaction leaves nothing behind. A form that does not define `update` offers no change
    of an existing record (the admin shows it read-only)."""

    actor_user = None
    saved_by_service = False

    def create(self, cleaned: dict):  # pragma: no cover - overridden where the admin adds records
        raise NotImplementedError

    def update(self, cleaned: dict, changed: list[str]):  # pragma: no cover - overridden where edits exist
        raise NotImplementedError

    @classmethod
    def creates(cls) -> bool:
        return cls.create is not ServiceForm.create

    @classmethod
    def updates(cls) -> bool:
        return cls.update is not ServiceForm.update

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            with transaction.atomic():
                if self.instance.pk is None:
                    saved = self.create(cleaned)
                else:
                    changed = [f for f in self.changed_data if f in cleaned]
                    saved = self.update(cleaned, changed) if changed else None
            if saved is not None:
                self.instance = saved
            self.saved_by_service = True
        except DomainError as exc:
            for field, msgs in exc.fields.items():
                if field in self.fields:
                    for msg in msgs:
                        self.add_error(field, msg)
            raise forms.ValidationError(str(exc), code=exc.code) from exc
        return cleaned


class MarketAdmin(admin.ModelAdmin):
    # Roles to whom the admin offers the add form; the form's service decides again, for each record.
    add_roles: tuple[Role, ...] = ()
    list_per_page = 50

    def actor(self, request):
        return actor_for(request.user)

    def _is_office(self, request) -> bool:
        return role_of(request) == Role.LINK_OFFICE

    def _is_city(self, request) -> bool:
        return role_of(request) == Role.CITY_STAFF

    def has_module_permission(self, request):
        """The staff's back office: the link office and city staff (providers and suppliers have /my/)."""
        if not (request.user.is_active and request.user.is_staff):
            return False
        return role_of(request) in STAFF_ROLES

    def has_view_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or permits(self.actor(request), "view", obj)

    def _service_form(self) -> type[ServiceForm] | None:
        return self.form if isinstance(self.form, type) and issubclass(self.form, ServiceForm) else None

    def has_add_permission(self, request):
        form = self._service_form()
        creates = form is not None and form.creates()
        return creates and self.has_module_permission(request) and role_of(request) in self.add_roles

    def has_change_permission(self, request, obj=None):
        form = self._service_form()
        if not (form is not None and form.updates() and self.has_module_permission(request)):
            return False
        if obj is None:
            return restrict(self.model, self.actor(request), "change").exists()
        return permits(self.actor(request), "change", obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_office_permission(self, request):
        """For actions that only the link office is offered (their service checks again)."""
        return self._is_office(request)

    def get_queryset(self, request):
        return restrict(super().get_queryset(request), self.actor(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **_restricted_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **_restricted_choices(db_field, request, kwargs))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The form calls services, which need to know who acts.
        return type(form.__name__, (form,), {"actor_user": request.user})

    def save_model(self, request, obj, form, change):
        if not getattr(form, "saved_by_service", False):
            raise DjangoPermissionDenied("no service saved this form")

    def save_related(self, request, form, formsets, change):
        # The service saved the record and its relations; inlines are read-only unless they say otherwise.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if formset.has_changed():
            raise DjangoPermissionDenied("inline rows change only through a service")
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def history_view(self, request, object_id, extra_context=None):
        """The record's history is its audit trail, for whom the audit policy lets see it."""
        from audit.admin import audit_history_view  # the audit app sits above this module

        return audit_history_view(self, request, object_id, extra_context)


def _restricted_choices(db_field, request, kwargs: dict) -> dict:
    """A foreign key or many-to-many offers only the records the user may see."""
    model = db_field.remote_field.model
    if "queryset" not in kwargs and has_policy(model):
        kwargs["queryset"] = restrict(model, actor_for(request.user))
    return kwargs


class ReadOnlyAdmin(MarketAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def report_outcomes(modeladmin, request, done: list[str], failed: list[tuple[str, str]], verb: str) -> None:
    if done:
        modeladmin.message_user(request, f"{verb}：{len(done)}", messages.SUCCESS)
    for title, reason in failed:
        modeladmin.message_user(request, f"{title}：{reason}", messages.ERROR)


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on the parent's page: those of the record's policy, never written from here."""

    extra = 0
    can_delete = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return restrict(qs, actor_for(request.user)) if has_policy(qs.model) else qs.none()

    def has_view_permission(self, request, obj=None):
        return role_of(request) is not None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def action_form(modeladmin, request, queryset, form, *, action_name: str, title, intro, describe):
    """The page an admin action shows when it needs more than the selection (a reason, an event): what it
    will act on, the form, confirm or cancel."""
    from django.template.response import TemplateResponse

    return TemplateResponse(
        request,
        "admin/action_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "opts": modeladmin.model._meta,
            "form": form,
            "items": [(obj.pk, describe(obj)) for obj in queryset],
            "intro": intro,
            "action_name": action_name,
            "title": title,
        },
    )


def act_on_each(modeladmin, request, queryset, act, *, name, verb) -> None:
    """Run a service on each selected record; report what was done and, one by one, what was refused."""
    done, failed = [], []
    for obj in queryset:
        try:
            act(obj)
            done.append(name(obj))
        except DomainError as exc:
            failed.append((name(obj), str(exc)))
    report_outcomes(modeladmin, request, done, failed, verb)
