from django.core.management.base import BaseCommand, CommandError

from common.errors import DomainError
from marketplace.models import Region, Sector
from marketplace.reference_data import load_regions, load_sectors, read_json


class Command(BaseCommand):
    help = "Load a province's regions (and optionally a sector taxonomy) from JSON files, e.g. Guangdong's."

    def add_arguments(self, parser):
        parser.add_argument("file", help='{"province": {"code", "name"}, "regions": [{"code", "name"}, …]}')
        parser.add_argument("--sectors", help="a sectors file in the format of marketplace/data/sectors.json")

    def handle(self, *args, file, sectors=None, **options):
        try:
            created, updated = load_regions(read_json(file), Region=Region)
            self.stdout.write(f"regions: {created} created, {updated} updated")
            if sectors:
                created, updated = load_sectors(read_json(sectors), Sector=Sector)
                self.stdout.write(f"sectors: {created} created, {updated} updated")
        except (OSError, ValueError, DomainError) as exc:
            raise CommandError(str(exc)) from exc
