"""An unsent e-mail keeps its address encrypted, and no address once sent."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection

from hoeksteen.organisations.models import Organisation
from hoeksteen.outbox.actions import outbox_enqueue
from hoeksteen.outbox.models import OutboxMessage
from hoeksteen.outbox.sending import drain_outbox

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
ADDRESS = "anoniem.klager@example.invalid"
migration = importlib.import_module("hoeksteen.outbox.migrations.0003_outbox_recipient_encrypted")

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def _stored(message: OutboxMessage) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT recipient, "to" FROM outbox_outboxmessage WHERE id = %s', [message.pk]
        )
        recipient, to = cursor.fetchone()
    return recipient, to


def _queued(organisation: Organisation) -> OutboxMessage:
    return outbox_enqueue(
        organisation=organisation, key="notice", to=ADDRESS, subject="Ontvangen", body="Body"
    )


def test_the_address_of_an_unsent_message_is_stored_encrypted(acme: Organisation) -> None:
    message = _queued(acme)

    recipient, to = _stored(message)
    assert to == ""
    assert "klager" not in recipient
    assert "example" not in recipient
    assert OutboxMessage.objects.get(pk=message.pk).address == ADDRESS


def test_it_is_sent_to_that_address_and_then_forgotten(acme: Organisation) -> None:
    message = _queued(acme)

    assert drain_outbox(now=NOW) == 1

    assert mail.outbox[0].to == [ADDRESS]
    assert _stored(message) == ("", "")


def test_a_message_an_older_release_queued_in_clear_is_sent_too(acme: Organisation) -> None:
    message = _queued(acme)
    OutboxMessage.objects.filter(pk=message.pk).update(recipient="", to=ADDRESS)

    assert drain_outbox(now=NOW) == 1

    assert mail.outbox[0].to == [ADDRESS]
    assert _stored(message) == ("", "")


def test_the_migration_encrypts_the_addresses_of_unsent_messages(acme: Organisation) -> None:
    message = _queued(acme)
    OutboxMessage.objects.filter(pk=message.pk).update(recipient="", to=ADDRESS)

    migration.encrypt_addresses(apps, None)

    recipient, to = _stored(message)
    assert to == ""
    assert "klager" not in recipient
    assert OutboxMessage.objects.get(pk=message.pk).address == ADDRESS
    migration.decrypt_addresses(apps, None)
    assert _stored(message)[1] == ADDRESS
