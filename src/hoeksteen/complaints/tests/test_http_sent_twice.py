"""A step's form sent twice (a double click, a resent form) adds its row once,
and the second sending is shown the first one's result, calmly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Model

from hoeksteen.complaints.models import (
    Attachment,
    Complaint,
    Extension,
    Hearing,
    Message,
    RecoveryMeasure,
    VPResponse,
)
from hoeksteen.complaints.tests.fixtures_http import (  # noqa: F401 (autouse fixture)
    case_url,
    client_for,
    complaint_by,
    decided,
    http_isolation,
    in_review,
    informed,
    pdf,
    post_step,
    refreshed,
    text,
    today,
)
from hoeksteen.people.models import User
from hoeksteen.testing.factories import form_token_for

ALREADY_SENT = "This form was already sent, and it was saved once."
NOT_SENT = "This form could not be sent"


def _received(complainant: User, subject_vp: User, handler: User) -> Complaint:
    return complaint_by(complainant, subject_vp)


def _in_review(complainant: User, subject_vp: User, handler: User) -> Complaint:
    return in_review(complaint_by(complainant, subject_vp), handler)


def _informed(complainant: User, subject_vp: User, handler: User) -> Complaint:
    return informed(complaint_by(complainant, subject_vp), handler)


def _decided(complainant: User, subject_vp: User, handler: User) -> Complaint:
    return decided(complaint_by(complainant, subject_vp), handler, subject_vp)


# step, who sends it, the case it is sent on, its fields, the rows it adds.
ADDING_STEPS: list[tuple[str, str, Callable[..., Complaint], dict[str, Any], type[Model]]] = [
    ("message", "handler", _received, {"body": "Wanneer kunnen we praten?"}, Message),
    ("message", "complainant", _received, {"body": "Ik heb nog een vraag."}, Message),
    ("document", "complainant", _received, {"document": "pdf"}, Attachment),
    (
        "hearing",
        "handler",
        _in_review,
        {"party": "complainant", "held_on": "today", "present": "", "record": "Gesprek."},
        Hearing,
    ),
    (
        "respond",
        "subject_vp",
        _informed,
        {"body": "Mijn kant.", "share_with_support": ""},
        VPResponse,
    ),
    ("extend", "handler", _in_review, {"days": 7, "reason": "Drukte."}, Extension),
    (
        "measure",
        "handler",
        _decided,
        {"kind": "follow_up", "description": "Gesprek.", "owner": "HR", "due_on": "today"},
        RecoveryMeasure,
    ),
]


def _fields(fields: dict[str, Any]) -> dict[str, Any]:
    made = {"pdf": pdf, "today": today}
    return {k: made[v]() if isinstance(v, str) and v in made else v for k, v in fields.items()}


@pytest.mark.parametrize(
    ("step", "who", "case", "fields", "model"),
    ADDING_STEPS,
    ids=[f"{s[0]}-by-{s[1]}" for s in ADDING_STEPS],
)
def test_it_adds_one_row_when_a_step_is_sent_twice(
    step: str,
    who: str,
    case: Callable[..., Complaint],
    fields: dict[str, Any],
    model: type[Model],
    complainant: User,
    subject_vp: User,
    hr_handler: User,
) -> None:
    complaint = case(complainant, subject_vp, hr_handler)
    people = {"handler": hr_handler, "complainant": complainant, "subject_vp": subject_vp}
    client = client_for(people[who])
    token = form_token_for(client)
    before = model._default_manager.count()

    first = post_step(client, complaint, step, token, **_fields(fields))
    second = post_step(client, complaint, step, token, **_fields(fields))

    assert first.status_code == 302, text(first)
    assert second.status_code == 302
    assert second["Location"] == first["Location"] == case_url(complaint)
    assert model._default_manager.count() == before + 1
    shown = client.get(second["Location"])
    assert ALREADY_SENT in text(shown)


def test_it_extends_the_term_once_when_the_extension_is_sent_twice(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = _in_review(complainant, subject_vp, hr_handler)
    handler = client_for(hr_handler)
    token = form_token_for(handler)
    due = refreshed(complaint).decision_due_at

    for _ in range(2):
        post_step(handler, complaint, "extend", token, days=7, reason="Drukte.")

    due_after = refreshed(complaint).decision_due_at
    assert due is not None
    assert due_after is not None
    assert (due_after - due).days == 7


def test_it_takes_the_same_step_again_with_a_new_form(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = complaint_by(complainant, subject_vp)
    handler = client_for(hr_handler)

    for body in ("Eerste vraag.", "Tweede vraag."):
        assert post_step(handler, complaint, "message", body=body).status_code == 302

    assert Message.objects.filter(complaint=complaint).count() == 2


def test_it_lets_a_refused_step_be_sent_again_with_the_same_token(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = _in_review(complainant, subject_vp, hr_handler)
    handler = client_for(hr_handler)
    token = form_token_for(handler)

    # Longer than the regulation allows without the complainant's consent.
    refused = post_step(handler, complaint, "extend", token, days=300, reason="Drukte.")
    assert refused.status_code == 400
    assert not Extension.objects.exists()

    assert (
        post_step(handler, complaint, "extend", token, days=7, reason="Drukte.").status_code == 302
    )
    assert Extension.objects.count() == 1


@pytest.mark.parametrize("token", ["", "not-a-token", "forged:1a2b3c:d4e5f6"])
def test_it_refuses_a_step_without_a_token_of_this_session(
    token: str, complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = complaint_by(complainant, subject_vp)
    handler = client_for(hr_handler)
    data = {"message-body": "Wanneer kunnen we praten?", "form_token": token}

    response = handler.post(f"{case_url(complaint)}stap/message/", data)

    assert response.status_code == 400
    assert NOT_SENT in text(response)
    assert "Wanneer kunnen we praten?" in text(response)
    assert not Message.objects.exists()


def test_it_refuses_a_token_another_person_was_given(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = complaint_by(complainant, subject_vp)
    theirs = form_token_for(client_for(complainant))

    response = post_step(client_for(hr_handler), complaint, "message", theirs, body="Hallo.")

    assert response.status_code == 400
    assert not Message.objects.exists()


def test_it_answers_a_second_withdrawal_with_the_first_ones_result(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    complaint = complaint_by(complainant, subject_vp)
    client = client_for(complainant)
    token = form_token_for(client)

    first = post_step(client, complaint, "withdraw", token, reason="", confirm="on")
    second = post_step(client, complaint, "withdraw", token, reason="", confirm="on")

    assert first.status_code == second.status_code == 302
    assert refreshed(complaint).state == "withdrawn"
    assert ALREADY_SENT in text(client.get(second["Location"]))
