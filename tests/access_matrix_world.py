"""One world for the access matrix (tests/test_access_matrix.py).

Organisation acme with:
  C  - a complaint by `complainant` about `subject_vp`, in INVESTIGATION, the VP
       informed; the first handler declared a conflict and handed it on; a
       committee member investigates; the VP named `supporter`; an
       acknowledgment letter and a document added by the handler.
  A  - an anonymous complaint about `subject_vp`, under review, VP informed,
       with `supporter_other` named; its receipt is held by `anon_receipt`.
  B  - another anonymous complaint; its (valid) receipt is held by
       `anon_wrong_receipt`, who then tries the pages of A.
  D  - a complaint about `subject_vp` under review, the VP NOT informed yet
       (`subject_vp_before` tries its pages).
  a melding held by `subject_vp` with a consent, a second melding handed over
  temporarily to `other_vp`, a quality conversation with an agreed action, a
  training record and a draft qualitative signal of `subject_vp`.
Organisation "other" with `outsider`, its coordinator.

Every actor is a cookie string (a session) plus the URL parameters it is
checked with: most use complaint C, a few use A or D as said above.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from http.cookies import SimpleCookie
from typing import Any

from django.test import Client
from django.utils import timezone

from hoeksteen.complaints import actions
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.actions.intake import ComplaintInput
from hoeksteen.complaints.models import Attachment, Complaint, Letter
from hoeksteen.complaints.models.exchange import LetterKind
from hoeksteen.complaints.tests.fixtures_http import client_for, pdf
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice import actions as practice
from hoeksteen.practice.models import MeldingCategory
from hoeksteen.quality import actions as quality
from hoeksteen.signals import actions as signals
from hoeksteen.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    team_with,
)


@dataclasses.dataclass
class World:
    """Per actor: the session cookies and the URL parameters to use."""

    cookies: dict[str, str]
    params: dict[str, dict[str, Any]]

    def client(self, actor: str) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        jar: SimpleCookie = SimpleCookie()
        jar.load(self.cookies[actor])
        client.cookies = jar
        return client


def _member(organisation: Organisation, username: str, **traits: bool) -> User:
    user = UserFactory(username=username)
    MembershipFactory(organisation=organisation, user=user, **traits)
    return user


def _submit(organisation: Organisation, complainant: User | None, subject_vp: User) -> Any:
    return actions.complaint_submit(
        organisation=organisation,
        acting_user=complainant,
        anonymous=complainant is None,
        data=ComplaintInput(
            subject_vp_id=subject_vp.pk,
            category="not_heard",
            description="Ik voelde me niet gehoord toen ik mijn melding deed.",
            desired_outcome="Een gesprek.",
            vp_may_read_description=True,
            vp_may_know_identity=False,
            language="en",
        ),
    )


def _cookies(client: Client) -> str:
    return client.cookies.output(header="", sep=";").strip()


def _with_receipt(slug: str, code: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(f"/o/{slug}/mijn-klacht/", {"code": code})
    assert response.status_code == 302, response.status_code
    return _cookies(client)


def _ack_letter(complaint: Complaint) -> Letter:
    letter = Letter.objects.filter(complaint=complaint, kind=LetterKind.ACKNOWLEDGMENT).first()
    assert letter is not None
    return letter


def build_world() -> World:
    acme = OrganisationFactory(name="Acme", slug="acme")
    other = OrganisationFactory(name="Other", slug="other")
    # The conflicted handler first: routing takes the lowest id among the idle.
    conflicted_handler = _member(acme, "conflicted_handler", hr=True)
    handler = _member(acme, "hr_handler", hr=True)
    _member(acme, "management", management=True)
    complainant = _member(acme, "complainant")
    employee = _member(acme, "employee")
    subject_vp = _member(acme, "subject_vp", internal_vp=True)
    colleague_vp = _member(acme, "colleague_vp", internal_vp=True)
    team_with(acme, subject_vp, colleague_vp, name="North")
    other_vp = _member(acme, "other_vp", external_vp=True)
    committee = _member(acme, "committee", committee=True)
    committee_other = _member(acme, "committee_other", committee=True)
    coordinator = _member(acme, "coordinator", coordinator=True)
    supporter = _member(acme, "supporter", support=True)
    supporter_other = _member(acme, "supporter_other", support=True)
    outsider = _member(other, "outsider", coordinator=True)

    # C: the case the matrix is about.
    c = _submit(acme, complainant, subject_vp).complaint
    assert c.handler_id == conflicted_handler.pk, "routing changed: pick the conflicted handler"
    c = actions.complaint_declare_conflict(
        complaint=c, actor=Actor(user=conflicted_handler), reason="Mijn zwager."
    )
    assert c.handler_id == handler.pk
    by_handler = Actor(user=handler)
    c = actions.complaint_acknowledge(complaint=c, actor=by_handler)
    c = actions.complaint_start_investigation(
        complaint=c, actor=by_handler, reason="Ernstig.", investigator_id=committee.pk
    )
    c = actions.complaint_inform_vp(complaint=c, actor=by_handler)
    c_doc = actions.attachment_add(complaint=c, actor=by_handler, upload=pdf())
    actions.complaint_name_supporter(
        complaint=c,
        actor=Actor(user=subject_vp),
        supporter_id=supporter.pk,
        kind="colleague",
        shares_complaint=True,
    )

    # A: anonymous, informed, another support person; B: anonymous, its receipt is "wrong".
    submitted_a = _submit(acme, None, subject_vp)
    a = submitted_a.complaint
    a_handler = Actor(user=a.handler)
    a = actions.complaint_acknowledge(complaint=a, actor=a_handler)
    a = actions.complaint_start_review(complaint=a, actor=a_handler, reason="Licht.")
    a = actions.complaint_inform_vp(complaint=a, actor=a_handler)
    a_doc = actions.attachment_add(complaint=a, actor=a_handler, upload=pdf())
    actions.complaint_name_supporter(
        complaint=a,
        actor=Actor(user=subject_vp),
        supporter_id=supporter_other.pk,
        kind="colleague",
        shares_complaint=True,
    )
    submitted_b = _submit(acme, None, subject_vp)

    # D: under review, the VP not informed yet.
    d = _submit(acme, employee, subject_vp).complaint
    d_handler = Actor(user=d.handler)
    d = actions.complaint_acknowledge(complaint=d, actor=d_handler)
    d = actions.complaint_start_review(complaint=d, actor=d_handler, reason="Licht.")
    d_doc = actions.attachment_add(complaint=d, actor=d_handler, upload=pdf())

    # The VP's practice.
    category = MeldingCategory.objects.filter(organisation=acme).first()
    assert category is not None

    def melding(notes: str) -> Any:
        return practice.melding_register(
            organisation=acme,
            actor=subject_vp,
            data=practice.MeldingInput(
                first_contact_on=dt.date(2026, 3, 2),
                category_id=category.pk,
                contact_kind="in_person",
                melder_reference="J.",
                notes=notes,
                role_explained=True,
            ),
        )

    held = melding("Zorgen over een leidinggevende.")
    consent = practice.consent_record(
        melding=held, actor=subject_vp, recipient="hr", form=2, scope="De feiten, zonder naam."
    )
    handed = melding("Een tweede melding.")
    handover = practice.handover_start(
        melding=handed,
        actor=subject_vp,
        successor_id=other_vp.pk,
        kind="temporary",
        note="Tijdens de klacht over mij.",
    )

    # Quality and signals.
    now = timezone.now()
    conversation, _ = quality.conversation_plan(
        organisation=acme, vp=subject_vp, now=now, acting_user=coordinator
    )
    agreed = quality.agreed_action_add(
        conversation=conversation,
        acting_user=coordinator,
        description="Intervisie plannen.",
        owner_id=subject_vp.pk,
        due_on=timezone.localdate() + dt.timedelta(days=30),
    )
    training = quality.training_record_add(
        organisation=acme,
        acting_user=subject_vp,
        data=quality.TrainingInput(
            kind="training",
            hours=Decimal("2"),
            attended_on=timezone.localdate(),
            description="Gespreksvaardigheden.",
        ),
    )
    signal = signals.qualitative_signal_write(
        organisation=acme,
        author=subject_vp,
        data=signals.SignalInput(year=timezone.localdate().year, period="year", text="Werkdruk."),
    )

    def case(complaint: Complaint, document: Attachment) -> dict[str, Any]:
        return {
            "uid": str(complaint.uid),
            "letter_id": _ack_letter(complaint).pk,
            "document_id": document.pk,
        }

    base: dict[str, Any] = {
        "slug": "acme",
        **case(c, c_doc),
        "consent_id": consent.pk,
        "handover_id": handover.pk,
        # <pk> means a different object on each page: keyed by URL name.
        "pk": {
            "practice:melding": held.pk,
            "practice:step": held.pk,
            "practice:consent_letter": held.pk,
            "quality:conversation": conversation.pk,
            "quality:action_add": conversation.pk,
            "quality:action_done": agreed.pk,
            "quality:training_record": training.pk,
            "quality:training_record_remove": training.pk,
            "signals:signal": signal.pk,
            "signals:release": signal.pk,
        },
        # <step>: one that exists, so a refusal is about access, not a typo.
        "step": {"complaints:step": "document", "practice:step": "edit"},
    }
    signed_in = {
        "employee": employee,
        "complainant": complainant,
        "subject_vp": subject_vp,
        "subject_vp_before": subject_vp,
        "colleague_vp": colleague_vp,
        "other_vp": other_vp,
        "handler": handler,
        "conflicted_handler": conflicted_handler,
        "committee": committee,
        "committee_other": committee_other,
        "coordinator": coordinator,
        "supporter": supporter,
        "supporter_other": supporter_other,
        "outsider": outsider,
    }
    cookies = {"anonymous": ""}
    cookies |= {name: _cookies(client_for(user)) for name, user in signed_in.items()}
    assert submitted_a.receipt
    assert submitted_b.receipt
    cookies["anon_receipt"] = _with_receipt("acme", submitted_a.receipt)
    cookies["anon_wrong_receipt"] = _with_receipt("acme", submitted_b.receipt)

    params = {actor: dict(base) for actor in cookies}
    params["anon_receipt"] |= case(a, a_doc)
    params["anon_wrong_receipt"] |= case(a, a_doc)
    params["subject_vp_before"] |= case(d, d_doc)
    return World(cookies=cookies, params=params)
