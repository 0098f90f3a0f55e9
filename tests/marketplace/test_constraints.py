"""What must never be false is refused by the database itself, whatever code writes."""

import pytest
from django.db import IntegrityError, transaction

from common.credit_code import credit_code_error, make_credit_code
from marketplace.choices import OrganizationKind as K
from marketplace.models import Organization
from scenarios.models import Scenario
from tests.factories import OrganizationFactory, ProductFactory, ScenarioFactory, region

pytestmark = pytest.mark.django_db


def test_database_refuses_a_scenario_budget_with_min_above_max():
    scenario = ScenarioFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.filter(pk=scenario.pk).update(budget_min=300, budget_max=100)


def test_database_refuses_a_product_price_with_min_above_max():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(price_min=100, price_max=10)


def test_database_refuses_a_duplicate_credit_code():
    first = OrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="冒名单位", kind=K.ENTERPRISE, region=region(), credit_code=first.credit_code)


def test_database_refuses_a_credit_code_that_is_not_18_characters():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="短码单位", kind=K.ENTERPRISE, region=region(), credit_code="9151")


def test_database_refuses_a_published_scenario_without_a_publication_date():
    scenario = ScenarioFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.filter(pk=scenario.pk).update(state="published", published_at=None)


def test_database_refuses_an_unknown_state():
    scenario = ScenarioFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Scenario.objects.filter(pk=scenario.pk).update(state="teleported")


def test_credit_code_check_character_is_validated():
    code = make_credit_code("510100", 42)
    assert credit_code_error(code) is None
    wrong_check = code[:17] + ("0" if code[17] != "0" else "1")
    assert "校验位" in str(credit_code_error(wrong_check))
    assert credit_code_error("91510100MA6C8XXXXI") is not None  # I is not in the alphabet
