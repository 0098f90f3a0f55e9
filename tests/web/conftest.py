import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from marketplace.choices import MemberRole
from marketplace.choices import OrganizationKind as K
from scenarios.models import Proposal, TransitionLog
from tests.factories import (
    AgreementFactory,
    BenchmarkCaseFactory,
    ReleaseEventFactory,
    ScenarioFactory,
    member_of,
)
from tests.support import built_once

# Words that exist only in what the public must never see; no public page or download may carry one.
SECRETS = {
    "draft": "机密草稿场景甲一",
    "submitted": "机密已提交场景乙二",
    "approved": "机密已审核场景丙三",
    "withdrawn": "机密撤回场景丁四",
    "proposal": "机密方案内容戊五",
    "reason": "机密退回原因己六",
    "phone": "13900001111",
    "email": "member-secret@example.com",
    "username": "secret-member-user",
}


class Market:
    pass


def build_market() -> Market:
    m = Market()
    prov = member_of(K.ENTERPRISE, "510100", name="成都电机股份有限公司")
    prov.role, prov.phone = MemberRole.ADMIN, SECRETS["phone"]
    prov.save()
    prov.user.username, prov.user.email = SECRETS["username"], SECRETS["email"]
    prov.user.save()
    m.provider, m.prov_user = prov.organization, prov.user
    m.supplier = member_of(K.SUPPLIER, "510100", name="甲智能科技有限公司")
    m.city = member_of(K.CITY_OFFICE, "510100")
    m.office = member_of(K.LINK_OFFICE, None)
    m.event = ReleaseEventFactory(kind="provincial", quarter=3, date=datetime.date(2026, 9, 16), year=2026)
    m.published = ScenarioFactory(
        provider=m.provider,
        state="published",
        title="电机壳体外观缺陷检测",
        purpose="替代人工目检",
        release_event=m.event,
    )
    TransitionLog.objects.create(
        scenario=m.published,
        action="scenarios.scenario.returned",
        transition="return",
        from_state="submitted",
        to_state="draft",
        reason=SECRETS["reason"],
    )
    TransitionLog.objects.create(
        scenario=m.published,
        action="scenarios.scenario.published",
        transition="publish",
        from_state="approved",
        to_state="published",
        at=timezone.now(),
    )
    m.signed = ScenarioFactory(provider=m.provider, state="signed", title="仓储物流智能分拣", release_event=m.event)
    AgreementFactory(scenario=m.signed, suppliers=[m.supplier.organization], summary=SECRETS["proposal"])
    m.bench = ScenarioFactory(provider=m.provider, state="benchmark", title="化工装置智能优化控制")
    AgreementFactory(scenario=m.bench, suppliers=[m.supplier.organization])
    m.case = BenchmarkCaseFactory(scenario=m.bench, title="化工装置优化标杆案例")
    m.hidden = {
        state: ScenarioFactory(provider=m.provider, state=state, title=SECRETS[state], release_event=m.event)
        for state in ("draft", "submitted", "approved", "withdrawn")
    }
    Proposal.objects.create(
        scenario=m.published,
        supplier=m.supplier.organization,
        price=88,
        plan=SECRETS["proposal"],
        submitted_at=timezone.now(),
    )
    return m


@pytest.fixture(scope="module")
def market(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, build_market)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()  # allauth's sign-up and login limits count in the cache
    yield
    cache.clear()
