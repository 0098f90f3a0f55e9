"""Every allowed transition of DOMAIN.md §4 succeeds and logs once; every refused one changes nothing."""

import pytest

from common.errors import DomainError, NotFound, PermissionDenied
from marketplace.choices import OrganizationKind as K
from scenarios import services
from scenarios.choices import ScenarioState as S
from scenarios.lifecycle import TRANSITIONS, Who
from scenarios.models import Scenario, TransitionLog
from tests.factories import (
    AgreementFactory,
    BenchmarkCaseFactory,
    DemonstrationZoneFactory,
    MemberFactory,
    ProgressReportFactory,
    ReleaseEventFactory,
    ScenarioFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(db):
    return member_of(K.ENTERPRISE, "510100")


@pytest.fixture
def people(provider, city_staff, other_city_staff, link_office, supplier):
    return {
        "provider": provider.user,
        "other_provider": member_of(K.GOVERNMENT, "510100").user,
        "city_staff": city_staff,
        "other_city_staff": other_city_staff,
        "link_office": link_office,
        "supplier": supplier,
    }


WHO_TO_PERSON = {Who.PROVIDER: "provider", Who.REGION_STAFF: "city_staff", Who.LINK_OFFICE: "link_office"}


def make_ready(name: str, state: str, provider) -> Scenario:
    """A scenario in `state` holding every record the transition's guard asks for."""
    scenario = ScenarioFactory(provider=provider.organization, state=state)
    if name == "publish":
        scenario.release_event = ReleaseEventFactory()
        scenario.save()
    elif name == "sign":
        AgreementFactory(scenario=scenario)
    elif name == "start_cooperation":
        ProgressReportFactory(scenario=scenario, cooperation_started=True)
    elif name == "designate_benchmark":
        BenchmarkCaseFactory(scenario=scenario)
    elif name == "include_in_zone":
        DemonstrationZoneFactory(region=scenario.region, sector=scenario.sector.parent)
    return scenario


def params_for(name: str) -> dict:
    return {"reason": "材料不全"} if TRANSITIONS[name].reason_required else {}


def snapshot(scenario: Scenario):
    scenario.refresh_from_db()
    return scenario.state, scenario.updated_at, TransitionLog.objects.filter(scenario=scenario).count()


ALLOWED = [(t.name, src, who) for t in TRANSITIONS.values() for src in sorted(t.sources) for who in sorted(t.who)]


@pytest.mark.parametrize(("name", "source", "who"), ALLOWED)
def test_allowed_transition_moves_state_and_logs_once(
    name, source, who, people, provider, django_capture_on_commit_callbacks
):
    scenario = make_ready(name, source, provider)
    actor = people[WHO_TO_PERSON[who]]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.scenario_transition(name=name, scenario_id=scenario.pk, actor_user=actor, **params_for(name))
    scenario.refresh_from_db()
    t = TRANSITIONS[name]
    assert scenario.state == t.target
    logs = list(TransitionLog.objects.filter(scenario=scenario))
    assert len(logs) == 1
    assert (logs[0].from_state, logs[0].to_state, logs[0].actor, logs[0].action) == (
        source,
        t.target,
        actor,
        f"scenarios.scenario.{name}",
    )
    # the follow-on work, scheduled for after the commit: notifications, (re)matching when the scenario
    # enters or leaves the open market, and its subscribers told when it is published
    touches_market = S.PUBLISHED in (source, t.target)
    assert len(callbacks) == 1 + touches_market + (name == "publish")


WRONG_STATE = [(t.name, state) for t in TRANSITIONS.values() for state in S.values if state not in t.sources]


@pytest.mark.parametrize(("name", "state"), WRONG_STATE)
def test_transition_from_wrong_state_is_refused_and_changes_nothing(name, state, people, provider):
    scenario = make_ready(name, state, provider)
    before = snapshot(scenario)
    with pytest.raises(DomainError) as exc:
        services.scenario_transition(
            name=name, scenario_id=scenario.pk, actor_user=people["link_office"], **params_for(name)
        )
    assert exc.value.code in ("invalid_state", "already_done")
    assert snapshot(scenario) == before


WRONG_ROLE = [
    (t.name, person)
    for t in TRANSITIONS.values()
    for person in ("provider", "other_provider", "city_staff", "supplier")
    if not (
        person in ("provider", "city_staff")
        and {"provider": Who.PROVIDER, "city_staff": Who.REGION_STAFF}[person] in t.who
    )
]


@pytest.mark.parametrize(("name", "person"), WRONG_ROLE)
def test_transition_by_wrong_role_is_refused_and_changes_nothing(name, person, people, provider):
    source = sorted(TRANSITIONS[name].sources)[0]
    scenario = make_ready(name, source, provider)
    before = snapshot(scenario)
    with pytest.raises((PermissionDenied, NotFound)):
        services.scenario_transition(name=name, scenario_id=scenario.pk, actor_user=people[person], **params_for(name))
    assert snapshot(scenario) == before


@pytest.mark.parametrize("name", [t.name for t in TRANSITIONS.values() if Who.REGION_STAFF in t.who])
def test_city_staff_cannot_act_on_other_regions_scenario(name, people, provider):
    scenario = make_ready(name, sorted(TRANSITIONS[name].sources)[0], provider)
    before = snapshot(scenario)
    with pytest.raises(DomainError) as exc:
        services.scenario_transition(
            name=name, scenario_id=scenario.pk, actor_user=people["other_city_staff"], **params_for(name)
        )
    assert exc.value.code in ("wrong_region", "not_found")
    assert snapshot(scenario) == before


GUARDED = [t.name for t in TRANSITIONS.values() if t.guard]


@pytest.mark.parametrize("name", GUARDED)
def test_transition_without_its_guard_record_is_refused(name, people, provider):
    scenario = ScenarioFactory(provider=provider.organization, state=sorted(TRANSITIONS[name].sources)[0])
    if name == "submit":
        scenario.purpose = ""
        scenario.save()
    before = snapshot(scenario)
    with pytest.raises(DomainError) as exc:
        services.scenario_transition(name=name, scenario_id=scenario.pk, actor_user=people["link_office"])
    assert exc.value.code == "guard_failed"
    assert str(exc.value)  # a message a person can read
    assert snapshot(scenario) == before


@pytest.mark.parametrize("name", [t.name for t in TRANSITIONS.values() if t.reason_required])
def test_transition_needing_a_reason_is_refused_without_one(name, people, provider):
    scenario = make_ready(name, sorted(TRANSITIONS[name].sources)[0], provider)
    before = snapshot(scenario)
    with pytest.raises(DomainError) as exc:
        services.scenario_transition(name=name, scenario_id=scenario.pk, actor_user=people["link_office"], reason="  ")
    assert exc.value.code == "reason_required"
    assert snapshot(scenario) == before


def test_zone_of_another_sector_does_not_cover_the_scenario(people, provider):
    scenario = ScenarioFactory(provider=provider.organization, state=S.BENCHMARK)
    DemonstrationZoneFactory(
        region=scenario.region, sector=scenario.sector.parent.children.exclude(pk=scenario.sector_id).first()
    )
    with pytest.raises(DomainError, match="示范区"):
        services.scenario_include_in_zone(scenario_id=scenario.pk, actor_user=people["link_office"])


def test_a_repeated_publish_is_answered_clearly_and_changes_nothing(people, provider):
    scenario = make_ready("publish", S.APPROVED, provider)
    services.scenario_publish(scenario_id=scenario.pk, actor_user=people["link_office"])
    before = snapshot(scenario)
    with pytest.raises(DomainError) as exc:
        services.scenario_publish(scenario_id=scenario.pk, actor_user=people["link_office"])
    assert exc.value.code == "already_done"
    assert snapshot(scenario) == before


def test_publish_sets_the_publication_date_from_the_event(people, provider):
    scenario = make_ready("publish", S.APPROVED, provider)
    services.scenario_publish(scenario_id=scenario.pk, actor_user=people["link_office"])
    scenario.refresh_from_db()
    assert scenario.published_at == scenario.release_event.date


def test_approve_puts_the_scenario_in_the_events_annual_plan_and_quarter(people, provider):
    scenario = ScenarioFactory(provider=provider.organization, state=S.SUBMITTED)
    event = ReleaseEventFactory(kind="provincial", year=2027, quarter=2)
    services.scenario_approve(scenario_id=scenario.pk, actor_user=people["city_staff"], event_id=event.pk)
    scenario.refresh_from_db()
    assert (scenario.plan.year, scenario.planned_quarter, scenario.release_event) == (2027, 2, event)
    assert scenario.plan.targets.get(metric="published_scenarios").value == 150


def test_refused_message_is_in_chinese_by_default_and_english_on_request(people, provider):
    from django.utils.translation import override

    scenario = ScenarioFactory(provider=provider.organization, state=S.DRAFT)
    with pytest.raises(DomainError) as exc:
        services.scenario_publish(scenario_id=scenario.pk, actor_user=people["link_office"])
    assert "不能" in str(exc.value)
    with override("en"), pytest.raises(DomainError) as exc:
        services.scenario_publish(scenario_id=scenario.pk, actor_user=people["link_office"])
    assert "cannot" in str(exc.value)


def test_transition_notifies_the_provider_after_commit(people, provider, django_capture_on_commit_callbacks):
    scenario = ScenarioFactory(provider=provider.organization, state=S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.scenario_approve(scenario_id=scenario.pk, actor_user=people["city_staff"])
    assert provider.user.notifications.filter(title__contains="已审核").count() == 1
    assert not people["city_staff"].notifications.exists()  # the actor is not told what they did


def test_publish_all_of_an_event_is_all_or_nothing(people, provider):
    event = ReleaseEventFactory()
    ready = [ScenarioFactory(provider=provider.organization, state=S.APPROVED, release_event=event) for _ in range(3)]
    laggard = ScenarioFactory(provider=provider.organization, state=S.SUBMITTED, release_event=event)
    with pytest.raises(DomainError) as exc:
        services.release_event_publish_all(event_id=event.pk, actor_user=people["link_office"])
    assert exc.value.code == "batch_refused"
    assert laggard.key in exc.value.fields
    assert not Scenario.objects.filter(state=S.PUBLISHED).exists()
    assert not TransitionLog.objects.exists()

    laggard.state = S.WITHDRAWN
    laggard.save()
    published = services.release_event_publish_all(event_id=event.pk, actor_user=people["link_office"])
    assert {s.pk for s in published} == {s.pk for s in ready}
    assert Scenario.objects.filter(state=S.PUBLISHED, published_at=event.date).count() == 3
    assert TransitionLog.objects.filter(transition="publish").count() == 3


def test_only_the_link_office_publishes_an_events_list(people, provider):
    event = ReleaseEventFactory()
    ScenarioFactory(provider=provider.organization, state=S.APPROVED, release_event=event)
    with pytest.raises(PermissionDenied):
        services.release_event_publish_all(event_id=event.pk, actor_user=people["city_staff"])


def test_member_of_unrelated_organization_cannot_see_a_draft(people, provider):
    scenario = ScenarioFactory(provider=provider.organization, state=S.DRAFT)
    with pytest.raises(NotFound):
        services.scenario_submit(scenario_id=scenario.pk, actor_user=MemberFactory().user)


def test_transition_notification_task_is_safe_to_run_twice(people, provider):
    from scenarios.tasks import scenario_transitioned

    scenario = ScenarioFactory(provider=provider.organization, state=S.SUBMITTED)
    services.scenario_approve(scenario_id=scenario.pk, actor_user=people["city_staff"])
    log = TransitionLog.objects.get(scenario=scenario)
    scenario_transitioned(log.pk)
    scenario_transitioned(log.pk)
    assert provider.user.notifications.count() == 1
