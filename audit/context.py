"""The request a change comes from, for the audit entry's client address (set by `AuditContextMiddleware`)."""

from __future__ import annotations

from contextvars import ContextVar

from common.net import client_address

_address: ContextVar[str | None] = ContextVar("audit_client_address", default=None)


def current_client_address() -> str | None:
    return _address.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _address.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            _address.reset(token)
