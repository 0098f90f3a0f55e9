"""The follow-up rules of DOMAIN.md §5 with their default thresholds; the link office tunes them as data."""

from django.db import migrations

DEFAULTS = [
    # code, threshold days, repeat days, city staff, link office, provider
    ("submitted_unreviewed", 7, 7, True, False, False),
    ("published_no_proposal", 21, 7, True, True, False),
    ("proposals_unsigned", 60, 14, True, False, True),
    ("signed_no_progress", 90, 30, True, False, True),
    ("event_list_not_final", 14, 4, True, True, False),
    ("targets_behind_pace", 14, 7, False, True, False),
    ("cooperation_unconfirmed", 90, 14, True, False, True),
]


def create(apps, schema_editor):
    Rule = apps.get_model("scenarios", "ReminderRule")
    for code, threshold, repeat, city, office, provider in DEFAULTS:
        Rule.objects.get_or_create(
            code=code,
            defaults={
                "threshold_days": threshold,
                "repeat_days": repeat,
                "escalate_after": 2,
                "notify_city_staff": city,
                "notify_link_office": office,
                "notify_provider": provider,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("scenarios", "ReminderRule").objects.filter(code__in=[d[0] for d in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("scenarios", "0006_followup_rules_reminders_checkins")]
    operations = [migrations.RunPython(create, remove)]
