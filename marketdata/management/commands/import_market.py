from django.core.management.base import BaseCommand, CommandError

from marketdata.interchange.importer import ImportFailed, import_market


class Command(BaseCommand):
    help = "Import a market file (shared/formats/market-json.md): all or nothing, idempotent on keys."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            report = import_market(file)
        except FileNotFoundError as exc:
            raise CommandError(f"no such file: {file}") from exc
        except ImportFailed as exc:
            for line in exc.errors:
                self.stderr.write(line)
            more = exc.total - len(exc.errors)
            raise CommandError(
                f"{exc.total} error(s); nothing was imported" + (f" ({more} more not listed)" if more else "")
            ) from exc
        for section in sorted(set(report.created) | set(report.updated) | set(report.unchanged)):
            self.stdout.write(
                f"{section}: {report.created[section]} created, {report.updated[section]} updated, "
                f"{report.unchanged[section]} unchanged"
            )
