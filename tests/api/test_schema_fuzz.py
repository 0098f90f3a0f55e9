"""Schemathesis against /api/schema/, as every role: no 5xx, and answers that match the contract.

Bounded examples so it fits in CI; raise FUZZ_EXAMPLES locally to dig deeper.

Every default check runs except `positive_data_acceptance`: a body can satisfy the schema and still be
refused with 400 because it names records that do not exist (provider 0, sector "0") or breaks a
business rule (a wrong password, a whitespace-only summary); OpenAPI cannot express those, and a
400 is the right answer. Everything else it found was fixed in the API or in the schema.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from config.wsgi import application

ROLES = ["anon", "sup_a", "prov", "city", "office"]
# CI (.ci/run) raises this; a developer's `make test` keeps it short.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))

# The coverage phase (every boundary and every kind of wrong value of every parameter) is most of the run:
# CI turns it on (FUZZ_COVERAGE=1 in .ci/run); a developer's `make test` fuzzes with generated examples only.
COVERAGE = os.environ.get("FUZZ_COVERAGE", "") not in ("", "0", "false")
config = SchemathesisConfig()
config.projects.default.phases.coverage.enabled = COVERAGE

schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)


@pytest.fixture
def world(shared_world):
    return shared_world


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI app directly, so Django's request signals would close the test's
    connection (and its transaction) after each call; Django's own test client avoids this the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def headers_for(world, role: str) -> dict:
    user = world.users[role]
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"} if user else {}


@pytest.mark.fuzz
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_honours_its_contract(case, role, world, db):
    case.call_and_validate(headers=headers_for(world, role), excluded_checks=[positive_data_acceptance])
