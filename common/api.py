"""What every API endpoint shares: one error shape, domain errors as HTTP, pagination, the actor."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
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
        415: "Not a multipart upload",
        429: "Throttled",
    }
    return {s: OpenApiResponse(ERROR_SCHEMA, description=text.get(s, "Error")) for s in statuses}


class RankedPaginator(Paginator):
    """For ranked (searched) answers: the page query also carries the total, `COUNT(*) OVER ()`. Ranking
    has to visit every hit before it can cut a page anyway, so a separate count would visit them twice.

    `rows`, when given, is where the page's rows are read once the ranking has named them by `key` (the
    ranking may run on other tables than the one the answer shows); only rows it holds are shown."""

    def __init__(self, object_list, per_page, *args, rows: QuerySet | None = None, key: str = "pk", **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.rows = object_list if rows is None else rows
        self.key = key

    def page(self, number):
        number = self.validate_number_format(number)
        bottom = (number - 1) * self.per_page
        # Narrow first (ids, the total), then the page's rows: the ranking's sort then carries two numbers
        # per hit instead of whole rows.
        window = self.object_list.annotate(_total=Window(Count("*"))).values_list(self.key, "_total")
        ranked = list(window[bottom : bottom + self.per_page])
        # The total is known once a page has rows; past the end, count to say how far it goes.
        self.__dict__["count"] = ranked[0][1] if ranked else self.object_list.count()
        by_id = {row.pk: row for row in self.rows.filter(pk__in=[pk for pk, _total in ranked]).order_by()}
        rows = [by_id[pk] for pk, _total in ranked if pk in by_id]
        return self._get_page(rows, self.validate_number(number), self)

    def validate_number_format(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None, rows: QuerySet | None = None, key: str = "pk"):
        """`rows` and `key`: see RankedPaginator."""
        ranked = isinstance(queryset, QuerySet) and "relevance" in queryset.query.annotations
        self.django_paginator_class = partial(RankedPaginator, rows=rows, key=key) if ranked else Paginator
        return super().paginate_queryset(queryset, request, view)

    def get_page_number(self, request, paginator):
        # An empty or malformed page is refused, not read as page 1 (a page out of range is a 404).
        raw = request.query_params.getlist(self.page_query_param)
        if raw and (len(raw) > 1 or not raw[0].isdigit()):
            raise exceptions.ValidationError({self.page_query_param: [_("须为正整数。")]})
        return super().get_page_number(request, paginator)

    def get_page_size(self, request):
        # A page size that is not a whole number from 1 to 100 is refused, not silently replaced.
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        if len(raw) > 1 or not raw[0].isdigit() or not 1 <= int(raw[0]) <= self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("须为 1 至 {n} 的整数。").format(n=self.max_page_size)]}
            )
        return int(raw[0])

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return parameters


def actor(request) -> Actor:
    return actor_for(request.user)


def no_content() -> Response:
    return Response(status=status.HTTP_204_NO_CONTENT)


_JSON_TYPE_MESSAGES = {
    "string": _lazy("须为字符串。"),
    "integer": _lazy("须为整数。"),
    "number": _lazy("须为数字。"),
    "array": _lazy("须为列表。"),
    "nul": _lazy("不能包含空字符（\\0）。"),
}


def _json_type_error(field, value) -> str | None:
    """The JSON type `field` promises, when `value` is not of it (or text holding a NUL character,
    which PostgreSQL cannot store)."""
    if isinstance(value, str) and "\x00" in value:
        return "nul"
    if isinstance(value, list) and any(isinstance(v, str) and "\x00" in v for v in value):
        return "nul"
    if isinstance(field, serializers.ManyRelatedField | serializers.ListSerializer):
        return None if isinstance(value, list) else "array"
    if isinstance(field, serializers.ListField):
        if not isinstance(value, list):
            return "array"
        return next((e for e in (_json_type_error(field.child, v) for v in value) if e), None)
    if isinstance(field, serializers.CharField):
        return None if isinstance(value, str) else "string"
    if isinstance(field, serializers.IntegerField):
        return None if isinstance(value, int) and not isinstance(value, bool) else "integer"
    if isinstance(field, serializers.DecimalField | serializers.FloatField):
        return None if isinstance(value, int | float) and not isinstance(value, bool) else "number"
    return None


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, instead of silently ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise exceptions.ValidationError({name: [_("未知字段。")] for name in unknown})
            # DRF coerces 0 → "0", "1" → 1, {} → []; the contract names JSON types, so those are refused.
            wrong = {
                name: [str(_JSON_TYPE_MESSAGES[expected])]
                for name, field in self.fields.items()
                if name in data and data[name] is not None
                for expected in [_json_type_error(field, data[name])]
                if expected
            }
            if wrong:
                raise exceptions.ValidationError(wrong)
        return super().to_internal_value(data)


class QuerySerializer(serializers.Serializer):
    """Query parameters: text coerced to the field's type (it is all text in a URL), but unknown names and NUL
    characters refused, as in request bodies."""

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise exceptions.ValidationError({name: [_("未知字段。")] for name in unknown})
        nul = {name: [str(_JSON_TYPE_MESSAGES["nul"])] for name, v in data.items() if "\x00" in str(v)}
        if nul:
            raise exceptions.ValidationError(nul)
        return super().to_internal_value(data)


# Answers any operation can give: bad input or filters, a bad token, refusal, absence (also a page past
# the end), throttling. Declared on every operation so that the contract is accurate for clients.
COMMON_ERRORS = {
    "400": "Bad input",
    "401": "Not authenticated",
    "403": "Not allowed",
    "404": "Not found",
    "429": "Throttled",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: the common error responses on every API operation."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status_code, text in COMMON_ERRORS.items():
                responses.setdefault(status_code, {"description": text, "content": error})
    return result


def forbid_unknown_request_properties(result, generator, request, public):
    """Request bodies refuse fields they do not know (StrictSerializer): say so in the contract."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component.setdefault("additionalProperties", False)
    return result


def json_not_found(request, exception=None):
    """Django's 404 for URLs no route matches: JSON with the error shape under /api/, HTML elsewhere."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("未找到。")), status=404)
    return page_not_found(request, exception)


def json_server_error(request):
    from django.http import JsonResponse
    from django.views.defaults import server_error

    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", _("服务器内部错误，请稍后再试。")), status=500)
    return server_error(request)


class StrictBooleanField(serializers.BooleanField):
    """true or false, as the contract says; not "yes", "1" or "on"."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=data)


CENT = Decimal("0.01")
MONEY_MAX = Decimal("9999999999.99")


class MoneyField(serializers.DecimalField):
    """An amount in 万元: a JSON number from 0 to 9,999,999,999.99, rounded to the cent."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        kwargs.setdefault("max_value", MONEY_MAX)
        super().__init__(**kwargs)

    def validate_precision(self, value):
        if value.is_finite() and abs(value) <= MONEY_MAX:
            value = value.quantize(CENT, rounding=ROUND_HALF_UP)
        return super().validate_precision(value)


class StrictCharField(serializers.CharField):
    """Text only: DRF would turn a number into its digits."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
