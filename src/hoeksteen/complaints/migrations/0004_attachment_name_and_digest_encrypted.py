"""Attachments' names and digests encrypted at rest (expand).

The new fields are added and the names and digests of existing documents are
moved into them, encrypted; the clear columns are emptied and no longer
written. While the previous release still serves during the upgrade it shows
the documents' names empty; its downloads still work. A later release drops
`original_name` and `sha256` (after moving anything written beside it).
"""

from typing import Any

import hoeksteen.privacy.fields
from django.db import migrations, models

BATCH = 500


def encrypt_names(apps: Any, schema_editor: Any) -> None:
    Attachment = apps.get_model("complaints", "Attachment")
    in_clear = Attachment.objects.exclude(original_name="", sha256="").order_by("pk")
    last = 0
    while batch := list(in_clear.filter(pk__gt=last)[:BATCH]):
        for attachment in batch:
            attachment.name = attachment.name or attachment.original_name
            attachment.digest = attachment.digest or attachment.sha256
            attachment.original_name = attachment.sha256 = ""
        Attachment.objects.bulk_update(batch, ["name", "digest", "original_name", "sha256"])
        last = batch[-1].pk


def decrypt_names(apps: Any, schema_editor: Any) -> None:
    Attachment = apps.get_model("complaints", "Attachment")
    for attachment in Attachment.objects.filter(original_name="").iterator(chunk_size=BATCH):
        attachment.original_name = attachment.name[:200]
        attachment.sha256 = attachment.digest
        attachment.save(update_fields=["original_name", "sha256"])


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0003_alter_attachment_file_and_more'),
    ]

    operations = [
        migrations.AddField(
            model_name='attachment',
            name='digest',
            field=hoeksteen.privacy.fields.EncryptedTextField(blank=True, db_default=''),
        ),
        migrations.AddField(
            model_name='attachment',
            name='name',
            field=hoeksteen.privacy.fields.EncryptedTextField(blank=True, db_default=''),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='original_name',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name='attachment',
            name='sha256',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(encrypt_names, decrypt_names, elidable=True),
    ]
