"""Loads the default province's regions and the sector taxonomy from the files in marketplace/data/."""

from django.conf import settings
from django.db import migrations

from marketplace.reference_data import load_regions, load_sectors, read_json


def load(apps, schema_editor):
    load_regions(read_json(settings.MARKET_REGIONS_FILE), Region=apps.get_model("marketplace", "Region"))
    load_sectors(read_json(settings.MARKET_SECTORS_FILE), Sector=apps.get_model("marketplace", "Sector"))


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
