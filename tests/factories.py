import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from common.credit_code import make_credit_code
from marketplace.choices import MemberRole, OrganizationKind
from marketplace.models import Member, Organization, Product, Region, Sector
from scenarios.choices import ScenarioCategory, ScenarioState
from scenarios.models import (
    Agreement,
    BenchmarkCase,
    DemonstrationZone,
    ProgressReport,
    ReleaseEvent,
    Scenario,
)

_serial = itertools.count(1)


def region(code="510100"):
    return Region.objects.get(code=code)


def sector(code="manufacturing.02"):
    return Sector.objects.get(code=code)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrganizationKind.ENTERPRISE
    region = factory.LazyFunction(region)
    credit_code = factory.LazyAttribute(
        lambda o: make_credit_code(o.region.code if o.region else "510000", next(_serial))
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-12345")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = MemberRole.STAFF


def member_of(kind: str, region_code: str | None = "510100", **org) -> Member:
    region_obj = region(region_code) if region_code else None
    organization = OrganizationFactory(kind=kind, region=region_obj, **org)
    return MemberFactory(organization=organization)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    supplier = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.SUPPLIER)
    name = factory.Sequence(lambda n: f"智能检测系统{n}")
    description = "基于深度学习的工业表面缺陷检测"
    maturity = "mature"


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    title = factory.Sequence(lambda n: f"电机壳体外观缺陷智能检测{n}")
    provider = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.ENTERPRISE)
    region = factory.LazyAttribute(lambda o: o.provider.region)
    category = ScenarioCategory.INDUSTRY
    sector = factory.LazyFunction(sector)
    purpose = "替代人工目检，提高检出率"
    requirements = "检出率≥99.5%，节拍≤2秒/件"
    contact_name = "张工"
    contact_phone = "028-12345678"
    state = ScenarioState.DRAFT
    closed_reason = factory.LazyAttribute(lambda o: "无合适供应商" if o.state == ScenarioState.CLOSED else "")
    published_at = factory.LazyAttribute(
        lambda o: (
            datetime.date(2026, 3, 15)
            if o.state in ("published", "signed", "in_cooperation", "benchmark", "demonstration")
            else None
        )
    )


class ReleaseEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReleaseEvent

    name = factory.Sequence(lambda n: f"省级应用场景发布会{n}")
    kind = "docking"
    year = 2026
    host_region = factory.LazyFunction(region)
    date = datetime.date(2026, 6, 18)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    scenario = factory.SubFactory(ScenarioFactory)
    signed_on = datetime.date(2026, 7, 1)
    amount = 120

    @factory.post_generation
    def suppliers(self, create, extracted, **kwargs):
        self.suppliers.set(extracted or [OrganizationFactory(kind=OrganizationKind.SUPPLIER)])


class ProgressReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressReport

    scenario = factory.SubFactory(ScenarioFactory)
    reported_on = datetime.date(2026, 8, 1)
    summary = "设备已部署，产线试运行"
    cooperation_started = True
    progress_percent = 30


class BenchmarkCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BenchmarkCase

    scenario = factory.SubFactory(ScenarioFactory)
    title = factory.LazyAttribute(lambda o: f"{o.scenario.title}标杆案例")
    background = "人工目检效率低"
    solution = "部署深度学习检测系统"
    outcomes = "检出率提升至99.6%"


class DemonstrationZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemonstrationZone

    name = "成都市先进制造人工智能场景应用示范区"
    region = factory.LazyFunction(region)
    sector = factory.LazyFunction(lambda: sector("manufacturing"))
    status = "designated"
    designated_on = datetime.date(2026, 10, 1)
