"""Unsent e-mails keep their address encrypted (expand).

`recipient` is added and the addresses of messages not yet sent move into it,
encrypted; `to` is emptied and no longer written. A message the previous
release queues while this one is being rolled out still has its address in
`to`, and is sent to it (`OutboxMessage.address`). A later release drops `to`.
"""

from typing import Any

import hoeksteen.privacy.fields
from django.db import migrations

BATCH = 500


def encrypt_addresses(apps: Any, schema_editor: Any) -> None:
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    in_clear = OutboxMessage.objects.exclude(to="").order_by("pk")
    last = 0
    while batch := list(in_clear.filter(pk__gt=last)[:BATCH]):
        for message in batch:
            message.recipient, message.to = message.to, ""
        OutboxMessage.objects.bulk_update(batch, ["recipient", "to"])
        last = batch[-1].pk


def decrypt_addresses(apps: Any, schema_editor: Any) -> None:
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    for message in OutboxMessage.objects.filter(to="").exclude(recipient="").iterator():
        message.to = message.recipient
        message.save(update_fields=["to"])


class Migration(migrations.Migration):

    dependencies = [
        ('outbox', '0002_alter_outboxmessage_body_alter_outboxmessage_to'),
    ]

    operations = [
        migrations.AddField(
            model_name='outboxmessage',
            name='recipient',
            field=hoeksteen.privacy.fields.EncryptedTextField(blank=True, db_default='', verbose_name='to'),
        ),
        migrations.RunPython(encrypt_addresses, decrypt_addresses, elidable=True),
    ]
