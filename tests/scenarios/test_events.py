"""Release events as the link office runs them: the year planned with hosts in turn, the list assembled and
published whole, the booklet printed and opened in a spreadsheet, the docking meetings scheduled."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from marketplace.choices import OrganizationKind as K
from scenarios.models import DockingMeeting, Proposal, ReleaseEvent
from scenarios.services.events import host_suggestions
from tests.factories import ProductFactory, ReleaseEventFactory, ScenarioFactory, member_of, region, sector

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_year_is_planned_with_hosts_who_hosted_least_recently(link_office):
    ReleaseEventFactory(
        kind="provincial", year=2025, quarter=4, host_region=region("510100"), date=datetime.date(2025, 12, 1)
    )
    ReleaseEventFactory(
        kind="provincial", year=2025, quarter=3, host_region=region("510700"), date=datetime.date(2025, 9, 1)
    )
    response = client_for(link_office).post("/api/v1/release-events/plan_year/", {"year": 2026}, format="json")
    assert response.status_code == 201
    events = response.json()
    assert [e["quarter"] for e in events] == [1, 2, 3, 4]
    hosts = [e["host_region"] for e in events]
    assert len(set(hosts)) == 4 and "510100" not in hosts and "510700" not in hosts  # never hosted come first
    again = client_for(link_office).post("/api/v1/release-events/plan_year/", {"year": 2026}, format="json")
    assert again.json() == []  # already planned: nothing twice
    assert [r.code for r in host_suggestions(2027)][-2:] != hosts[:2]


def test_hosts_rotate_back_to_those_who_hosted_longest_ago():
    for code, year in (("510100", 2023), ("510700", 2025)):
        ReleaseEventFactory(
            kind="provincial", year=year, quarter=1, host_region=region(code), date=datetime.date(year, 3, 1)
        )
    order = [r.code for r in host_suggestions(2026)]
    assert order.index("510100") < order.index("510700")  # 2023's host before 2025's
    assert order.index("510700") == len(order) - 1


def test_the_events_list_takes_approved_scenarios_all_or_nothing(link_office):
    event = ReleaseEventFactory(kind="provincial", quarter=4)
    ready = ScenarioFactory(state="approved")
    draft = ScenarioFactory(state="draft", title="尚未审核的场景")
    refused = client_for(link_office).post(
        f"/api/v1/release-events/{event.pk}/list/", {"scenarios": [ready.pk, draft.pk]}, format="json"
    )
    assert refused.status_code == 400 and "尚未审核的场景" in str(refused.json()["fields"])
    ready.refresh_from_db()
    assert ready.release_event_id is None
    done = client_for(link_office).post(
        f"/api/v1/release-events/{event.pk}/list/", {"scenarios": [ready.pk], "final": True}, format="json"
    )
    assert done.status_code == 200 and [s["id"] for s in done.json()] == [ready.pk]
    event.refresh_from_db()
    assert event.list_final


@pytest.fixture
def published_event():
    event = ReleaseEventFactory(name="第四季度发布会", kind="provincial", quarter=4, date=datetime.date(2026, 12, 10))
    for code, title in (
        ("manufacturing.02", "电机外观检测"),
        ("emergency.01", "山地搜救"),
        ("manufacturing.03", "设备运维"),
    ):
        ScenarioFactory(
            state="published",
            release_event=event,
            sector=sector(code),
            title=title,
            contact_name="王工",
            contact_phone="028-87654321",
            published_at=event.date,
        )
    ScenarioFactory(state="approved", release_event=event, title="待发布场景")
    return event


def test_the_booklet_opens_in_a_spreadsheet_with_scenarios_providers_and_contacts(published_event):
    response = client_for().get(f"/api/v1/release-events/{published_event.pk}/booklet/xlsx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["人工智能+先进制造", "人工智能+应急救援（公共安全）"][: len(book.sheetnames)]
    sheet = book[book.sheetnames[0]]
    header = [c.value for c in sheet[2]]
    assert header[:3] == ["序号", "场景名称", "场景提供方"] and "联系电话" in header
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert {r[1] for r in rows} == {"电机外观检测", "设备运维"}
    assert all(r[header.index("联系电话")] == "028-87654321" and r[2] for r in rows)
    every_title = {r[1] for name in book.sheetnames for r in book[name].iter_rows(min_row=3, values_only=True)}
    assert "待发布场景" not in every_title  # the public sees what was published


def test_the_printable_booklet_is_grouped_by_sector(published_event, link_office):
    page = client_for().get(f"/api/v1/release-events/{published_event.pk}/booklet/").content.decode()
    assert page.index("人工智能+先进制造") < page.index("电机外观检测") < page.index("人工智能+应急救援")
    office_page = client_for(link_office).get(f"/api/v1/release-events/{published_event.pk}/booklet/").content.decode()
    assert "待发布场景" in office_page and "待发布场景" not in page


def test_docking_meetings_are_scheduled_requested_first_and_each_party_sees_its_own(
    link_office, django_capture_on_commit_callbacks
):
    event = ReleaseEventFactory(kind="provincial", quarter=4)
    provider = member_of(K.ENTERPRISE, "510100")
    suppliers = [member_of(K.SUPPLIER, "510100") for _ in range(3)]
    for n, s in enumerate(suppliers):
        p = ProductFactory(supplier=s.organization, name=f"缺陷检测系统{n}", description="外观缺陷检测")
        p.sectors.set([sector("manufacturing.02")])
    scenario = ScenarioFactory(
        provider=provider.organization, state="published", release_event=event, title="外观缺陷检测"
    )
    Proposal.objects.create(scenario=scenario, supplier=suppliers[2].organization, submitted_at=timezone.now())
    body = {"starts_at": "2026-12-10T14:00:00+08:00", "slots": 2, "tables": 1, "per_supplier": 1, "per_provider": 2}
    with django_capture_on_commit_callbacks(execute=True):
        report = client_for(link_office).post(f"/api/v1/release-events/{event.pk}/schedule/", body, format="json")
    assert report.status_code == 200, report.json()
    figures = report.json()
    assert figures["meetings"] == 2 and figures["requested_met"] == 1
    assert figures["total_score"] >= figures["greedy_total_score"]
    requested = DockingMeeting.objects.get(event=event, requested=True)
    assert requested.supplier_id == suppliers[2].organization_id  # its proposal earned it a place
    own = client_for(suppliers[2].user).get(f"/api/v1/release-events/{event.pk}/meetings/").json()
    assert len(own) == 1 and own[0]["requested"] is True
    provider_view = client_for(provider.user).get(f"/api/v1/release-events/{event.pk}/meetings/").json()
    assert len(provider_view) == 2
    left_out = [s for s in suppliers if not DockingMeeting.objects.filter(supplier=s.organization).exists()]
    assert len(left_out) == 1
    assert client_for(left_out[0].user).get(f"/api/v1/release-events/{event.pk}/meetings/").json() == []
    assert left_out[0].user.notifications.filter(title__contains="未能为您安排").exists()
    assert provider.user.notifications.filter(title__contains="2 场洽谈").exists()
    agenda = client_for(provider.user).get(f"/api/v1/release-events/{event.pk}/meetings/xlsx/")
    rows = list(load_workbook(BytesIO(agenda.content)).active.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 2 and rows[0][2] == provider.organization.name


def test_scheduling_an_event_without_scenarios_is_refused(link_office):
    event = ReleaseEvent.objects.create(
        name="空活动", kind="docking", year=2026, host_region=region(), date=datetime.date(2026, 12, 1)
    )
    response = client_for(link_office).post(
        f"/api/v1/release-events/{event.pk}/schedule/", {"starts_at": "2026-12-01T09:00:00+08:00"}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "nothing_to_schedule"


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="needs LibreOffice (apt-get install libreoffice-calc-nogui)"
)
def test_the_booklet_opens_in_libreoffice_calc(published_event, tmp_path):
    workbook = tmp_path / "booklet.xlsx"
    workbook.write_bytes(client_for().get(f"/api/v1/release-events/{published_event.pk}/booklet/xlsx/").content)
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            str(workbook),
            "--outdir",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = (tmp_path / "booklet.csv").read_text(encoding="utf-8")
    assert "电机外观检测" in text and "028-87654321" in text and "场景提供方" in text
