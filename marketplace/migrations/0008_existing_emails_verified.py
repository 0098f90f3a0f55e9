"""Accounts made before self-registration were set up by the link office, which vouched for their e-mail
addresses: they are verified, so that those people log in at /accounts/login/ without a second check."""

from django.db import migrations


def verify_existing(apps, schema_editor):
    User = apps.get_model("auth", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    owner = {e.lower(): uid for uid, e in EmailAddress.objects.values_list("user_id", "email")}
    rows = []
    for user_id, email in User.objects.exclude(email="").order_by("pk").values_list("pk", "email"):
        found = owner.get(email.lower())
        if found == user_id:  # already recorded (e.g. a verification asked for on a login): it is verified
            EmailAddress.objects.filter(user_id=user_id, email__iexact=email).update(verified=True, primary=True)
        elif found is None:
            owner[email.lower()] = user_id
            rows.append(EmailAddress(user_id=user_id, email=email, verified=True, primary=True))
        # another account holds the address: one address, one account
    EmailAddress.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0007_organization_verification"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(verify_existing, migrations.RunPython.noop)]
