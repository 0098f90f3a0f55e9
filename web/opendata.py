"""The open-data door: the core's public datasets written as CSV, Excel or JSON, streamed row by row."""

from __future__ import annotations

import csv
import json
from io import BytesIO

from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from common.policy import restrict
from marketplace.selectors import ANONYMOUS
from scenarios.exports import XLSX, safe_cell
from scenarios.models import Scenario
from scenarios.opendata import (
    DATASETS,
    LICENCE_URL,
    OCDS_FIELDS,
    ROWS,
    all_releases,
    dataset_count,
    release_package,
    scenario_releases,
)


def index(request):
    return render(
        request,
        "web/open_data.html",
        {
            "datasets": [(d, dataset_count(d.name)) for d in DATASETS.values()],
            "ocds_fields": OCDS_FIELDS,
            "licence": LICENCE_URL,
        },
    )


class _Echo:
    def write(self, value):
        return value


def download(request, name: str, fmt: str):
    dataset = DATASETS.get(name)
    if dataset is None or fmt not in ("csv", "xlsx", "json"):
        raise Http404(_("没有这个数据集。"))
    rows = ROWS[name]()
    filename = f"{name}.{fmt}"
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # so that Excel opens the UTF-8 file as such
            yield writer.writerow(dataset.columns)
            for row in rows:
                yield writer.writerow([row[c] for c in dataset.columns])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    elif fmt == "json":

        def chunks():
            fields = {f.name: str(f.description) for f in dataset.fields}
            head = {"dataset": name, "license": LICENCE_URL, "fields": fields}
            yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
            for i, row in enumerate(rows):
                yield ("," if i else "") + json.dumps(row, ensure_ascii=False, default=str)
            yield "]}"

        response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(str(dataset.title))
        sheet.append(dataset.columns)
        for row in rows:
            sheet.append([safe_cell(row[c]) for c in dataset.columns])
        buffer = BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def ocds_scenario(request, pk: int):
    scenario = get_object_or_404(
        restrict(Scenario, ANONYMOUS).select_related("provider", "region", "sector__parent", "release_event"), pk=pk
    )
    return JsonResponse(release_package(scenario_releases(scenario)), json_dumps_params={"ensure_ascii": False})


def ocds_all(request):
    """Every public scenario's releases in one package, streamed."""

    def chunks():
        head = release_package([])
        head.pop("releases")
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "releases": ['
        for i, release in enumerate(all_releases()):
            yield ("," if i else "") + json.dumps(release, ensure_ascii=False)
        yield "]}"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ocds-releases.json"'
    return response
