import sys

from django.core.management.base import BaseCommand

from marketdata.interchange.exporter import export_market


class Command(BaseCommand):
    help = "Export the whole market as one file in the interchange format ('-' for standard output)."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        if file == "-":
            counts = export_market(sys.stdout)
        else:
            with open(file, "w", encoding="utf-8") as out:
                counts = export_market(out)
        self.stderr.write(", ".join(f"{k} {v}" for k, v in counts.items()))
