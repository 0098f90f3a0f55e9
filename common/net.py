"""The client's address, trusting exactly `NUM_PROXIES` reverse proxies in front of the platform (the
same rule as the API's throttles: with none, `X-Forwarded-For` is ignored and the socket's address counts)."""

from __future__ import annotations

from django.conf import settings


def client_address(request) -> str | None:
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = getattr(settings, "NUM_PROXIES", 0) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return remote
