"""External keys: every record the market interchange format carries has a stable `key`.

Imported records keep the caller's key; records created on the platform get a generated one, so that
any record can be exported and imported elsewhere without losing its identity.
"""

import uuid


def _new(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def organization_key() -> str:
    return _new("org")


def product_key() -> str:
    return _new("prod")


def scenario_key() -> str:
    return _new("scn")


def event_key() -> str:
    return _new("evt")


def proposal_key() -> str:
    return _new("prop")


def agreement_key() -> str:
    return _new("agr")


def report_key() -> str:
    return _new("rpt")


def case_key() -> str:
    return _new("case")


def zone_key() -> str:
    return _new("zone")
