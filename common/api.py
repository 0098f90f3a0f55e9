"""What every API endpoint shares: one error shape, domain errors as HTTP, pagination, the actor."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.errors import DomainError
from marketplace.selectors import Actor, actor_for

CODES = {
    exceptions.ParseError: "malformed",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "invalid",
}


def _flatten(detail: Any) -> dict[str, list[str]]:
    """DRF's nested error detail as {field path: [messages]}."""
    out: dict[str, list[str]] = {}

    def walk(value, path):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list) and value and not all(isinstance(v, str | exceptions.ErrorDetail) for v in value):
            for i, inner in enumerate(value):
                walk(inner, f"{path}[{i}]" if path else f"[{i}]")
        elif isinstance(value, list):
            out.setdefault(path or "non_field_errors", []).extend(force_str(v) for v in value)
        else:
            out.setdefault(path or "non_field_errors", []).append(force_str(value))

    walk(detail, "")
    return out


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def exception_handler(exc, context):
    """Every error of the API: {"code": …, "message": …, "fields": {…}}, in the request's language."""
    if isinstance(exc, DomainError):
        fields = {k: [force_str(m) for m in v] for k, v in exc.fields.items()}
        return Response(error_body(exc.code, force_str(exc.message), fields), status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(code, _("输入有误，请检查标注的字段。"), _flatten(exc.detail))
    elif isinstance(exc, exceptions.ParseError):
        response.data = error_body(code, _("请求体格式有误，无法解析。"))
    else:
        detail = exc.detail if isinstance(exc.detail, str) else _flatten(exc.detail)
        response.data = error_body(code, force_str(detail) if isinstance(detail, str) else _("请求有误。"))
    return response


ERROR_SCHEMA = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for the error statuses an endpoint can answer with."""
    text = {
        400: "Bad input",
        401: "Not authenticated",
        403: "Not allowed",
        404: "Not found",
        409: "Conflict",
        413: "Too large",
        429: "Throttled",
    }
    return {s: OpenApiResponse(ERROR_SCHEMA, description=text.get(s, "Error")) for s in statuses}


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def actor(request) -> Actor:
    return actor_for(request.user)


def no_content() -> Response:
    return Response(status=status.HTTP_204_NO_CONTENT)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, instead of silently ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise exceptions.ValidationError({name: [_("未知字段。")] for name in unknown})
        return super().to_internal_value(data)
