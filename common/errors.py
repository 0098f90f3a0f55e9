"""The one error type every refused domain action raises.

Views, admin actions, commands and tasks catch it and show `message` (a lazy translation: Chinese by
default, English when the request asks for it). `code` is machine-readable and stable.
"""

from __future__ import annotations

from typing import Any

from django.utils.encoding import force_str


class DomainError(Exception):
    def __init__(self, code: str, message: Any, *, fields: dict[str, list[Any]] | None = None, status: int = 400):
        super().__init__(force_str(message))
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.status = status

    def __str__(self) -> str:  # evaluated lazily so the active language applies
        return force_str(self.message)


class PermissionDenied(DomainError):
    def __init__(self, code: str, message: Any):
        super().__init__(code, message, status=403)


class NotFound(DomainError):
    def __init__(self, code: str, message: Any):
        super().__init__(code, message, status=404)


def full_clean_or_refuse(obj, *, exclude=None) -> None:
    """Model validation (fields and constraints) as one DomainError listing every bad field."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    try:
        obj.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        raise DomainError("invalid", _("输入有误，请检查标注的字段。"), fields=fields) from exc
