"""Several tick runners at once still send every message exactly once."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import pytest
from django.core import mail

from hoeksteen.organisations.models import Organisation
from hoeksteen.outbox.actions import outbox_enqueue
from hoeksteen.outbox.models import OutboxMessage, OutboxStatus
from hoeksteen.outbox.sending import drain_outbox
from hoeksteen.testing.threads import at_once, runners_database

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
MESSAGES = 50

pytestmark = pytest.mark.time_machine(NOW, tick=False)


@pytest.mark.django_db(transaction=True)
def test_it_sends_each_message_once_with_two_runners_at_once(
    acme: Organisation, tmp_path: Path
) -> None:
    for n in range(MESSAGES):
        outbox_enqueue(
            organisation=acme,
            key=f"reminder-{n}",
            to=f"vp{n}@example.invalid",
            subject=f"reminder-{n}",
            body="A term ends tomorrow.",
        )
    database = runners_database(tmp_path)

    counts = at_once(lambda: drain_outbox(now=NOW), runners=2, database=database)

    sends = collections.Counter(m.subject for m in mail.outbox)
    assert sends == {f"reminder-{n}": 1 for n in range(MESSAGES)}
    assert sum(counts) == MESSAGES
    states = at_once(
        lambda: collections.Counter(OutboxMessage.objects.values_list("status", "attempts")),
        runners=1,
        database=database,
    )
    assert states == [{(OutboxStatus.SENT, 1): MESSAGES}]
