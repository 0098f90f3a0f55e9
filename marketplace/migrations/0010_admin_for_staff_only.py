"""Providers and suppliers work in their workspace (/my/); the admin is the link office's and city staff's."""

from django.db import migrations

STAFF_KINDS = ("link_office", "city_office")


def staff_only(apps, schema_editor):
    User = apps.get_model("auth", "User")
    User.objects.filter(member__isnull=False, is_superuser=False).exclude(
        member__organization__kind__in=STAFF_KINDS
    ).update(is_staff=False)


def everyone_verified_back(apps, schema_editor):
    User = apps.get_model("auth", "User")
    User.objects.filter(member__organization__status="verified").update(is_staff=True)


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0009_workspace_and_subscriptions")]

    operations = [migrations.RunPython(staff_only, everyone_verified_back)]
