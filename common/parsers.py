"""Bodies the platform will not parse (a module of its own: DRF's views read DEFAULT_PARSER_CLASSES when they
are imported, so the parser must not sit in a module that imports them)."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 20
MAX_JSON_INTEGER = 2**63 - 1  # the database's bigint


class BoundedJSONParser(JSONParser):
    """JSON as DRF parses it, refusing with 400 what would otherwise reach the database or the recursion limit
    as a 500: nesting deeper than MAX_JSON_DEPTH and integers beyond a bigint."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as exc:
            raise ParseError(_("请求内容不是有效的 UTF-8 文本。")) from exc
        if not text:
            return {}
        if _nesting(text) > MAX_JSON_DEPTH:
            raise ParseError(_("请求内容嵌套层级过深（最多 {n} 层）。").format(n=MAX_JSON_DEPTH))
        try:
            return json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
        except (ValueError, RecursionError) as exc:
            raise ParseError(_("请求内容不是有效的 JSON：{e}").format(e=exc)) from exc


def _nesting(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _bounded_int(literal: str) -> int:
    if len(literal) > 20 or abs(int(literal)) > MAX_JSON_INTEGER:
        raise ValueError(_("整数超出范围"))
    return int(literal)


def _no_constant(name: str):
    raise ValueError(_("不支持 {name}").format(name=name))
