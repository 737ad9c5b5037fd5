"""Who may see and do what in a complaint about a VP (invariant 1).

The roles a person has in one case follow from the file, not from their
general role: its handler, its investigator, its complainant, the VP it is
about (only once the procedure has informed them) and the support persons
that VP named. Whoever is the subject VP's direct colleague never reaches
the case — not in a list, a count, a search or an export — even when they
hold a handler's role (only a colleague who filed it follows it, as its
complainant), and the subject VP does not either before being informed.
Every selector and action of the complaints app starts here.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from hoeksteen.access import policy
from hoeksteen.complaints.models import (
    Attachment,
    Complaint,
    ConflictDeclaration,
    Extension,
    Hearing,
    Letter,
    Message,
    Party,
    RecoveryMeasure,
    Reflection,
    ReviewAnswer,
    StatusChange,
    SupportAssignment,
    VPResponse,
)
from hoeksteen.organisations.models import Organisation, VPTeamMember
from hoeksteen.people.models import Role, User


class CaseRole(enum.StrEnum):
    HANDLER = "handler"
    INVESTIGATOR = "investigator"
    COMPLAINANT = "complainant"
    SUBJECT_VP = "subject_vp"
    SUPPORTER = "supporter"


def _colleague_of_subject(user: User) -> Exists:
    """True for complaints about someone who shares a VP team with `user`."""
    my_teams = VPTeamMember.objects.filter(user=user).values("team_id")
    return Exists(
        VPTeamMember.objects.filter(user_id=OuterRef("subject_vp_id"), team_id__in=my_teams)
    )


def _not_conflicted(user: User) -> Q:
    # The subject VP shares every team with themselves; they are handled by
    # the informed-VP rule below, everyone else in their teams never sees it —
    # unless they filed it: a colleague who complains follows their own
    # complaint as its complainant (as they can with a receipt when anonymous),
    # never in any other role, since routing and naming exclude them.
    return Q(subject_vp=user) | Q(complainant=user) | Q(~_colleague_of_subject(user))


@policy.visibility(Complaint)
def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    """Every complaint the user has a role in, and none they are conflicted in."""
    supporting = SupportAssignment.objects.filter(
        complaint_id=OuterRef("pk"), supporter=user, ended_at__isnull=True
    )
    has_case_role = (
        Q(handler=user)
        | Q(committee_member=user)
        | Q(complainant=user)
        | Q(subject_vp=user, vp_informed_at__isnull=False)
        | Exists(supporting)
    )
    informed_or_not_subject = ~Q(subject_vp=user) | Q(vp_informed_at__isnull=False)
    return Complaint.objects.filter(
        has_case_role,
        _not_conflicted(user),
        informed_or_not_subject,
        organisation_id__in=policy.organisation_ids_with_role(user),
    )


@policy.visibility(SupportAssignment)
def _support_assignments(user: User) -> QuerySet[SupportAssignment]:
    # Who supports the VP is for the case's staff and the VP; a support person
    # sees their own assignment only, as on the case page (`case_file`).
    return SupportAssignment.objects.filter(complaint__in=complaints_visible_to(user)).filter(
        Q(complaint__in=_staff_cases(user)) | _informed_subject(user) | Q(supporter=user)
    )


# Set by complaints.selectors.complaint_open_for on the complaint it reads:
# whether the case has an active support person at all.
ACTIVE_SUPPORT_FLAG = "has_active_support"


def case_roles(
    user: User | None, complaint: Complaint, *, receipt_uids: Collection[str] = ()
) -> frozenset[CaseRole]:
    """The roles `user` (or the holder of a verified receipt) has in this case."""
    roles: set[CaseRole] = set()
    if complaint.is_anonymous and str(complaint.uid) in receipt_uids:
        roles.add(CaseRole.COMPLAINANT)
    if user is None or not complaints_visible_to(user).filter(pk=complaint.pk).exists():
        return frozenset(roles)
    if complaint.handler_id == user.pk:
        roles.add(CaseRole.HANDLER)
    if complaint.committee_member_id == user.pk:
        roles.add(CaseRole.INVESTIGATOR)
    if complaint.complainant_id == user.pk:
        roles.add(CaseRole.COMPLAINANT)
    if complaint.subject_vp_id == user.pk and complaint.vp_informed_at is not None:
        roles.add(CaseRole.SUBJECT_VP)
    if (
        getattr(complaint, ACTIVE_SUPPORT_FLAG, True)
        and SupportAssignment.objects.filter(
            complaint=complaint, supporter=user, ended_at__isnull=True
        ).exists()
    ):
        roles.add(CaseRole.SUPPORTER)
    return frozenset(roles)


def complaints_counted_for(user: User, organisation: Organisation) -> QuerySet[Complaint]:
    """The complaints a coordinator may count (never read): all of the
    organisation's, except those about the coordinator or a team colleague."""
    if not policy.has_role(user, organisation, Role.COORDINATOR):
        return Complaint.objects.none()
    return Complaint.objects.filter(organisation=organisation).filter(
        ~Q(subject_vp=user) & ~_colleague_of_subject(user)
    )


# --- what each role sees inside a case ---------------------------------------
#
# Two forms of the same rules: the `case_*` functions answer for one case and
# the roles the viewer holds in it (from `case_roles`, so conflicts are
# already excluded; a receipt holder has no user), and the registered
# visibility rules answer across all cases for a signed-in user, for lists,
# exports and the completeness test. tests/test_case_rules_agree.py checks
# that they agree.

STAFF = frozenset({CaseRole.HANDLER, CaseRole.INVESTIGATOR})


def _own_support(user: User | None, complaint: Complaint) -> SupportAssignment | None:
    if user is None:
        return None
    return SupportAssignment.objects.filter(
        complaint=complaint, supporter=user, ended_at__isnull=True
    ).first()


def _sees_vp_copy(roles: frozenset[CaseRole], complaint: Complaint, user: User | None) -> bool:
    """The subject VP sees what was shown to them; a supporter only if that VP shares it."""
    if CaseRole.SUBJECT_VP in roles:
        return True
    support = _own_support(user, complaint) if CaseRole.SUPPORTER in roles else None
    return support is not None and support.shares_complaint


def case_letters(
    complaint: Complaint, roles: frozenset[CaseRole], user: User | None
) -> QuerySet[Letter]:
    letters = Letter.objects.filter(complaint=complaint)
    if roles & STAFF:
        return letters
    parties = set()
    if CaseRole.COMPLAINANT in roles:
        parties.add(Party.COMPLAINANT)
    if _sees_vp_copy(roles, complaint, user):
        parties.add(Party.VP)
    return letters.filter(recipient_party__in=parties)


def case_attachments(
    complaint: Complaint, roles: frozenset[CaseRole], user: User | None
) -> QuerySet[Attachment]:
    documents = Attachment.objects.filter(complaint=complaint)
    if roles & STAFF:
        return documents
    shown = Q(pk__in=[])
    if CaseRole.COMPLAINANT in roles:
        shown |= Q(added_by_party__in=[Party.COMPLAINANT, Party.HANDLER])
    if _sees_vp_copy(roles, complaint, user):
        shown |= Q(shown_to_vp=True)
    return documents.filter(shown)


def case_messages(
    complaint: Complaint, roles: frozenset[CaseRole], user: User | None
) -> QuerySet[Message]:
    if roles & {CaseRole.HANDLER, CaseRole.COMPLAINANT}:
        return Message.objects.filter(complaint=complaint)
    return Message.objects.none()


def case_vp_responses(
    complaint: Complaint, roles: frozenset[CaseRole], user: User | None
) -> QuerySet[VPResponse]:
    responses = VPResponse.objects.filter(complaint=complaint)
    if roles & STAFF or CaseRole.SUBJECT_VP in roles:
        return responses
    if CaseRole.SUPPORTER in roles:
        return responses.filter(shared_with_support=True)
    return responses.none()


def case_hearings(
    complaint: Complaint, roles: frozenset[CaseRole], user: User | None
) -> QuerySet[Hearing]:
    hearings = Hearing.objects.filter(complaint=complaint)
    if roles & STAFF:
        return hearings
    parties = []
    if CaseRole.COMPLAINANT in roles:
        parties.append("complainant")
    if CaseRole.SUBJECT_VP in roles:
        parties.append("vp")
    return hearings.filter(party__in=parties)


def case_measures(
    complaint: Complaint, roles: frozenset[CaseRole], user: User | None
) -> QuerySet[RecoveryMeasure]:
    """Recovery measures are agreed for both parties: staff, the complainant and
    the subject VP see them (the decision letter promises the complainant so)."""
    if roles & STAFF or roles & {CaseRole.SUBJECT_VP, CaseRole.COMPLAINANT}:
        return RecoveryMeasure.objects.filter(complaint=complaint)
    return RecoveryMeasure.objects.none()


def _staff_cases(user: User) -> QuerySet[Complaint]:
    return complaints_visible_to(user).filter(Q(handler=user) | Q(committee_member=user))


def _informed_subject(user: User) -> Q:
    return Q(complaint__subject_vp=user, complaint__vp_informed_at__isnull=False)


def _supporting(user: User, *, sharing_complaint: bool = False) -> Exists:
    assignments = SupportAssignment.objects.filter(
        complaint_id=OuterRef("complaint_id"), supporter=user, ended_at__isnull=True
    )
    if sharing_complaint:
        assignments = assignments.filter(shares_complaint=True)
    return Exists(assignments)


@policy.visibility(Letter)
def _letters(user: User) -> QuerySet[Letter]:
    visible = complaints_visible_to(user)
    return Letter.objects.filter(complaint__in=visible).filter(
        Q(complaint__in=_staff_cases(user))
        | Q(complaint__complainant=user, recipient_party=Party.COMPLAINANT)
        | (_informed_subject(user) & Q(recipient_party=Party.VP))
        | (Q(_supporting(user, sharing_complaint=True)) & Q(recipient_party=Party.VP))
    )


@policy.visibility(Attachment)
def _attachments(user: User) -> QuerySet[Attachment]:
    visible = complaints_visible_to(user)
    return Attachment.objects.filter(complaint__in=visible).filter(
        Q(complaint__in=_staff_cases(user))
        | Q(complaint__complainant=user, added_by_party__in=[Party.COMPLAINANT, Party.HANDLER])
        | (_informed_subject(user) & Q(shown_to_vp=True))
        | (Q(_supporting(user, sharing_complaint=True)) & Q(shown_to_vp=True))
    )


@policy.visibility(Message)
def _messages(user: User) -> QuerySet[Message]:
    return Message.objects.filter(complaint__in=complaints_visible_to(user)).filter(
        Q(complaint__handler=user) | Q(complaint__complainant=user)
    )


@policy.visibility(VPResponse)
def _vp_responses(user: User) -> QuerySet[VPResponse]:
    return VPResponse.objects.filter(complaint__in=complaints_visible_to(user)).filter(
        Q(complaint__in=_staff_cases(user))
        | _informed_subject(user)
        | (Q(_supporting(user)) & Q(shared_with_support=True))
    )


@policy.visibility(Hearing)
def _hearings(user: User) -> QuerySet[Hearing]:
    return Hearing.objects.filter(complaint__in=complaints_visible_to(user)).filter(
        Q(complaint__in=_staff_cases(user))
        | Q(complaint__complainant=user, party="complainant")
        | (_informed_subject(user) & Q(party="vp"))
    )


@policy.visibility(RecoveryMeasure)
def _measures(user: User) -> QuerySet[RecoveryMeasure]:
    return RecoveryMeasure.objects.filter(complaint__in=complaints_visible_to(user)).filter(
        Q(complaint__in=_staff_cases(user))
        | _informed_subject(user)
        | Q(complaint__complainant=user)
    )


def _staff_only(model: type[Any]) -> None:
    @policy.visibility(model)
    def rule(user: User) -> QuerySet[Any]:
        rows: QuerySet[Any] = model._default_manager.filter(complaint__in=_staff_cases(user))
        return rows


for _model in (StatusChange, ConflictDeclaration, ReviewAnswer, Extension):
    _staff_only(_model)


@policy.visibility(Reflection)
def _reflections(user: User) -> QuerySet[Reflection]:
    # The VP's private reflection: its author alone, whatever other role they hold.
    return Reflection.objects.filter(vp=user)
