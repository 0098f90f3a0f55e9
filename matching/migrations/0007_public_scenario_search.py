"""The public scenarios' search vectors in a narrow table of their own (see PublicScenarioSearch). On
PostgreSQL the table gets the vector column and its GIN index, and a trigger on the scenario table keeps it:
a row while the scenario is public (published_at set, state public), none otherwise, its vector and date as
the scenario's. tests/matching/test_search.py checks the trigger's states against PUBLIC_STATES."""

import django.db.models.deletion
from django.db import migrations, models

PUBLIC_STATES = ("published", "signed", "in_cooperation", "benchmark", "demonstration", "closed")
TABLE = "matching_publicscenariosearch"
SYNC = f"""
CREATE OR REPLACE FUNCTION matching_public_scenario_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.published_at IS NOT NULL AND NEW.state IN ({", ".join(f"'{s}'" for s in PUBLIC_STATES)}) THEN
        INSERT INTO {TABLE} (scenario_id, published_at, search_vector)
        VALUES (NEW.id, NEW.published_at, NEW.search_vector)
        ON CONFLICT (scenario_id) DO UPDATE
            SET published_at = EXCLUDED.published_at, search_vector = EXCLUDED.search_vector;
    ELSIF TG_OP = 'UPDATE' THEN
        DELETE FROM {TABLE} WHERE scenario_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER public_scenario_search_insert AFTER INSERT ON scenarios_scenario
    FOR EACH ROW EXECUTE FUNCTION matching_public_scenario_search_sync();
CREATE TRIGGER public_scenario_search_update AFTER UPDATE ON scenarios_scenario
    FOR EACH ROW WHEN (
        OLD.state IS DISTINCT FROM NEW.state
        OR OLD.published_at IS DISTINCT FROM NEW.published_at
        OR OLD.search_vector IS DISTINCT FROM NEW.search_vector
    ) EXECUTE FUNCTION matching_public_scenario_search_sync();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector NOT NULL")
    schema_editor.execute(SYNC)
    schema_editor.execute(
        f"INSERT INTO {TABLE} (scenario_id, published_at, search_vector) "
        "SELECT id, published_at, search_vector FROM scenarios_scenario "
        f"WHERE published_at IS NOT NULL AND state IN ({', '.join(repr(s) for s in PUBLIC_STATES)})"
    )
    # No pending list: scenarios are written at a person's pace, and a search must not scan unmerged
    # entries until the next vacuum.
    schema_editor.execute(
        f"CREATE INDEX public_scenario_search_gin ON {TABLE} USING gin (search_vector) WITH (fastupdate = off)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS public_scenario_search_insert ON scenarios_scenario")
    schema_editor.execute("DROP TRIGGER IF EXISTS public_scenario_search_update ON scenarios_scenario")
    schema_editor.execute("DROP FUNCTION IF EXISTS matching_public_scenario_search_sync()")


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0006_public_scenario_search_index"),
        ("scenarios", "0011_promotion_and_invitations"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicScenarioSearch",
            fields=[
                (
                    "scenario",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="scenarios.scenario",
                        verbose_name="场景",
                    ),
                ),
                ("published_at", models.DateField(verbose_name="发布日期")),
            ],
            options={"verbose_name": "公开场景检索", "verbose_name_plural": "公开场景检索"},
        ),
        migrations.RunPython(create, drop),
    ]
