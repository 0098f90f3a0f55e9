"""Bad input gets a 4xx with the one error shape, and changes nothing."""

import pytest
from rest_framework.test import APIClient

from scenarios.models import Scenario, ScenarioAttachment, TransitionLog
from tests.api.world import PDF, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["message"]
    if code:
        assert body["code"] == code
    return body


def test_malformed_json_is_a_400_with_the_error_shape(world):
    response = client_for(world.users["prov"]).post(
        "/api/v1/scenarios/", b'{"title": ', content_type="application/json"
    )
    assert_error(response, 400, "malformed")


@pytest.mark.parametrize(
    "body",
    [
        {"title": 5, "category": "industry", "sector": "manufacturing.02", "purpose": ["not", "text"]},
        {"title": "x", "category": "nonsense", "sector": "manufacturing.02", "purpose": "p"},
        {"title": "x", "category": "industry", "sector": "no.such.sector", "purpose": "p"},
        {"title": "x" * 5000, "category": "industry", "sector": "manufacturing.02", "purpose": "p"},
        {"title": "x", "category": "industry", "sector": "manufacturing.02", "purpose": "p", "budget_min": "abc"},
        {
            "title": "x",
            "category": "industry",
            "sector": "manufacturing.02",
            "purpose": "p",
            "budget_min": 9,
            "budget_max": 1,
        },
        {"title": "x", "category": "industry", "sector": "manufacturing.02", "purpose": "p", "state": "published"},
        ["a", "list"],
    ],
    ids=[
        "wrong-types",
        "bad-choice",
        "unknown-sector",
        "huge-string",
        "not-a-number",
        "min-above-max",
        "unknown-field",
        "not-an-object",
    ],
)
def test_bad_scenario_bodies_are_refused_field_by_field(world, body):
    before = Scenario.objects.count()
    body = assert_error(client_for(world.users["prov"]).post("/api/v1/scenarios/", body, format="json"), 400)
    assert body["fields"] or body["code"] != "invalid"
    assert Scenario.objects.count() == before


def test_unknown_field_is_named_in_the_error(world):
    response = client_for(world.users["prov"]).post(
        "/api/v1/scenarios/",
        {"title": "x", "category": "industry", "sector": "manufacturing.02", "purpose": "p", "secret_flag": True},
        format="json",
    )
    assert "secret_flag" in assert_error(response, 400, "invalid")["fields"]


def test_wrong_state_transition_is_a_409_and_changes_nothing(world):
    draft = world["draft"]
    response = client_for(world.users["office"]).post(f"/api/v1/scenarios/{draft.pk}/publish/", {}, format="json")
    assert_error(response, 409, "invalid_state")
    draft.refresh_from_db()
    assert draft.state == "draft" and not TransitionLog.objects.filter(scenario=draft).exists()


def test_transition_refuses_fields_it_does_not_take(world):
    response = client_for(world.users["prov"]).post(
        f"/api/v1/scenarios/{world['draft'].pk}/submit/", {"event": 3}, format="json"
    )
    assert_error(response, 400)


def upload(world, name, content, user="prov"):
    """A multipart body written by hand: Django's test client would strip a path from the name itself."""
    boundary = "----market-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client_for(world.users[user]).post(
        f"/api/v1/scenarios/{world['draft'].pk}/attachments/",
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100),  # a Windows executable, renamed
        ("../../etc/passwd.pdf", PDF),
        ("..\\..\\boot.pdf", PDF),
        ("evil.exe", b"MZ\x90\x00"),
        ("empty.pdf", b""),
        ("picture.png", PDF),  # a PDF that claims to be a picture
        ("noextension", PDF),
    ],
    ids=["renamed-executable", "dotdot-slash", "dotdot-backslash", "exe", "empty", "wrong-extension", "no-extension"],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(world, name, content):
    assert_error(upload(world, name, content), 400)
    assert not ScenarioAttachment.objects.exists()


def test_oversize_upload_is_refused(world, settings):
    settings.MARKET_ATTACHMENT_MAX_BYTES = 1024
    assert_error(upload(world, "big.pdf", PDF + b"0" * 2048), 400, "bad_upload")
    assert not ScenarioAttachment.objects.exists()


def test_good_upload_is_stored_under_a_generated_name_and_served_only_through_the_checked_view(world, settings):
    response = upload(world, "方案说明.pdf", PDF)
    assert response.status_code == 201, response.content
    attachment = ScenarioAttachment.objects.get()
    assert "方案说明" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    assert not settings.MEDIA_URL or not attachment.file.name.startswith(str(settings.MEDIA_URL))
    url = response.json()["url"]
    download = client_for(world.users["prov"]).get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert APIClient().get(url).status_code == 404  # the draft does not exist for the public


def test_office_documents_are_accepted_by_content(world):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert upload(world, "合同.docx", buffer.getvalue()).status_code == 201
    assert_error(upload(world, "合同.xlsx", buffer.getvalue()), 400)  # a Word file named as a spreadsheet


def test_error_messages_follow_accept_language(world):
    client = client_for(world.users["office"])
    response = client.post(
        f"/api/v1/scenarios/{world['draft'].pk}/publish/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "cannot" in assert_error(response, 409)["message"]
    response = client.post(f"/api/v1/scenarios/{world['draft'].pk}/publish/", {}, format="json")
    assert "不能" in assert_error(response, 409)["message"]


def test_unknown_routes_and_methods_answer_with_the_error_shape(world):
    client = client_for(world.users["office"])
    assert_error(client.delete(f"/api/v1/scenarios/{world['pub'].pk}/"), 405, "method_not_allowed")
    assert_error(client.get("/api/v1/scenarios/999999/"), 404, "not_found")
    assert_error(client.get("/api/v1/scenarios/not-a-number/"), 404)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/v1/products/", {"name": "x\u0000", "description": "d", "maturity": "mature"}),
        ("post", "/api/v1/products/", {"name": "x", "description": "d", "maturity": "mature", "sectors": ["a\u0000"]}),
        ("get", "/api/v1/scenarios/?region=51\u00000100", None),
        ("get", "/api/v1/products/?capability=\u0000", None),
    ],
    ids=["text-field", "list-item", "filter", "filter-only-nul"],
)
def test_a_nul_character_is_a_400_not_a_500(world, method, path, body):
    # Found by schemathesis: PostgreSQL refuses NUL in text, which surfaced as a 500.
    client = client_for(world.users["sup_a"])
    response = client.post(path, body, format="json") if method == "post" else client.get(path)
    assert_error(response, 400)


@pytest.mark.parametrize("path", ["/api/v1/products/", "/api/v1/scenarios/"])
@pytest.mark.parametrize("ordering", [None, "\U000bd6dc\x01÷", "name"])
def test_a_search_with_no_searchable_word_is_an_empty_page_not_a_500(world, path, ordering):
    # Found by schemathesis in CI: `?q=·¿` segments to no word, and the relevance ordering had nothing to order by.
    params = {"q": "·¿"} | ({"ordering": ordering} if ordering else {})
    response = client_for(world.users["city"]).get(path, params)
    assert response.status_code == 200, response.content
    assert response.json()["count"] == 0


@pytest.mark.parametrize("query", ["?object_id=0.5", "?rule=nope", "?status="])
def test_reminder_filters_refuse_what_the_contract_calls_invalid(world, query):
    # Found by schemathesis in CI: a decimal object id was accepted (and ignored).
    assert_error(client_for(world.users["city"]).get("/api/v1/reminders/" + query), 400)
