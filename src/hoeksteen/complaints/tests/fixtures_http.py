"""Helpers for the HTTP tests of the complaint procedure.

Import `http_isolation` into a test module (it is autouse) and call the plain
helpers below; everything else comes from the personas.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.models import Complaint, ReviewQuestion
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.testing.factories import confirmed_totp, form_token_for

# The smallest file each accepted kind is recognised by.
PDF_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
_RECEIPT = re.compile(r"\b(\d{4} \d{4} \d{4} \d{4})\b")


@pytest.fixture(autouse=True)
def http_isolation(db: None, settings: Any, tmp_path: Path) -> Iterator[Path]:
    """A clean shared cache (rate limits), private files in a temporary
    directory, and a cheap receipt hash so guessing tests stay quick."""
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.RECEIPT_HASH_TIME_COST = 1
    settings.RECEIPT_HASH_MEMORY_KIB = 64
    yield settings.MEDIA_ROOT
    cache.clear()


def english() -> Client:
    """A client without an account, reading the site in English."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def client_for(user: User) -> Client:
    """A separate, signed-in client with a verified second factor, in English."""
    client = english()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or confirmed_totp(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def intake_url(slug: str = "acme") -> str:
    return f"/o/{slug}/klacht/nieuw/"


def case_url(complaint: Complaint) -> str:
    return f"/o/{complaint.organisation.slug}/klachten/{complaint.uid}/"


def step_url(complaint: Complaint, step: str) -> str:
    return f"{case_url(complaint)}stap/{step}/"


def form_token(client: Client, slug: str = "acme") -> str:
    """The one-time token of a freshly opened intake form."""
    response = client.get(intake_url(slug))
    assert response.status_code == 200
    match = _TOKEN.search(response.content.decode())
    assert match is not None, "the intake form carries no form_token"
    return match.group(1)


def intake_data(subject_vp: User, token: str | None, /, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subject_vp": subject_vp.pk,
        "category": "not_heard",
        "description": "Ik voelde me niet gehoord toen ik mijn melding deed.",
        "desired_outcome": "Een gesprek.",
        "vp_may_read_description": "on",
        "contact_email": "",
        "form_token": token,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def file_complaint(
    client: Client, subject_vp: User, /, slug: str = "acme", **overrides: Any
) -> HttpResponse:
    """Open the intake form and send it once."""
    token = form_token(client, slug)
    response: HttpResponse = client.post(
        intake_url(slug), intake_data(subject_vp, token, **overrides)
    )
    return response


def receipt_from(response: HttpResponse) -> str | None:
    """The receipt code shown on a page, as the 16 digits, or None."""
    match = _RECEIPT.search(response.content.decode())
    return match.group(1).replace(" ", "") if match else None


def post_step(
    client: Client, complaint: Complaint, step: str, /, token: str | None = None, **fields: Any
) -> HttpResponse:
    """POST a step's form, with the step's name as the prefix of every field,
    and a fresh one-time form token unless `token` is given."""
    data = {f"{step}-{name}": value for name, value in fields.items()}
    data["form_token"] = token or form_token_for(client)
    response: HttpResponse = client.post(step_url(complaint, step), data)
    assert response.status_code != 500
    return response


def pdf(name: str = "verslag.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def today() -> dt.date:
    # The local date: the form's date field speaks the organisation's time zone.
    return timezone.localdate()


def text(response: HttpResponse) -> str:
    return response.content.decode()


# --- a case in a given state, made through the actions -----------------------
# For tests of one page or one step; the walks go through the views only.


def complaint_by(complainant: User | None, subject_vp: User, **overrides: Any) -> Complaint:
    """A complaint filed by `complainant` (None: anonymously) about `subject_vp`."""
    values: dict[str, Any] = {
        "subject_vp_id": subject_vp.pk,
        "category": "not_heard",
        "description": "Ik voelde me niet gehoord toen ik mijn melding deed.",
        "desired_outcome": "Een gesprek.",
        "vp_may_read_description": False,
        "vp_may_know_identity": False,
        "language": "en",
    }
    values.update(overrides)
    organisation = Organisation.objects.get(slug="acme")
    return actions.complaint_submit(
        organisation=organisation,
        acting_user=complainant,
        anonymous=complainant is None,
        data=ComplaintInput(**values),
    ).complaint


def in_review(complaint: Complaint, handler: User) -> Complaint:
    """Acknowledged and under procedural review; the VP is not informed yet."""
    actor = Actor(user=handler)
    complaint = actions.complaint_acknowledge(complaint=complaint, actor=actor)
    return actions.complaint_start_review(complaint=complaint, actor=actor, reason="Licht.")


def informed(complaint: Complaint, handler: User) -> Complaint:
    """Under review, and the VP informed."""
    complaint = in_review(complaint, handler)
    return actions.complaint_inform_vp(complaint=complaint, actor=Actor(user=handler))


def decided(complaint: Complaint, handler: User, subject_vp: User) -> Complaint:
    """Decided after a review in which the VP responded and every question was answered."""
    complaint = informed(complaint, handler)
    actor = Actor(user=handler)
    actions.complaint_record_vp_response(
        complaint=complaint,
        actor=Actor(user=subject_vp),
        body="Mijn kant.",
        share_with_support=True,
    )
    for question in ReviewQuestion.values:
        actions.complaint_answer_review(
            complaint=complaint, actor=actor, question=question, answer="yes", evidence="Notities."
        )
    return actions.complaint_decide(
        complaint=complaint, actor=actor, decision="unfounded", reasons="Zorgvuldig gehandeld."
    )


def refreshed(complaint: Complaint) -> Complaint:
    return Complaint.objects.get(pk=complaint.pk)
