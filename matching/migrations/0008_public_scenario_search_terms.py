"""Each public scenario's words with its rank for each word alone (see PublicScenarioSearchTerm), kept by the
public search trigger, which now also rewrites a scenario's words whenever it rewrites its row. Removing
the row (withdrawn, deleted) removes its words: the foreign key cascades in the database. The ranks are
ts_rank with the search's weights (matching/search.py RANK_WEIGHTS; tests/matching/test_search.py checks)."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

PUBLIC_STATES = ("published", "signed", "in_cooperation", "benchmark", "demonstration", "closed")
RANK_WEIGHTS = "{0.5,0.5,0.5,1.0}"  # D, C, B, A
DOCS, TERMS = "matching_publicscenariosearch", "matching_publicscenariosearchterm"
RANK = f"ts_rank('{RANK_WEIGHTS}', %(vector)s, quote_literal(u.lexeme)::tsquery)"
SYNC = f"""
CREATE OR REPLACE FUNCTION matching_public_scenario_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.published_at IS NOT NULL AND NEW.state IN ({", ".join(f"'{s}'" for s in PUBLIC_STATES)}) THEN
        INSERT INTO {DOCS} (scenario_id, published_at, search_vector)
        VALUES (NEW.id, NEW.published_at, NEW.search_vector)
        ON CONFLICT (scenario_id) DO UPDATE
            SET published_at = EXCLUDED.published_at, search_vector = EXCLUDED.search_vector;
        DELETE FROM {TERMS} WHERE scenario_id = NEW.id;
        INSERT INTO {TERMS} (term, scenario_id, rank, published_at)
        SELECT u.lexeme, NEW.id, {RANK % {"vector": "NEW.search_vector"}}, NEW.published_at
        FROM unnest(NEW.search_vector) AS u;
    ELSIF TG_OP = 'UPDATE' THEN
        DELETE FROM {DOCS} WHERE scenario_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'", [TERMS])
        for (name,) in cursor.fetchall():
            schema_editor.execute(f'ALTER TABLE {TERMS} DROP CONSTRAINT "{name}"')
    schema_editor.execute(
        f"ALTER TABLE {TERMS} ADD CONSTRAINT public_search_term_scenario_fk FOREIGN KEY (scenario_id) "
        f"REFERENCES {DOCS} (scenario_id) ON DELETE CASCADE"
    )
    schema_editor.execute(SYNC)
    schema_editor.execute(
        f"INSERT INTO {TERMS} (term, scenario_id, rank, published_at) "
        f"SELECT u.lexeme, d.scenario_id, {RANK % {'vector': 'd.search_vector'}}, d.published_at "
        f"FROM {DOCS} AS d, unnest(d.search_vector) AS u"
    )


def drop(apps, schema_editor):
    """Back to the trigger of 0007, which keeps the rows but no words."""
    if schema_editor.connection.vendor != "postgresql":
        return
    before = importlib.import_module("matching.migrations.0007_public_scenario_search")
    schema_editor.execute(before.SYNC.split("CREATE TRIGGER")[0])


class Migration(migrations.Migration):
    dependencies = [("matching", "0007_public_scenario_search")]

    operations = [
        migrations.CreateModel(
            name="PublicScenarioSearchTerm",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("term", models.TextField(verbose_name="词语")),
                ("rank", models.FloatField(verbose_name="相关度")),
                ("published_at", models.DateField(verbose_name="发布日期")),
                (
                    "scenario",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="terms",
                        to="matching.publicscenariosearch",
                        verbose_name="场景",
                    ),
                ),
            ],
            options={
                "verbose_name": "公开场景检索词",
                "verbose_name_plural": "公开场景检索词",
                "indexes": [
                    models.Index(
                        fields=["term"], include=("scenario", "rank", "published_at"), name="public_search_term_cover"
                    )
                ],
            },
        ),
        migrations.RunPython(create, drop),
    ]
