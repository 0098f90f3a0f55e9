from django.db import migrations


def load(apps, schema_editor):
    from matching.analysis import default_concepts

    Concept = apps.get_model("matching", "Concept")
    Sector = apps.get_model("marketplace", "Sector")
    sectors = dict(Sector.objects.values_list("code", "pk"))
    Concept.objects.bulk_create(
        [
            Concept(name=name, sector_id=None if scope == "*" else sectors.get(scope), words=" ".join(words))
            for scope, name, words in default_concepts()
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("matching", "0009_concepts"), ("marketplace", "0002_reference_data")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
