"""The whole procedure through the pages only, as the people in it click it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from hoeksteen.complaints.models import (
    Complaint,
    Hearing,
    Letter,
    RecoveryMeasure,
    ReviewAnswer,
    ReviewQuestion,
    VPResponse,
)
from hoeksteen.complaints.tests.fixtures_http import (  # noqa: F401 (autouse fixture)
    case_url,
    client_for,
    file_complaint,
    http_isolation,
    post_step,
    refreshed,
    text,
    today,
)
from hoeksteen.people.models import User


class Walk:
    """One case and the people clicking through it; every page they can open
    is opened after every step, so a 500 anywhere shows up at once."""

    def __init__(self, complaint: Complaint, **people: Client) -> None:
        self.complaint = complaint
        self.people = people

    def offered(self, who: str, step: str) -> bool:
        response = self.people[who].get(case_url(self.complaint))
        assert response.status_code == 200
        # Marking a measure done is a small form inside the measures table.
        marker = 'name="measure-done-measure"' if step == "measure-done" else f'id="step-{step}"'
        return marker in text(response)

    def take(self, who: str, step: str, *, expect: int = 302, **fields: Any) -> Complaint:
        if expect == 302:
            assert self.offered(who, step), f"{who} is not offered {step}"
        response = post_step(self.people[who], self.complaint, step, **fields)
        assert response.status_code == expect, text(response)
        self.look()
        self.complaint = refreshed(self.complaint)
        return self.complaint

    def look(self) -> None:
        complaint = refreshed(self.complaint)
        for name, client in self.people.items():
            page = client.get(case_url(complaint))
            expected = 404 if name == "vp" and complaint.vp_informed_at is None else 200
            assert page.status_code == expected, (name, page.status_code)
            assert client.get("/o/acme/klachten/").status_code == 200

    def read_letters(self) -> None:
        """Every letter, by everyone: a PDF for its readers, 404 for the rest."""
        for client in self.people.values():
            for letter in Letter.objects.filter(complaint=self.complaint):
                url = f"{case_url(self.complaint)}brief/{letter.pk}/"
                assert client.get(url).status_code in (200, 404)


def test_it_walks_the_informal_route_and_then_a_review_to_closure(
    complainant: User, subject_vp: User, hr_handler: User
) -> None:
    me = client_for(complainant)
    filed = file_complaint(me, subject_vp, category="not_heard")
    assert filed.status_code == 302
    walk = Walk(
        Complaint.objects.get(),
        me=me,
        handler=client_for(hr_handler),
        vp=client_for(subject_vp),
    )
    walk.look()
    assert walk.complaint.state == "received"
    assert walk.complaint.handler == hr_handler

    c = walk.take("handler", "acknowledge")
    assert c.state == "acknowledged"
    assert c.acknowledged_at is not None
    assert Letter.objects.filter(complaint=c, kind="acknowledgment").count() == 1

    c = walk.take("handler", "informal", reason="Een gesprek met de VP lijkt genoeg.")
    assert c.state == "informal"

    c = walk.take("handler", "close-informal", reason="Gesprek gevoerd; niet opgelost.")
    assert (c.state, c.closure) == ("closed", "informal")
    assert not walk.offered("handler", "review")

    c = walk.take("me", "request-formal")
    assert (c.state, c.closure, c.closed_at) == ("acknowledged", "", None)

    c = walk.take("handler", "review", reason="Een misverstand; een toets volstaat.")
    assert (c.state, c.track) == ("review", "review")

    c = walk.take("handler", "inform-vp", confirm="on")
    assert c.vp_informed_at is not None
    assert Letter.objects.filter(complaint=c, kind="vp_informed", recipient_party="vp").exists()

    c = walk.take("vp", "respond", body="Zo heb ik het gesprek beleefd.", share_with_support="on")
    assert c.vp_heard_at is not None
    assert VPResponse.objects.get(complaint=c).shared_with_support is True

    walk.take("handler", "decide", expect=400, decision="founded", reasons="Te vroeg.")
    assert refreshed(c).state == "review"
    for question in ReviewQuestion.values:
        walk.take("handler", "review-answer", question=question, answer="yes", evidence="Notities.")
    assert ReviewAnswer.objects.filter(complaint=c).count() == len(ReviewQuestion.values)

    c = walk.take("handler", "decide", decision="partly_founded", reasons="Deels terecht.")
    assert (c.state, c.decision) == ("decided", "partly_founded")
    assert Letter.objects.filter(complaint=c, kind="decision").count() == 2

    due = (today() + dt.timedelta(days=14)).isoformat()
    walk.take(
        "handler", "measure", kind="follow_up", description="Nagesprek.", owner="HR", due_on=due
    )
    measure = RecoveryMeasure.objects.get(complaint=c)
    walk.take("handler", "close", expect=400, lessons="Rolduidelijkheid.")
    assert refreshed(c).state == "decided"

    assert 'name="measure-done-measure"' in text(walk.people["handler"].get(case_url(c)))
    walk.take("handler", "measure-done", measure=measure.pk, note="Goed gesprek.")
    measure.refresh_from_db()
    assert measure.done_at is not None

    c = walk.take("handler", "close", lessons="Rolduidelijkheid en verwachtingen.")
    assert (c.state, c.closure) == ("closed", "decided")
    walk.read_letters()
    assert c.closed_at is not None
    assert list(c.history.values_list("to_state", flat=True)) == [
        "received",
        "acknowledged",
        "informal",
        "closed",
        "acknowledged",
        "review",
        "decided",
        "closed",
    ]
    walk.read_letters()


def test_it_walks_an_independent_investigation_with_hearings_to_closure(
    complainant: User, subject_vp: User, hr_handler: User, committee: User, supporter: User
) -> None:
    me = client_for(complainant)
    file_complaint(me, subject_vp, category="boundaries", vp_may_read_description="on")
    walk = Walk(
        Complaint.objects.get(),
        me=me,
        handler=client_for(hr_handler),
        vp=client_for(subject_vp),
        investigator=client_for(committee),
    )
    assert walk.people["investigator"].get(case_url(walk.complaint)).status_code == 404
    walk.people.pop("investigator")

    walk.take("handler", "acknowledge")
    c = walk.take(
        "handler",
        "investigation",
        reason="Mogelijke grensoverschrijding.",
        investigator=committee.pk,
    )
    assert (c.state, c.track, c.committee_member) == ("investigation", "investigation", committee)
    walk.people["investigator"] = client_for(committee)

    c = walk.take("investigator", "inform-vp", confirm="on")
    assert c.vp_informed_at is not None

    walk.take("vp", "supporter", supporter=supporter.pk, kind="lvv_contact")
    walk.people["supporter"] = client_for(supporter)

    held = today().isoformat()
    walk.take(
        "investigator", "hearing", party="vp", expect=302, held_on=held, record="De VP vertelt."
    )
    walk.take(
        "investigator",
        "hearing",
        party="complainant",
        held_on=held,
        present="Een vertrouwde collega",
        record="De klager vertelt.",
    )
    c = refreshed(c)
    assert c.vp_heard_at is not None
    assert c.complainant_heard_at is not None
    assert Hearing.objects.filter(complaint=c).count() == 2
    # Each party reads the record of their own hearing; the supporter neither.
    pages = {who: text(client.get(case_url(c))) for who, client in walk.people.items()}
    assert "De klager vertelt." in pages["me"]
    assert "De VP vertelt." not in pages["me"]
    assert "De VP vertelt." in pages["vp"]
    assert "De klager vertelt." not in pages["vp"]
    assert "De VP vertelt." not in pages["supporter"]
    assert "De klager vertelt." not in pages["supporter"]
    assert "De klager vertelt." in pages["investigator"]
    assert "De VP vertelt." in pages["handler"]

    refused = post_step(
        walk.people["handler"], c, "decide", decision="unfounded", reasons="Geen bewijs."
    )
    assert refused.status_code == 400
    assert "objectivity and transparency" in text(refused)
    assert refreshed(c).state == "investigation"

    c = walk.take(
        "handler",
        "decide",
        decision="unfounded",
        reasons="Geen bewijs.",
        objectivity_note="Onderzoeker van buiten de organisatie.",
        transparency_note="Beide partijen kregen alle stukken.",
    )
    assert (c.state, c.decision) == ("decided", "unfounded")
    assert c.objectivity_note == "Onderzoeker van buiten de organisatie."
    assert c.transparency_note == "Beide partijen kregen alle stukken."
    handler_page = text(walk.people["handler"].get(case_url(c)))
    assert "Onderzoeker van buiten de organisatie." in handler_page
    assert "Onderzoeker van buiten de organisatie." not in text(walk.people["vp"].get(case_url(c)))

    c = walk.take("handler", "close", lessons="Grenzen van de rol vaker bespreken.")
    assert (c.state, c.closure) == ("closed", "decided")
    walk.read_letters()
