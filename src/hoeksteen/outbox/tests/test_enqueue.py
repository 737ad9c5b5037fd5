"""outbox_enqueue queues a message once, in the caller's transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from hoeksteen.organisations.models import Organisation
from hoeksteen.outbox.actions import outbox_enqueue
from hoeksteen.outbox.models import OutboxMessage, OutboxStatus

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

pytestmark = pytest.mark.time_machine(NOW, tick=False)


class ChangeFailedError(Exception):
    pass


def enqueue(organisation: Organisation, key: str, **fields: object) -> OutboxMessage:
    values = {"to": "hr@example.invalid", "subject": "New complaint", "body": "A complaint."}
    return outbox_enqueue(organisation=organisation, key=key, **{**values, **fields})


def test_it_queues_a_message_due_now(acme: Organisation) -> None:
    message = enqueue(acme, "complaint-1-received")

    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)
    assert (message.created_at, message.next_attempt_at) == (NOW, NOW)
    assert message.organisation == acme


def test_it_queues_one_message_for_one_key(acme: Organisation) -> None:
    first = enqueue(acme, "complaint-1-reminder")
    second = enqueue(acme, "complaint-1-reminder", subject="Reminder, again")

    assert second.pk == first.pk
    assert list(OutboxMessage.objects.values_list("subject", flat=True)) == ["New complaint"]


# Transactional, so the change really rolls back (not to a savepoint).
@pytest.mark.django_db(transaction=True)
def test_it_queues_nothing_when_the_change_rolls_back(acme: Organisation) -> None:
    def change_then_fail() -> None:
        with transaction.atomic():
            enqueue(acme, "complaint-1-received")
            raise ChangeFailedError

    with pytest.raises(ChangeFailedError):
        change_then_fail()

    assert not OutboxMessage.objects.exists()
    # The key is free again for the change when it succeeds.
    assert enqueue(acme, "complaint-1-received").pk is not None
