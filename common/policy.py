"""One access policy per kind of record; every door asks it.

In the spirit of NetBox's `RestrictedQuerySet.restrict(user, action)`: each kind of record registers one
`Policy` that answers, as a query condition, which rows an actor may `view` and which it may `change`. The
API's querysets and object checks, the admin's querysets, inlines, autocompletes and history, downloads,
exports and the services' own checks all call `restrict()` or `permits()`; none writes the rule again.

The apps register their policies in `policies.py`, imported by their AppConfig.ready(). This module knows
nothing of the domain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from django.db.models import Model, Q, QuerySet

Action = Literal["view", "change", "verify"]

# "Everything": an explicit condition, because an empty Q() vanishes when OR-ed with another one.
EVERYTHING = Q(pk__isnull=False)
NOTHING = Q(pk__in=[])


class Policy:
    """Who may see and change one kind of record. Subclasses override `view` and, where anyone may change
    the record, `change`; both return a condition on the model's rows."""

    model: type[Model]
    # Conditions that cross a many-to-many relation yield a row once per related row; such policies are
    # applied through `pk IN (…)` so that counts and pages stay exact.
    through_many = False

    def view(self, actor) -> Q:
        return NOTHING

    def change(self, actor) -> Q:
        return NOTHING

    def condition(self, actor, action: Action) -> Q:
        if action == "view":
            return self.view(actor)
        # "change" and any further action a policy names (an organisation's "verify"): on what is seen.
        method = getattr(self, action, None) if action.isidentifier() and not action.startswith("_") else None
        if method is None or action in ("condition", "model", "through_many"):
            raise ValueError(f"unknown action {action!r}")
        return both(method(actor), self.view(actor))


def both(a: Q, b: Q) -> Q:
    """a AND b, keeping EVERYTHING and NOTHING recognisable (restrict() skips or empties the query for them)."""
    if a == NOTHING or b == NOTHING:
        return NOTHING
    if a == EVERYTHING:
        return b
    if b == EVERYTHING:
        return a
    return a & b


_POLICIES: dict[type[Model], Policy] = {}


def register(model: type[Model]) -> Callable[[type[Policy]], type[Policy]]:
    def decorate(cls: type[Policy]) -> type[Policy]:
        if model in _POLICIES:
            raise RuntimeError(f"{model._meta.label} already has a policy: {type(_POLICIES[model]).__name__}")
        policy = cls()
        policy.model = model
        _POLICIES[model] = policy
        return cls

    return decorate


def policy_for(model: type[Model]) -> Policy:
    model = model._meta.concrete_model
    try:
        return _POLICIES[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} has no access policy (register one in its app's policies.py)") from None


def has_policy(model: type[Model]) -> bool:
    return model._meta.concrete_model in _POLICIES


def restrict(queryset: QuerySet | type[Model], actor, action: Action = "view") -> QuerySet:
    """The rows of `queryset` that `actor` may `action`."""
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    policy = policy_for(queryset.model)
    condition = policy.condition(actor, action)
    if condition == EVERYTHING:
        # No condition at all: even an always-true one names a column and costs index-only counts.
        return queryset
    if condition == NOTHING:
        return queryset.none()
    if policy.through_many:
        return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))
    return queryset.filter(condition)


def permits(actor, action: Action, obj: Model) -> bool:
    """Whether `actor` may `action` this one record (a query by primary key through the policy)."""
    if obj is None or obj.pk is None:
        return False
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), actor, action).exists()
