"""What a person reads for an audit entry: each app registers the words for its actions (the audit app sits
below them and knows none), and the field names come from the record's own model."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _

_ACTIONS: dict[str, object] = {}
VERBS = {
    "created": _("创建"),
    "updated": _("修改"),
    "amended": _("修改（审核后）"),
    "submitted": _("提交"),
    "revised": _("修订"),
    "withdrawn": _("撤回"),
    "declined": _("未采纳"),
    "logged_in": _("登录"),
    "login_failed": _("登录失败"),
    "locked_out": _("锁定登录"),
}


def register(labels: dict[str, object]) -> None:
    _ACTIONS.update(labels)


def action_label(action: str) -> str:
    if action in _ACTIONS:
        return str(_ACTIONS[action])
    return str(VERBS.get(action.rsplit(".", 1)[-1], action))


def changed_fields(entry) -> list[tuple[str, object, object]]:
    """(field as the model names it, old, new), a related record by its name rather than its id."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, (old, new) in (entry.changes or {}).items():
        label, related, choices = name, None, {}
        if model is not None:
            try:
                field = model._meta.get_field(name)
                label = str(field.verbose_name)
                related = field.related_model if field.is_relation else None
                choices = dict(field.flatchoices) if field.choices else {}
            except FieldDoesNotExist:
                pass
        if choices:
            old, new = (str(choices.get(v, v)) if v is not None else v for v in (old, new))
        if related is not None and apps.is_installed(related._meta.app_label):
            old, new = (_name(related, v) for v in (old, new))
        rows.append((label, old, new))
    return rows


def _name(model, value):
    if value in (None, "", []):
        return value
    ids = value if isinstance(value, list) else [value]
    names = {o.pk: str(o) for o in model._default_manager.filter(pk__in=ids)}
    shown = [names.get(i, i) for i in ids]
    return "、".join(map(str, shown)) if isinstance(value, list) else shown[0]
