"""A GIN index over the public scenarios alone, for the search most people run (the public, suppliers):
without it every broad search also reads the state index for 70,000 rows and intersects the two bitmaps.
The condition is the public visibility filter as the selector writes it (`published_at IS NOT NULL AND
state IN PUBLIC_STATES`); tests/matching/test_search.py checks that the two still agree."""

from django.db import migrations

PUBLIC_STATES = ("published", "signed", "in_cooperation", "benchmark", "demonstration", "closed")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    states = ", ".join(f"'{s}'" for s in PUBLIC_STATES)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS scenario_public_search_gin ON scenarios_scenario USING gin (search_vector) "
        f"WHERE published_at IS NOT NULL AND state IN ({states})"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS scenario_public_search_gin")


class Migration(migrations.Migration):
    dependencies = [("matching", "0005_stored_search_vectors"), ("scenarios", "0011_promotion_and_invitations")]
    operations = [migrations.RunPython(create, drop)]
