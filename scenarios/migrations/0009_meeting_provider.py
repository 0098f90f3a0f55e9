import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Meetings name their provider (no meeting was ever stored before the scheduler existed: the
    placeholder default never applies to a row)."""

    dependencies = [
        ("marketplace", "0005_member_language_email_digest"),
        ("scenarios", "0008_proposal_decision"),
    ]

    operations = [
        migrations.RunSQL("DELETE FROM scenarios_dockingmeeting", migrations.RunSQL.noop),
        migrations.AddField(
            model_name="dockingmeeting",
            name="provider",
            field=models.ForeignKey(
                default=0,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="provider_meetings",
                to="marketplace.organization",
                verbose_name="场景提供方",
            ),
            preserve_default=False,
        ),
    ]
