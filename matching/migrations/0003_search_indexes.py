"""GIN indexes for the Chinese search, on PostgreSQL only (the expression is the one Django's
SearchVector("search_tokens", config="simple") renders, so the planner uses them)."""

from django.db import migrations

TABLES = {"scenario_search_gin": "scenarios_scenario", "product_search_gin": "marketplace_product"}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in TABLES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            "USING gin (to_tsvector('simple'::regconfig, COALESCE(search_tokens, '')))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in TABLES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0002_default_synonyms"),
        ("scenarios", "0004_scenario_search_tokens"),
        ("marketplace", "0003_product_search_tokens"),
    ]
    operations = [migrations.RunPython(create, drop)]
