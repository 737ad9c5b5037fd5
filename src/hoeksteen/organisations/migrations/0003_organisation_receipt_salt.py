import secrets

from django.db import migrations, models

import hoeksteen.organisations.models


def salt_each_organisation(apps, schema_editor):
    # A callable default is evaluated once for all existing rows; every
    # organisation needs a salt of its own.
    Organisation = apps.get_model("organisations", "Organisation")
    for organisation in Organisation.objects.all():
        organisation.receipt_salt = secrets.token_hex(16)
        organisation.save(update_fields=["receipt_salt"])


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="receipt_salt",
            field=models.CharField(default="", editable=False, max_length=32),
        ),
        migrations.RunPython(salt_each_organisation, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="organisation",
            name="receipt_salt",
            field=models.CharField(
                default=hoeksteen.organisations.models._new_receipt_salt,
                editable=False,
                max_length=32,
            ),
        ),
    ]
