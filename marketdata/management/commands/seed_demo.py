from django.core.management.base import BaseCommand

from marketdata.demo.builder import DEMO_ACCOUNTS, build
from marketplace.models import Organization

PAGES = [
    ("/", "the public site: this year's figures, events, newest scenarios"),
    ("/scenarios/?q=瑕疵识别", "search (finds 缺陷检测: synonyms count)"),
    ("/events/", "release events and their booklets"),
    ("/cases/", "benchmark cases"),
    ("/zones/", "demonstration zones and their scores"),
    ("/open-data/", "bulk downloads (CSV, Excel, JSON, OCDS)"),
    ("/accounts/signup/", "register an organisation"),
    ("/my/", "the workspace of providers and AI companies (log in as demo-supplier or demo-gov)"),
    ("/admin/", "the staff's back office (demo-office, demo-city)"),
    ("/api/docs/", "the API"),
]


class Command(BaseCommand):
    help = "Create the demo market (deterministic, in Chinese) and the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo12345", help="password of every demo account")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when the market already has data")
        parser.add_argument("--seed", type=int, default=20260101)

    def handle(self, *args, password, if_empty, seed, **options):
        if if_empty and Organization.objects.exists():
            self.stdout.write("The market already has data; demo data left as it is.")
        else:
            counts = build(password=password, seed=seed)
            self.stdout.write(
                self.style.SUCCESS("Demo market created: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
            )
        self.stdout.write("\nPages to open (the server starts on http://127.0.0.1:8000):")
        for path, what in PAGES:
            self.stdout.write(f"  http://127.0.0.1:8000{path:<22} {what}")
        self.stdout.write("\nDemo accounts (log in at /accounts/login/; staff work at /admin/, everyone else at /my/):")
        for username, who in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<16} {who}")
        self.stdout.write(
            f"  password: {password}" + (" (change it with --password)" if password == "demo12345" else "")
        )
