"""Error pages in the visitor's language: styled pages for people, the API's JSON shape for the API."""

from __future__ import annotations

from django.shortcuts import render

from common.api import json_not_found, json_server_error


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return json_not_found(request, exception)
    return render(request, "web/error.html", {"status": 404, "title_key": "not_found"}, status=404)


def forbidden(request, exception=None):
    if _is_api(request):
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        from common.api import error_body

        return JsonResponse(error_body("permission_denied", _("您没有执行该操作的权限。")), status=403)
    return render(request, "web/error.html", {"status": 403, "title_key": "forbidden"}, status=403)


def server_error(request):
    if _is_api(request):
        return json_server_error(request)
    # No context processors' queries may fail again here: a plain render.
    return render(request, "web/error.html", {"status": 500, "title_key": "server_error"}, status=500)
