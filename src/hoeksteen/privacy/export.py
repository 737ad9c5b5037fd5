"""Subject access (AVG art. 15): everything Hoeksteen holds about the person
who asks, limited to what may be shared with them.

Never in it: the identity of an anonymous complainant, another person's
melding, what a VP did not share, or anything of another organisation.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from hoeksteen.access import policy
from hoeksteen.access.complaint_rules import case_roles
from hoeksteen.audit.models import AuditEntry
from hoeksteen.complaints.models import Complaint, Letter, Message, Reflection, VPResponse
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import Membership, User
from hoeksteen.practice.models import Consent


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _filed(complaint: Complaint, user: User) -> dict[str, Any]:
    return {
        "reference": complaint.reference,
        "received_at": _iso(complaint.received_at),
        "category": complaint.get_category_display(),
        "description": complaint.description,
        "desired_outcome": complaint.desired_outcome,
        "state": complaint.get_state_display(),
        "decision": complaint.get_decision_display() if complaint.decision else None,
        "letters": [
            {"kind": letter.get_kind_display(), "sent_at": _iso(letter.sent_at)}
            for letter in Letter.objects.filter(complaint=complaint, recipient_party="complainant")
        ],
        "messages": [
            {"from": m.get_author_party_display(), "sent_at": _iso(m.sent_at), "body": m.body}
            for m in Message.objects.filter(complaint=complaint)
        ],
    }


def _about_me(complaint: Complaint, user: User) -> dict[str, Any]:
    return {
        "reference": complaint.reference,
        "received_at": _iso(complaint.received_at),
        "category": complaint.get_category_display(),
        "description": complaint.description if complaint.vp_may_read_description else None,
        "complainant": (
            complaint.complainant.get_full_name()
            if complaint.complainant and complaint.vp_may_know_identity
            else None
        ),
        "state": complaint.get_state_display(),
        "decision": complaint.get_decision_display() if complaint.decision else None,
        "my_responses": [
            {"submitted_at": _iso(r.submitted_at), "body": r.body}
            for r in VPResponse.objects.filter(complaint=complaint)
        ],
        "my_reflection": [
            {
                "communication": r.communication,
                "role_boundaries": r.role_boundaries,
                "explained_in_time": r.explained_in_time,
            }
            for r in Reflection.objects.filter(complaint=complaint, vp=user)
        ],
    }


def subject_export(*, user: User, organisation: Organisation) -> dict[str, Any]:
    """All data about `user` in `organisation` that may be shared with them."""
    visible = policy.visible_to(user, Complaint).filter(organisation=organisation)
    filed = visible.filter(complainant=user)
    about_me = [c for c in visible.filter(subject_vp=user) if case_roles(user, c)]
    return {
        "organisation": organisation.name,
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "roles": [
            {
                "role": m.get_role_display(),
                "kind": m.get_vp_kind_display() if m.vp_kind else None,
                "since": _iso(m.created_at),
                "active": m.is_active,
            }
            for m in Membership.objects.filter(organisation=organisation, user=user)
        ],
        "complaints_you_filed": [_filed(c, user) for c in filed],
        "complaints_about_you": [_about_me(c, user) for c in about_me],
        "cases_you_handled_or_supported": sorted(
            c.reference
            for c in visible.filter(
                Q(handler=user) | Q(committee_member=user) | Q(supporters__supporter=user)
            ).distinct()
        ),
        "consents_you_gave": [
            {
                "recipient": c.get_recipient_display(),
                "form": c.get_form_display(),
                "what": c.scope,
                "recorded_at": _iso(c.recorded_at),
                "confirmed_at": _iso(c.confirmed_at),
                "withdrawn_at": _iso(c.withdrawn_at),
            }
            for c in Consent.objects.filter(organisation=organisation, melding__melder_account=user)
        ],
        "your_actions_in_the_audit_trail": [
            {"action": e.action, "at": _iso(e.created_at)}
            for e in AuditEntry.objects.filter(
                organisation_id=organisation.pk, actor_id=user.pk
            ).order_by("seq")
        ],
    }
