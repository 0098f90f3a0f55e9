"""An organisation registers itself, verifies its e-mail, waits for its city's staff, and is verified (or
refused with a reason) — told in the platform and by e-mail; until then it sees only what the public sees."""

import re

import pytest
from django.core import mail
from django.test import override_settings

from common.credit_code import make_credit_code
from marketplace.models import Member, Notification, Organization
from marketplace.selectors import actor_for
from marketplace.services import organization_refuse, organization_verify
from tests.factories import member_of, region

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "organization_name": "蜀光智能科技有限公司",
        "credit_code": make_credit_code("510100", 770001),
        "kind": "supplier",
        "region": region("510100").pk,
        "contact_name": "刘经理",
        "contact_phone": "028-88886666",
        "email": "liu@shuguang.example",
        "username": "shuguang",
        "password1": "Qz7!market-pass",
        "password2": "Qz7!market-pass",
    }
    data.update(overrides)
    return data


def test_a_supplier_registers_verifies_its_email_and_waits_pending_for_its_city(client):
    city = member_of("city_office", "510100")
    response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    org = Organization.objects.get(name="蜀光智能科技有限公司")
    assert org.status == "pending" and org.kind == "supplier" and org.contact_name == "刘经理"
    member = Member.objects.get(organization=org)
    assert member.role == "admin" and not member.user.is_staff
    assert Notification.objects.filter(recipient=city.user, title__contains="蜀光").exists()
    (message,) = mail.outbox
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    client.post(link.replace("http://testserver", ""))
    assert member.user.emailaddress_set.get().verified
    actor = actor_for(member.user)
    assert actor.role is None and actor.organization == org  # acts as the public does


def test_a_pending_supplier_cannot_propose_and_sees_nothing_non_public(client):
    from tests.factories import ScenarioFactory

    client.post("/accounts/signup/", signup_data())
    user = Member.objects.get(organization__name="蜀光智能科技有限公司").user
    draft = ScenarioFactory(state="draft")
    published = ScenarioFactory(state="published")
    client.force_login(user)
    assert client.get(f"/scenarios/{draft.pk}/").status_code == 404
    response = client.post(
        f"/api/v1/scenarios/{published.pk}/proposals/", {"kind": "interest"}, content_type="application/json"
    )
    assert response.status_code in (403, 404)
    html = client.get("/my/", follow=True).content.decode()  # an unverified organisation's page
    assert "等待所在市（州）工作人员审核" in html
    assert 'name="profile-description"' in html  # its profile stays editable


def test_city_staff_verify_it_and_the_applicant_is_told_in_the_platform_and_by_email(
    client, django_capture_on_commit_callbacks
):
    city = member_of("city_office", "510100")
    city.user.is_staff = True
    city.user.save()
    client.post("/accounts/signup/", signup_data())
    org = Organization.objects.get(name="蜀光智能科技有限公司")
    mail.outbox.clear()
    client.force_login(city.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/marketplace/organization/",
            {"action": "verify_organizations", "_selected_action": [org.pk]},
        )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.status == "verified"
    applicant = org.members.get().user
    applicant.refresh_from_db()
    assert not applicant.is_staff and actor_for(applicant).role == "supplier"
    assert Notification.objects.filter(recipient=applicant, title__contains="已通过认证").exists()
    assert [m.to for m in mail.outbox] == [["liu@shuguang.example"]]


def test_staff_of_another_city_cannot_verify_and_a_refusal_needs_a_reason():
    from common.errors import DomainError

    other = member_of("city_office", "510700")
    city = member_of("city_office", "510100")
    org = Organization.objects.create(
        name="待审单位",
        credit_code=make_credit_code("510100", 770002),
        kind="enterprise",
        region=region("510100"),
        status="pending",
    )
    with pytest.raises(DomainError):
        organization_verify(organization_id=org.pk, actor_user=other.user)
    with pytest.raises(DomainError):
        organization_refuse(organization_id=org.pk, actor_user=city.user, reason="  ")
    organization_refuse(organization_id=org.pk, actor_user=city.user, reason="信用代码与营业执照不符")
    org.refresh_from_db()
    assert org.status == "refused" and org.status_reason == "信用代码与营业执照不符"


def test_a_bad_or_taken_credit_code_is_refused_beside_the_field_and_nothing_is_made(client):
    response = client.post("/accounts/signup/", signup_data(credit_code="91510100MA6ABC12X9"))
    assert response.status_code == 200 and "统一社会信用代码" in response.content.decode()
    assert not Organization.objects.filter(name="蜀光智能科技有限公司").exists()
    taken = member_of("supplier", "510100").organization
    response = client.post("/accounts/signup/", signup_data(credit_code=taken.credit_code))
    assert response.status_code == 200
    assert not Organization.objects.filter(name="蜀光智能科技有限公司").exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="shuguang").exists()


def test_a_script_that_fills_the_hidden_field_makes_nothing(client):
    client.post("/accounts/signup/", signup_data(fax_number="0000"))
    assert not Organization.objects.filter(name="蜀光智能科技有限公司").exists()


@override_settings(ACCOUNT_RATE_LIMITS={"signup": "2/h/ip"})
def test_sign_ups_are_throttled_per_address(client):
    for n in range(2):
        client.post(
            "/accounts/signup/",
            signup_data(
                username=f"u{n}",
                email=f"u{n}@x.example",
                organization_name=f"单位{n}",
                credit_code=make_credit_code("510100", 770010 + n),
            ),
        )
    response = client.post("/accounts/signup/", signup_data())
    assert response.status_code == 429
    assert not Organization.objects.filter(name="蜀光智能科技有限公司").exists()


def test_an_admin_member_invites_a_colleague_who_joins_by_the_emailed_link(client, django_capture_on_commit_callbacks):
    client.post("/accounts/signup/", signup_data())
    admin = Member.objects.get(organization__name="蜀光智能科技有限公司").user
    client.force_login(admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/my/organisation/", {"invite-email": "wang@shuguang.example"})
    assert response.status_code == 302
    (message,) = mail.outbox
    link = re.search(r"/accounts/invitation/\S+/", message.body).group(0)
    client.logout()
    response = client.post(
        link, {"username": "wang", "full_name": "王工", "password1": "Qz7!market-pass", "password2": "Qz7!market-pass"}
    )
    assert response.status_code == 302
    colleague = Member.objects.get(user__username="wang")
    assert colleague.organization.name == "蜀光智能科技有限公司" and colleague.role == "staff"
    assert colleague.user.emailaddress_set.get().verified
    assert client.get(link).status_code == 404  # used once


def test_login_logout_and_password_reset_work_by_email(client):
    client.post("/accounts/signup/", signup_data())
    user = Member.objects.get(organization__name="蜀光智能科技有限公司").user
    user.emailaddress_set.update(verified=True)
    response = client.post("/accounts/login/", {"login": "liu@shuguang.example", "password": "Qz7!market-pass"})
    assert response.status_code == 302 and response["Location"] == "/my/"
    assert client.post("/accounts/logout/").status_code == 302
    mail.outbox.clear()
    client.post("/accounts/password/reset/", {"email": "liu@shuguang.example"})
    assert len(mail.outbox) == 1 and "/accounts/password/reset/key/" in mail.outbox[0].body


def test_a_notification_opens_a_page_never_raw_json(client):
    member = member_of("supplier", "510100")
    n = Notification.objects.create(
        recipient=member.user, kind="proposal", title="x", link="/api/v1/release-events/7/meetings/", dedupe_key="k"
    )
    client.force_login(member.user)
    response = client.get(f"/my/notifications/{n.pk}/")
    assert response["Location"] == "/events/7/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert "消息" in client.get("/").content.decode()


def test_a_member_the_office_set_up_logs_in_by_email_without_a_second_verification(client):
    from marketplace.services import member_add

    org = member_of("supplier", "510100").organization
    member_add(organization=org, username="set-up", password="Qz7!market-pass", email="setup@example.cn")
    response = client.post("/accounts/login/", {"login": "setup@example.cn", "password": "Qz7!market-pass"})
    assert response.status_code == 302 and response["Location"] == "/my/"
