from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import time_machine
from django.db.models import QuerySet

from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.reminders import queue_term_reminders
from hoeksteen.organisations.models import Organisation
from hoeksteen.outbox.models import OutboxMessage
from hoeksteen.people.models import User
from hoeksteen.testing.mail import queued_to

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_it_reminds_the_handler_before_on_and_after_the_acknowledgment_term_once_each(
    acme: Organisation,
    complainant: User,
    subject_vp: User,
    hr_handler: User,
    complaint_about: Callable[..., ComplaintInput],
) -> None:
    with time_machine.travel(START, tick=False):
        actions.complaint_submit(
            organisation=acme, acting_user=complainant, anonymous=False, data=complaint_about()
        )

    def reminders() -> QuerySet[OutboxMessage]:
        return queued_to(hr_handler.email).filter(key__startswith="reminder:")

    # The acknowledgment term (7 days) ends on 9 March, end of day.
    for day, expected in [(3, 0), (7, 1), (7, 1), (9, 2), (10, 3), (12, 3)]:
        queue_term_reminders(now=START.replace(day=day))
        assert reminders().count() == expected, day
    assert {m.key.split(":")[2] for m in reminders()} == {"before", "due", "overdue"}
    assert subject_vp.last_name not in reminders().first().body  # type: ignore[union-attr]
