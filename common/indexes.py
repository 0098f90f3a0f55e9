"""Index definitions that every supported database accepts."""

from __future__ import annotations

import copy

from django.db import models
from django.db.models.expressions import OrderBy


class NullsLastIndex(models.Index):
    """An index whose `nulls_last` orderings are kept on PostgreSQL (where a descending column otherwise
    puts NULLs first, so the index would not serve a NULLS LAST order) and dropped on SQLite, which refuses
    them in an index and sorts NULLs last when descending anyway."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql" or not self.expressions:
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = copy.copy(self)
        plain.expressions = tuple(
            OrderBy(e.expression, descending=e.descending) if isinstance(e, OrderBy) else e for e in self.expressions
        )
        return models.Index.create_sql(plain, model, schema_editor, using=using, **kwargs)
