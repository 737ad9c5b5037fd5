"""The steps a person can take on the case page: for each, who may see its
form, when, with which form, and which action it calls."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from django import forms

from hoeksteen.access.complaint_rules import CaseRole
from hoeksteen.complaints import actions, routing
from hoeksteen.complaints.actions.assessment import investigator_exclusions
from hoeksteen.complaints.actions.base import Actor
from hoeksteen.complaints.actions.hearing import supporter_candidates
from hoeksteen.complaints.forms import (
    CloseForm,
    DecisionForm,
    DocumentForm,
    EmptyForm,
    ExtensionForm,
    HearingForm,
    InformVPForm,
    InvestigationForm,
    InvestigatorForm,
    MeasureDoneForm,
    MeasureForm,
    MessageForm,
    ReasonForm,
    ReflectionForm,
    ResponseForm,
    ReviewAnswerForm,
    SupporterForm,
    WithdrawForm,
)
from hoeksteen.complaints.models import Complaint, RecoveryMeasure
from hoeksteen.complaints.models.complaint import Closure
from hoeksteen.complaints.workflow import OPEN_STATES, State

H, INV, C, V = CaseRole.HANDLER, CaseRole.INVESTIGATOR, CaseRole.COMPLAINANT, CaseRole.SUBJECT_VP
PROCEDURE = {State.REVIEW, State.INVESTIGATION}


@dataclasses.dataclass(frozen=True)
class Step:
    roles: frozenset[CaseRole]
    form: type[forms.Form]
    run: Callable[[Complaint, Actor, dict[str, Any]], object]
    when: Callable[[Complaint], bool]
    form_kwargs: Callable[[Complaint], dict[str, Any]] = lambda c: {}


def _in(*states: State) -> Callable[[Complaint], bool]:
    return lambda c: c.state in states


def _complete_measure(c: Complaint, a: Actor, d: dict[str, Any]) -> object:
    measure = RecoveryMeasure.objects.filter(complaint=c, pk=d["measure"]).first()
    if measure is None:
        raise actions.ComplaintError(str(_no_measure()))
    return actions.complaint_complete_measure(measure=measure, actor=a, note=d["note"])


def _no_measure() -> str:
    from django.utils.translation import gettext

    return gettext("Choose one of the measures of this complaint.")


STEPS: dict[str, Step] = {
    "acknowledge": Step(
        frozenset({H}),
        EmptyForm,
        lambda c, a, d: actions.complaint_acknowledge(complaint=c, actor=a),
        _in(State.RECEIVED),
    ),
    "not-admissible": Step(
        frozenset({H}),
        ReasonForm,
        lambda c, a, d: actions.complaint_declare_not_admissible(
            complaint=c, actor=a, reasons=d["reason"]
        ),
        _in(State.ACKNOWLEDGED),
    ),
    "informal": Step(
        frozenset({H}),
        ReasonForm,
        lambda c, a, d: actions.complaint_choose_informal(complaint=c, actor=a, reason=d["reason"]),
        _in(State.ACKNOWLEDGED),
    ),
    "close-informal": Step(
        frozenset({H}),
        ReasonForm,
        lambda c, a, d: actions.complaint_close_informal(complaint=c, actor=a, outcome=d["reason"]),
        _in(State.INFORMAL),
    ),
    "request-formal": Step(
        frozenset({C}),
        EmptyForm,
        lambda c, a, d: actions.complaint_request_formal(complaint=c, actor=a),
        lambda c: (
            c.state == State.INFORMAL or (c.state == State.CLOSED and c.closure == Closure.INFORMAL)
        ),
    ),
    "review": Step(
        frozenset({H}),
        ReasonForm,
        lambda c, a, d: actions.complaint_start_review(complaint=c, actor=a, reason=d["reason"]),
        _in(State.ACKNOWLEDGED),
    ),
    "investigation": Step(
        frozenset({H}),
        InvestigationForm,
        lambda c, a, d: actions.complaint_start_investigation(
            complaint=c, actor=a, reason=d["reason"], investigator_id=d["investigator"].pk
        ),
        _in(State.ACKNOWLEDGED, State.REVIEW),
        lambda c: {
            "investigators": routing.committee_candidates(
                organisation=c.organisation,
                subject_vp_id=c.subject_vp_id,
                excluded_user_ids=investigator_exclusions(c),
            )
        },
    ),
    "investigator": Step(
        frozenset({H}),
        InvestigatorForm,
        lambda c, a, d: actions.complaint_assign_investigator(
            complaint=c, actor=a, investigator_id=d["investigator"].pk
        ),
        lambda c: c.state == State.INVESTIGATION and c.committee_member_id is None,
        lambda c: {
            "investigators": routing.committee_candidates(
                organisation=c.organisation,
                subject_vp_id=c.subject_vp_id,
                excluded_user_ids=investigator_exclusions(c),
            )
        },
    ),
    "conflict": Step(
        frozenset({H, INV}),
        ReasonForm,
        lambda c, a, d: actions.complaint_declare_conflict(
            complaint=c, actor=a, reason=d["reason"]
        ),
        lambda c: c.state in OPEN_STATES,
    ),
    "inform-vp": Step(
        frozenset({H, INV}),
        InformVPForm,
        lambda c, a, d: actions.complaint_inform_vp(complaint=c, actor=a),
        lambda c: c.state in PROCEDURE and c.vp_informed_at is None,
    ),
    "respond": Step(
        frozenset({V}),
        ResponseForm,
        lambda c, a, d: actions.complaint_record_vp_response(
            complaint=c, actor=a, body=d["body"], share_with_support=d["share_with_support"]
        ),
        lambda c: c.state in PROCEDURE,
    ),
    "supporter": Step(
        frozenset({V}),
        SupporterForm,
        lambda c, a, d: actions.complaint_name_supporter(
            complaint=c,
            actor=a,
            supporter_id=d["supporter"].pk,
            kind=d["kind"],
            shares_complaint=d["shares_complaint"],
        ),
        lambda c: c.state in OPEN_STATES,
        lambda c: {"supporters": supporter_candidates(c)},
    ),
    "hearing": Step(
        frozenset({H, INV}),
        HearingForm,
        lambda c, a, d: actions.complaint_record_hearing(
            complaint=c,
            actor=a,
            party=d["party"],
            held_on=d["held_on"],
            present=d["present"],
            record=d["record"],
        ),
        lambda c: c.state in PROCEDURE,
    ),
    "review-answer": Step(
        frozenset({H}),
        ReviewAnswerForm,
        lambda c, a, d: actions.complaint_answer_review(
            complaint=c, actor=a, question=d["question"], answer=d["answer"], evidence=d["evidence"]
        ),
        _in(State.REVIEW),
    ),
    "extend": Step(
        frozenset({H}),
        ExtensionForm,
        lambda c, a, d: actions.complaint_extend(
            complaint=c,
            actor=a,
            days=d["days"],
            reason=d["reason"],
            complainant_consented=d["complainant_consented"],
        ),
        lambda c: c.state in OPEN_STATES and c.decided_at is None,
    ),
    "decide": Step(
        frozenset({H}),
        DecisionForm,
        lambda c, a, d: actions.complaint_decide(
            complaint=c,
            actor=a,
            decision=d["decision"],
            reasons=d["reasons"],
            objectivity_note=d["objectivity_note"],
            transparency_note=d["transparency_note"],
        ),
        lambda c: c.state in PROCEDURE,
    ),
    "measure": Step(
        frozenset({H}),
        MeasureForm,
        lambda c, a, d: actions.complaint_add_measure(
            complaint=c,
            actor=a,
            kind=d["kind"],
            description=d["description"],
            owner=d["owner"],
            due_on=d["due_on"],
        ),
        _in(State.DECIDED),
    ),
    "measure-done": Step(frozenset({H}), MeasureDoneForm, _complete_measure, _in(State.DECIDED)),
    "close": Step(
        frozenset({H}),
        CloseForm,
        lambda c, a, d: actions.complaint_close(complaint=c, actor=a, lessons=d["lessons"]),
        _in(State.DECIDED),
    ),
    "reflection": Step(
        frozenset({V}),
        ReflectionForm,
        lambda c, a, d: actions.reflection_save(complaint=c, actor=a, **d),
        lambda c: True,
    ),
    "message": Step(
        frozenset({H, C}),
        MessageForm,
        lambda c, a, d: actions.message_send(complaint=c, actor=a, body=d["body"]),
        lambda c: c.state != State.WITHDRAWN,
    ),
    "document": Step(
        frozenset({H, INV, C, V}),
        DocumentForm,
        lambda c, a, d: actions.attachment_add(complaint=c, actor=a, upload=d["document"]),
        lambda c: c.state in OPEN_STATES,
    ),
    # Last on the page: offered, never suggested.
    "withdraw": Step(
        frozenset({C}),
        WithdrawForm,
        lambda c, a, d: actions.complaint_withdraw(complaint=c, actor=a, reason=d["reason"]),
        lambda c: c.state in OPEN_STATES,
    ),
}


def available(complaint: Complaint, roles: frozenset[CaseRole]) -> list[str]:
    return [name for name, step in STEPS.items() if step.roles & roles and step.when(complaint)]
