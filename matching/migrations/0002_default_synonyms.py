from django.db import migrations


def load(apps, schema_editor):
    from matching.analysis import default_synonym_groups

    Synonym = apps.get_model("matching", "Synonym")
    rows = []
    for group in default_synonym_groups():
        rows.extend(Synonym(term=term, canonical=group[0]) for term in group)
    Synonym.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
