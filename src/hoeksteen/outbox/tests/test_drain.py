"""drain_outbox sends what is due, once, and retries failures with backoff."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends import locmem

from hoeksteen.organisations.models import Organisation
from hoeksteen.outbox.actions import outbox_enqueue
from hoeksteen.outbox.models import OutboxMessage, OutboxStatus
from hoeksteen.outbox.sending import MAX_ATTEMPTS, backoff, drain_outbox

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

pytestmark = pytest.mark.time_machine(NOW, tick=False)


@pytest.fixture
def mail_server_down(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)


def enqueue(organisation: Organisation, key: str, **fields: object) -> OutboxMessage:
    return outbox_enqueue(
        organisation=organisation,
        key=key,
        to="hr@example.invalid",
        subject=f"Subject {key}",
        body="A complaint was filed.",
        **fields,
    )


def test_it_sends_each_due_message_once(acme: Organisation) -> None:
    messages = [enqueue(acme, f"m{n}") for n in range(3)]

    assert drain_outbox(now=NOW) == 3
    assert drain_outbox(now=NOW + dt.timedelta(days=1)) == 0

    assert sorted(m.subject for m in mail.outbox) == ["Subject m0", "Subject m1", "Subject m2"]
    sent = mail.outbox[0]
    assert (sent.to, sent.body) == (["hr@example.invalid"], "A complaint was filed.")
    assert sent.extra_headers["Message-ID"] == f"<outbox-{messages[0].pk}@hoeksteen>"
    for message in OutboxMessage.objects.all():
        assert (message.status, message.attempts, message.sent_at) == (OutboxStatus.SENT, 1, NOW)


def test_it_keeps_a_message_until_it_is_due(acme: Organisation) -> None:
    enqueue(acme, "later", send_after=NOW + dt.timedelta(hours=1))

    assert drain_outbox(now=NOW + dt.timedelta(minutes=59)) == 0
    assert mail.outbox == []
    assert drain_outbox(now=NOW + dt.timedelta(hours=1)) == 1
    assert [m.subject for m in mail.outbox] == ["Subject later"]


def test_it_sends_the_oldest_due_messages_first_within_the_limit(acme: Organisation) -> None:
    enqueue(acme, "second", send_after=NOW - dt.timedelta(minutes=1))
    enqueue(acme, "first", send_after=NOW - dt.timedelta(minutes=2))
    enqueue(acme, "third")

    assert drain_outbox(now=NOW, limit=2) == 2
    assert [m.subject for m in mail.outbox] == ["Subject first", "Subject second"]


@pytest.mark.usefixtures("mail_server_down")
def test_it_retries_a_failed_send_later_with_growing_backoff(acme: Organisation) -> None:
    message = enqueue(acme, "retry")

    assert drain_outbox(now=NOW) == 0
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert message.next_attempt_at == NOW + dt.timedelta(minutes=2)
    assert message.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

    # Not due again before its backoff is over.
    drain_outbox(now=NOW + dt.timedelta(minutes=1))
    message.refresh_from_db()
    assert message.attempts == 1

    drain_outbox(now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == NOW + dt.timedelta(minutes=2) + dt.timedelta(minutes=4)


def test_it_sends_a_message_once_the_server_is_back(
    acme: Organisation, monkeypatch: pytest.MonkeyPatch, mail_server_down: None
) -> None:
    enqueue(acme, "retry")
    drain_outbox(now=NOW)
    monkeypatch.undo()

    assert drain_outbox(now=NOW + dt.timedelta(minutes=2)) == 1

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts) == (OutboxStatus.SENT, 2)
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("mail_server_down")
def test_it_gives_up_after_max_attempts(acme: Organisation) -> None:
    message = enqueue(acme, "doomed")
    now = NOW
    for attempt in range(1, MAX_ATTEMPTS):
        drain_outbox(now=now)
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboxStatus.PENDING, attempt)
        assert message.next_attempt_at == now + backoff(attempt)
        now = message.next_attempt_at

    drain_outbox(now=now)

    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert drain_outbox(now=now + dt.timedelta(days=365)) == 0


def test_it_backs_off_exponentially_up_to_a_day() -> None:
    assert [backoff(n) for n in (1, 2, 3)] == [dt.timedelta(minutes=m) for m in (2, 4, 8)]
    assert backoff(20) == dt.timedelta(days=1)
