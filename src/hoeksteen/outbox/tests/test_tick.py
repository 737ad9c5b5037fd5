"""The tick runs every registered job; the outbox's sends due mail."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from hoeksteen.organisations.models import Organisation
from hoeksteen.outbox.actions import outbox_enqueue
from hoeksteen.outbox.tick import run_tick

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)

pytestmark = pytest.mark.time_machine(NOW, tick=False)


def tick() -> str:
    out = io.StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


def test_it_sends_due_mail_from_the_tick_command(acme: Organisation) -> None:
    outbox_enqueue(organisation=acme, key="k1", to="hr@example.invalid", subject="Due", body="Now.")
    outbox_enqueue(
        organisation=acme,
        key="k2",
        to="hr@example.invalid",
        subject="Tomorrow",
        body="Later.",
        send_after=NOW + dt.timedelta(days=1),
    )

    assert "outbox.send: 1" in tick()
    assert "outbox.send: 0" in tick()
    assert [m.subject for m in mail.outbox] == ["Due"]


def test_it_reports_what_each_job_did(acme: Organisation) -> None:
    outbox_enqueue(organisation=acme, key="k1", to="hr@example.invalid", subject="S", body="B")

    assert run_tick(now=NOW)["outbox.send"] == 1
