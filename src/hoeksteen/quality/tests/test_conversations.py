"""Yearly quality conversations: planned by the tick, read by the coordinator
and that VP only, reminded of without content."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from hoeksteen.audit.models import AuditEntry
from hoeksteen.organisations.models import Organisation
from hoeksteen.outbox.models import OutboxMessage
from hoeksteen.people.models import Membership, User
from hoeksteen.quality import actions
from hoeksteen.quality.jobs import plan_and_remind_conversations
from hoeksteen.quality.models import AgreedAction, QualityConversation
from hoeksteen.testing.factories import form_token_for
from hoeksteen.testing.mail import queued_to

NEW_YEAR = dt.datetime(2026, 1, 2, 8, 0, tzinfo=dt.UTC)


def _conversation(organisation: Organisation, vp: User, **fields: object) -> QualityConversation:
    values: dict[str, object] = {
        "year": 2026,
        "scheduled_on": dt.date(2026, 3, 1),
        "created_at": NEW_YEAR,
        "updated_at": NEW_YEAR,
    }
    values.update(fields)
    return QualityConversation.objects.create(organisation=organisation, vp=vp, **values)


def test_it_plans_one_conversation_per_active_vp_and_reminds_once_per_key(
    acme: Organisation, subject_vp: User, other_vp: User, coordinator: User
) -> None:
    # Last year's conversation with subject_vp was on 10 January: this year's
    # goes on the same day, eight days ahead, so its first reminder is due.
    _conversation(
        acme, subject_vp, year=2025, scheduled_on=dt.date(2025, 1, 10), held_on=dt.date(2025, 1, 10)
    )
    first = plan_and_remind_conversations(NEW_YEAR)
    second = plan_and_remind_conversations(NEW_YEAR + dt.timedelta(minutes=5))
    this_year = QualityConversation.objects.filter(organisation=acme, year=2026)
    assert sorted(c.vp.username for c in this_year) == ["other_vp", "subject_vp"]
    planned = this_year.get(vp=subject_vp)
    assert planned.scheduled_on == dt.date(2026, 1, 10)
    assert this_year.get(vp=other_vp).scheduled_on == dt.date(2026, 1, 30)
    reminders = OutboxMessage.objects.filter(key__startswith="quality:conversation:")
    assert sorted(m.address for m in reminders) == sorted([subject_vp.email, coordinator.email])
    assert {m.key.split(":")[2] for m in reminders} == {"before"}
    assert first == 2 + 2
    assert second == 0
    assert AuditEntry.objects.filter(action="quality.conversation.planned").count() == 2


def test_it_reminds_on_the_day_and_once_when_overdue_without_content(
    acme: Organisation, subject_vp: User, coordinator: User
) -> None:
    conversation = _conversation(
        acme, subject_vp, scheduled_on=dt.date(2026, 3, 1), dilemmas="Geheim dilemma"
    )
    # February 2026 has 28 days: the 15th is 14 days before 1 March.
    for day, expected in [(10, 0), (14, 0), (15, 1), (20, 1), (28, 1)]:
        plan_and_remind_conversations(dt.datetime(2026, 2, day, 9, tzinfo=dt.UTC))
        assert queued_to(subject_vp.email).count() == expected, day
    plan_and_remind_conversations(dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC))
    plan_and_remind_conversations(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    plan_and_remind_conversations(dt.datetime(2026, 4, 2, 9, tzinfo=dt.UTC))
    to_vp = queued_to(subject_vp.email)
    assert [m.key.split(":")[2] for m in to_vp.order_by("id")] == ["before", "due", "overdue"]
    for message in OutboxMessage.objects.all():
        assert "Geheim" not in message.body
        assert subject_vp.last_name not in message.body
        assert f"/o/acme/kwaliteit/gesprekken/{conversation.pk}/" in message.body


def test_it_plans_nothing_for_an_inactive_vp(acme: Organisation, subject_vp: User) -> None:
    Membership.objects.filter(organisation=acme, user=subject_vp).update(is_active=False)
    assert plan_and_remind_conversations(NEW_YEAR) == 0
    assert not QualityConversation.objects.exists()


def test_it_shows_the_report_to_the_coordinator_and_that_vp_only(
    login_as: Callable[[User], Client],
    acme: Organisation,
    subject_vp: User,
    other_vp: User,
    coordinator: User,
    hr_handler: User,
) -> None:
    conversation = _conversation(acme, subject_vp, dilemmas="Een dilemma over rolgrenzen")
    url = f"/o/acme/kwaliteit/gesprekken/{conversation.pk}/"
    assert "Een dilemma over rolgrenzen" in login_as(coordinator).get(url).content.decode()
    assert "Een dilemma over rolgrenzen" in login_as(subject_vp).get(url).content.decode()
    assert login_as(other_vp).get(url).status_code == 404
    assert login_as(hr_handler).get(url).status_code == 404
    listing = login_as(other_vp).get("/o/acme/kwaliteit/gesprekken/").content.decode()
    assert url not in listing
    assert (
        AuditEntry.objects.filter(
            action="quality.conversation.viewed", object_id=str(conversation.pk)
        ).count()
        == 2
    )


def test_it_keeps_another_organisations_coordinator_out(
    login_as: Callable[[User], Client], acme: Organisation, subject_vp: User, outsider: User
) -> None:
    conversation = _conversation(acme, subject_vp)
    client = login_as(outsider)
    assert client.get(f"/o/acme/kwaliteit/gesprekken/{conversation.pk}/").status_code == 404
    assert client.get(f"/o/other/kwaliteit/gesprekken/{conversation.pk}/").status_code == 404


@time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False)
def test_it_lets_the_coordinator_record_it_and_the_owner_finish_an_agreed_action(
    login_as: Callable[[User], Client], acme: Organisation, subject_vp: User, coordinator: User
) -> None:
    conversation = _conversation(acme, subject_vp)
    url = f"/o/acme/kwaliteit/gesprekken/{conversation.pk}/"
    client = login_as(coordinator)
    response = client.post(
        url,
        {
            "record-scheduled_on": "2026-03-01",
            "record-held_on": "2026-03-01",
            "record-reachability": "Goed bereikbaar, ook 's avonds.",
            "record-dilemmas": "Wanneer doorverwijzen?",
        },
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.held_on == dt.date(2026, 3, 1)
    assert conversation.reachability == "Goed bereikbaar, ook 's avonds."
    response = client.post(
        url + "afspraak/",
        {
            "agree-description": "Folder vernieuwen",
            "agree-owner": subject_vp.pk,
            "agree-due_on": "2026-05-01",
            "form_token": form_token_for(client),
        },
    )
    assert response.status_code == 302
    action = AgreedAction.objects.get(conversation=conversation)
    vp_client = login_as(subject_vp)
    assert vp_client.post(url, {"record-scheduled_on": "2026-03-01"}).status_code == 400
    assert vp_client.post(f"/o/acme/kwaliteit/afspraken/{action.pk}/klaar/").status_code == 302
    action.refresh_from_db()
    assert action.done_on == dt.date(2026, 3, 2)


def test_it_refuses_a_conversation_held_in_the_future(
    acme: Organisation, subject_vp: User, coordinator: User
) -> None:
    conversation = _conversation(acme, subject_vp)
    with pytest.raises(actions.QualityError):
        actions.conversation_record(
            conversation=conversation,
            acting_user=coordinator,
            data=actions.ConversationInput(
                scheduled_on=dt.date(2026, 3, 1), held_on=dt.date(2026, 3, 3)
            ),
            now=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
        )


def test_it_lets_the_coordinator_plan_new_vps_now(
    login_as: Callable[[User], Client], acme: Organisation, subject_vp: User, coordinator: User
) -> None:
    client = login_as(coordinator)
    assert client.post("/o/acme/kwaliteit/gesprekken/plannen/").status_code == 302
    assert client.post("/o/acme/kwaliteit/gesprekken/plannen/").status_code == 302
    assert QualityConversation.objects.filter(organisation=acme, vp=subject_vp).count() == 1
    assert login_as(subject_vp).post("/o/acme/kwaliteit/gesprekken/plannen/").status_code == 404
