"""The market file: round trip, idempotent re-import, all-or-nothing with every bad record reported."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from marketdata.interchange.exporter import export_market
from marketdata.interchange.importer import ImportFailed, import_market
from marketplace.choices import OrganizationKind as K
from marketplace.models import Capability, Organization, OrganizationQualification, Product
from scenarios.models import (
    Agreement,
    BenchmarkCase,
    ProgressReport,
    Proposal,
    ReleaseEvent,
    Scenario,
    SupportGrant,
    TransitionLog,
)
from tests.factories import (
    AgreementFactory,
    BenchmarkCaseFactory,
    OrganizationFactory,
    ProductFactory,
    ProgressReportFactory,
    ReleaseEventFactory,
    ScenarioFactory,
    region,
    sector,
)

pytestmark = pytest.mark.django_db


def small_market():
    supplier = OrganizationFactory(kind=K.SUPPLIER, key="sup-1", headcount=120)
    OrganizationQualification.objects.create(organization=supplier, code="high_tech")
    provider = OrganizationFactory(kind=K.ENTERPRISE, key="ent-1", region=region("510700"))
    product = ProductFactory(
        supplier=supplier, key="prod-1", price_min=30, price_max=120.5, first_of_kind_software=True
    )
    product.capabilities.set([Capability.objects.create(name="机器视觉"), Capability.objects.create(name="缺陷检测")])
    product.sectors.set([sector("manufacturing.02")])
    event = ReleaseEventFactory(key="evt-1", kind="provincial", quarter=1, date=datetime.date(2026, 3, 15))
    scenario = ScenarioFactory(
        key="scn-1", provider=provider, state="benchmark", release_event=event, budget_min=50, budget_max=200
    )
    ScenarioFactory(key="scn-2", provider=provider, state="draft")
    proposal = Proposal.objects.create(
        key="prop-1",
        scenario=scenario,
        supplier=supplier,
        price=88,
        submitted_at=datetime.datetime(2026, 3, 20, 10, tzinfo=datetime.UTC),
    )
    proposal.products.set([product])
    agreement = AgreementFactory(key="agr-1", scenario=scenario, suppliers=[supplier])
    agreement.products.set([product])
    ProgressReportFactory(key="rpt-1", scenario=scenario)
    case = BenchmarkCaseFactory(
        key="case-1", scenario=scenario, outcome_figures=[{"label": "检出率", "value": 99.6, "unit": "%"}]
    )
    SupportGrant.objects.create(case=case, kind="compute_subsidy", amount=50, recipient=supplier)


def export_text() -> str:
    buf = io.StringIO()
    export_market(buf)
    return buf.getvalue()


def empty_the_market():
    for model in (
        SupportGrant,
        BenchmarkCase,
        ProgressReport,
        Agreement,
        Proposal,
        TransitionLog,
        Scenario,
        ReleaseEvent,
        Product,
        Capability,
        OrganizationQualification,
        Organization,
    ):
        model.objects.all().delete()


def write(tmp_path, text: str, name="market.json"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_export_then_import_into_an_empty_database_gives_the_same_document(tmp_path):
    small_market()
    first = export_text()
    empty_the_market()
    import_market(write(tmp_path, first))
    assert export_text() == first
    assert json.loads(first)["scenarios"][0]["key"] == "scn-1"


def test_reimporting_the_same_file_changes_nothing(tmp_path):
    small_market()
    path = write(tmp_path, export_text())
    before = export_text()
    logs = TransitionLog.objects.count()
    report = import_market(path)
    assert sum(report.created.values()) == sum(report.updated.values()) == 0
    assert export_text() == before
    assert TransitionLog.objects.count() == logs


def test_import_updates_the_record_with_the_same_key_and_logs_an_imported_state(tmp_path):
    small_market()
    doc = json.loads(export_text())
    doc["scenarios"][1]["state"] = "submitted"
    doc["scenarios"][1]["title"] = "新标题"
    report = import_market(write(tmp_path, json.dumps(doc, ensure_ascii=False)))
    assert report.updated["scenarios"] == 1
    s = Scenario.objects.get(key="scn-2")
    assert (s.title, s.state) == ("新标题", "submitted")
    log = TransitionLog.objects.get(scenario=s, transition="import")
    assert (log.from_state, log.to_state, log.action) == ("draft", "submitted", "scenarios.scenario.imported")
    assert Scenario.objects.count() == 2


def test_references_may_point_forward_in_the_file(tmp_path):
    doc = {
        "format": "ai-scenario-market/1",
        "products": [
            {
                "key": "p1",
                "supplier": "s1",
                "name": "检测系统",
                "description": "缺陷检测",
                "maturity": "mature",
                "sectors": ["manufacturing.02"],
                "capabilities": ["机器视觉"],
            }
        ],
        "organizations": [
            {
                "key": "s1",
                "name": "供应商",
                "credit_code": OrganizationFactory.build().credit_code,
                "kind": "supplier",
                "region": "510100",
            }
        ],
    }
    import_market(write(tmp_path, json.dumps(doc, ensure_ascii=False)))
    assert Product.objects.get(key="p1").supplier.key == "s1"


def test_a_file_with_three_bad_records_reports_all_three_and_changes_nothing(tmp_path):
    small_market()
    doc = json.loads(export_text())
    doc["scenarios"][0]["region"] = "519999"
    doc["products"][0]["price_min"] = 500  # above price_max
    doc["organizations"][0]["credit_code"] = "91510100MA6C8XXXXX"
    doc["scenarios"][1]["title"] = "不会被写入"
    before = export_text()
    with pytest.raises(ImportFailed) as exc:
        import_market(write(tmp_path, json.dumps(doc, ensure_ascii=False)))
    errors = exc.value.errors
    assert "scenarios[0].region: unknown region code 519999" in errors
    assert any(e.startswith("products[0].price_min") for e in errors)
    assert any(e.startswith("organizations[0].credit_code") for e in errors)
    assert exc.value.total == 3
    assert export_text() == before


def test_unknown_fields_bad_references_and_duplicates_are_errors(tmp_path):
    doc = {
        "format": "ai-scenario-market/1",
        "organizations": [
            {
                "key": "g1",
                "name": "局",
                "credit_code": OrganizationFactory.build().credit_code,
                "kind": "government",
                "region": "510100",
                "colour": "red",
            },
        ],
        "products": [
            {"key": "p1", "supplier": "g1", "name": "x", "description": "y", "maturity": "mature"},
            {"key": "p1", "supplier": "nobody", "name": "x", "description": "y", "maturity": "mature"},
        ],
        "widgets": [],
    }
    with pytest.raises(ImportFailed) as exc:
        import_market(write(tmp_path, json.dumps(doc)))
    text = "\n".join(exc.value.errors)
    assert "organizations[0].colour: unknown field" in text
    assert "products[1].key: duplicate key 'p1'" in text
    assert "widgets: unknown section" in text
    assert not Organization.objects.exists()


def test_malformed_json_is_reported_not_raised(tmp_path):
    with pytest.raises(ImportFailed) as exc:
        import_market(write(tmp_path, '{"format": "ai-scenario-market/1", "organizations": [{"key": '))
    assert "not valid JSON" in exc.value.errors[0]


def test_import_command_prints_every_error_and_fails(tmp_path, capsys):
    path = write(tmp_path, json.dumps({"format": "wrong", "scenarios": [{"key": "x"}]}))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_market", str(path))
    err = capsys.readouterr().err
    assert "format: must be 'ai-scenario-market/1'" in err
    assert "scenarios[0].title: is required" in err


def test_an_import_is_analysed_and_matched_after_commit_without_a_manual_run(
    tmp_path, django_capture_on_commit_callbacks
):
    from matching.models import Match
    from outbox.models import OutboxMessage

    supplier = OrganizationFactory(kind=K.SUPPLIER, key="sup-9")
    product = ProductFactory(supplier=supplier, key="prod-9", name="电机外壳缺陷检测系统", description="视觉检测划痕")
    product.sectors.set([sector("manufacturing.02")])
    provider = OrganizationFactory(kind=K.ENTERPRISE, key="ent-9")
    ScenarioFactory(key="scn-9", provider=provider, state="published", title="电机外壳缺陷检测", purpose="识别划痕")
    text = export_text()
    empty_the_market()
    with django_capture_on_commit_callbacks(execute=True):
        import_market(write(tmp_path, text))
    scenario = Scenario.objects.get(key="scn-9")
    assert scenario.search_tokens and Product.objects.get(key="prod-9").search_tokens
    assert Match.objects.filter(scenario=scenario, product__key="prod-9").exists()
    OutboxMessage.objects.all().delete()
    import_market(write(tmp_path, text))  # unchanged: nothing to re-match
    assert not OutboxMessage.objects.filter(task="matching.tasks.imported").exists()
