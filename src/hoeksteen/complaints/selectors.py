"""Reads of complaint files. Every one starts from the access policy."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value, Window
from django.http import Http404

from hoeksteen.access.complaint_rules import (
    ACTIVE_SUPPORT_FLAG,
    CaseRole,
    case_attachments,
    case_hearings,
    case_letters,
    case_measures,
    case_messages,
    case_roles,
    case_vp_responses,
    complaints_counted_for,
    complaints_visible_to,
)
from hoeksteen.access.prepared import PreparedQuery
from hoeksteen.audit.actions import audit_record
from hoeksteen.complaints import terms
from hoeksteen.complaints.models import (
    Attachment,
    Complaint,
    Hearing,
    Letter,
    Message,
    RecoveryMeasure,
    Reflection,
    ReviewAnswer,
    SupportAssignment,
    VPResponse,
)
from hoeksteen.complaints.workflow import OPEN_STATES, State
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User

_Row = TypeVar("_Row", bound=models.Model)


def complaints_handled_by(*, user: User, organisation: Organisation) -> QuerySet[Complaint]:
    """The handler's and investigator's own cases, open ones first, soonest due first."""
    return (
        complaints_visible_to(user)
        .filter(Q(handler=user) | Q(committee_member=user), organisation=organisation)
        .select_related("subject_vp")
        # Open cases (no closed_at) first on every database: PostgreSQL sorts
        # NULL last in ascending order, SQLite first.
        .order_by(F("closed_at").asc(nulls_first=True), "decision_due_at", "id")
    )


def complaints_filed_by(*, user: User, organisation: Organisation) -> QuerySet[Complaint]:
    return complaints_visible_to(user).filter(complainant=user, organisation=organisation)


def complaints_about(*, user: User, organisation: Organisation) -> QuerySet[Complaint]:
    """Complaints about this VP of which the procedure has informed them."""
    return complaints_visible_to(user).filter(
        subject_vp=user, vp_informed_at__isnull=False, organisation=organisation
    )


def complaints_supported_by(*, user: User, organisation: Organisation) -> QuerySet[Complaint]:
    return complaints_visible_to(user).filter(
        organisation=organisation,
        supporters__supporter=user,
        supporters__ended_at__isnull=True,
    )


@dataclasses.dataclass(frozen=True)
class CaseLists:
    """What the complaints page lists for one user in one organisation."""

    handled: Page[Complaint]  # a page of the cases the user handles or investigates
    overdue: int  # of all those cases, not only this page
    filed: list[Complaint]
    about_me: list[Complaint]
    supporting: list[Complaint]


# What the complaints page shows of a case (complaints.display.CaseRows): its
# link, reference and state, and the terms. No other column is read: no
# ciphertext (a list shows no text), nothing to decrypt, narrower rows to sort.
_LIST_FIELDS = (
    "uid",
    "number",
    "received_at",
    "state",
    "acknowledged_at",
    "vp_heard_at",
    "decided_at",
    "acknowledgment_due_at",
    "vp_response_due_at",
    "decision_due_at",
    "feedback_due_at",
)


class _CountedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator told its count, so it does not count again."""

    def __init__(
        self, items: Sequence[Complaint] | QuerySet[Complaint], per_page: int, count: int
    ) -> None:
        super().__init__(items, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def _handled(*, user: User, organisation: Organisation) -> QuerySet[Complaint]:
    """The cases the user handles or investigates in the organisation, open
    ones first, with the columns the list shows."""
    return (
        complaints_visible_to(user)
        .only(*_LIST_FIELDS)
        .filter(Q(handler=user) | Q(committee_member=user), organisation=organisation)
        # Open cases (no closed_at) first on every database: PostgreSQL sorts
        # NULL last in ascending order, SQLite first.
        .order_by(F("closed_at").asc(nulls_first=True), "decision_due_at", "id")
    )


def _handled_counted(
    *, user: User, organisation: Organisation, now: dt.datetime
) -> QuerySet[Complaint]:
    """`_handled`, each row with the count of all of them (`_total`) and of
    the overdue ones (`_overdue`), and whether the user could be in the other
    lists of the page at all (`_maybe_filed_or_about`, `_maybe_supporting`).

    The counts are window functions, evaluated before LIMIT: the access rule
    runs once for the page and both counts. The other lists (filed, about
    me, supporting) are short or empty: most people on this page (handlers)
    are in none of them. Two probes ask whether any complaint of the
    organisation could be in one, a superset of what the access rule lets
    through: the complainant and subject arms together (a BitmapOr of their
    indexes, both led by the organisation), and this supporter's open
    assignments. Only when one finds a row are the lists read."""
    return _handled(user=user, organisation=organisation).annotate(
        _total=Window(Count("id")),
        _overdue=Window(Count("id", filter=overdue(now))),
        _maybe_filed_or_about=Exists(
            Complaint.objects.filter(
                Q(complainant=user) | Q(subject_vp=user, vp_informed_at__isnull=False),
                organisation=organisation,
            )
        ),
        _maybe_supporting=Exists(
            SupportAssignment.objects.filter(
                supporter=user, ended_at__isnull=True, complaint__organisation=organisation
            )
        ),
    )


# Built from the access rule and compiled to SQL once per process; every
# request runs it with its own user, organisation and moment (see
# access/prepared.py for what is checked so that nothing else is shared).
_HANDLED_COUNTED = PreparedQuery(_handled_counted)


def case_lists(
    *, user: User, organisation: Organisation, now: dt.datetime, page: str | None, per_page: int
) -> CaseLists:
    """The lists of the complaints page, in one query whatever their length:
    a page of the cases the user handles or investigates, with the count of
    all of them and of the overdue ones, and whether the user filed, is the
    subject of or supports any case here. Only when they might is a second
    query run for those (few) cases. A page number past the last page costs
    a query more, to count and find the last page."""
    handled_page, overdue_count, maybe_in_arms = _counted_page(
        user=user, organisation=organisation, now=now, page=page, per_page=per_page
    )
    rows: list[Any] = []  # complaints, each annotated with its arm
    if maybe_in_arms:
        # One query in three arms, each on an index of its own (complainant,
        # subject VP, the support assignments of this supporter): an OR of
        # them would filter every complaint of the organisation instead.
        visible = complaints_visible_to(user).only(*_LIST_FIELDS).filter(organisation=organisation)
        supported_ids = SupportAssignment.objects.filter(
            supporter=user, ended_at__isnull=True
        ).values("complaint_id")
        arms = [
            Q(complainant=user),
            Q(subject_vp=user, vp_informed_at__isnull=False),
            Q(pk__in=supported_ids),
        ]
        labelled = [
            visible.filter(arm).annotate(arm=Value(label))
            for arm, label in zip(arms, (_FILED, _ABOUT_ME, _SUPPORTING), strict=True)
        ]
        rows = list(labelled[0].union(*labelled[1:], all=True).order_by("received_at", "id"))
    return CaseLists(
        handled=handled_page,
        overdue=overdue_count,
        filed=[c for c in rows if c.arm == _FILED],
        about_me=[c for c in rows if c.arm == _ABOUT_ME],
        supporting=[c for c in rows if c.arm == _SUPPORTING],
    )


_FILED, _ABOUT_ME, _SUPPORTING = 1, 2, 3
_LAST_PAGE_WITHOUT_COUNTING = 10_000


def _counted_page(
    *, user: User, organisation: Organisation, now: dt.datetime, page: str | None, per_page: int
) -> tuple[Page[Complaint], int, bool]:
    """The requested page of the handled cases, how many of all of them are
    overdue, and whether the user might be in the page's other lists (True
    when the page query could not tell).

    Answers exactly as Paginator.get_page: a page number that is no number
    gives the first page, one past the end (or below 1) the last — those
    rare requests count first, as before."""
    number = 1 if page is None else int(page) if page.isascii() and page.isdigit() else 0
    # A huge number would become an OFFSET the database refuses: past this
    # bound (far beyond any list) the page is found by counting first.
    if 1 <= number <= _LAST_PAGE_WITHOUT_COUNTING:
        rows = _HANDLED_COUNTED.rows(
            user=user,
            organisation=organisation,
            now=now,
            limit=per_page,
            offset=(number - 1) * per_page,
        )
        if rows:
            first: Any = rows[0]  # with the annotations of _handled_counted
            paginator = _CountedPaginator(rows, per_page, first._total)
            maybe = bool(first._maybe_filed_or_about or first._maybe_supporting)
            return Page(rows, number, paginator), first._overdue, maybe
        if number == 1:
            return Page([], 1, _CountedPaginator([], per_page, 0)), 0, True
    handled = _handled(user=user, organisation=organisation)
    counts = handled.aggregate(total=Count("id"), overdue=Count("id", filter=overdue(now)))
    paginator = _CountedPaginator(handled, per_page, counts["total"])
    return paginator.get_page(page), counts["overdue"], True


def complaint_open_for(
    *,
    user: User | None,
    slug: str,
    uid: str,
    receipt_uids: Collection[str] = (),
) -> tuple[Complaint, frozenset[CaseRole]]:
    """One case with the viewer's roles in it, or Http404 for anyone without one.

    Reading a case is recorded in the audit trail.
    """
    complaint = (
        # The organisation comes with the complaint: one query for both.
        Complaint.objects.filter(organisation__slug=slug, uid=uid)
        .select_related("organisation", "subject_vp", "handler", "committee_member", "complainant")
        .annotate(**_parts_present())
        .first()
    )
    if complaint is None:
        raise Http404
    roles = case_roles(user, complaint, receipt_uids=receipt_uids)
    if not roles:
        raise Http404
    # audit_record runs in a transaction of its own.
    audit_record(
        actor=user,
        organisation_id=complaint.organisation_id,
        action="complaint.viewed",
        target=complaint,
        detail={"as": ",".join(sorted(roles))},
    )
    return complaint, roles


# The parts of a case file that a case page lists. complaint_open_for reads
# with the complaint whether each has any row at all, so case_file skips the
# query of an empty part: a case page costs the same few queries whatever the
# state of the case.
_PARTS: dict[str, type[models.Model]] = {
    "letters": Letter,
    "attachments": Attachment,
    "messages": Message,
    "responses": VPResponse,
    "hearings": Hearing,
    "measures": RecoveryMeasure,
    "review_answers": ReviewAnswer,
}


def _parts_present() -> dict[str, Exists]:
    present = {
        f"has_{name}": Exists(model.objects.filter(complaint=OuterRef("pk")))  # type: ignore[attr-defined]
        for name, model in _PARTS.items()
    }
    present[ACTIVE_SUPPORT_FLAG] = Exists(
        SupportAssignment.objects.filter(complaint=OuterRef("pk"), ended_at__isnull=True)
    )
    return present


def _has(complaint: Complaint, part: str) -> bool:
    """False only when complaint_open_for found no row of `part`."""
    return bool(getattr(complaint, f"has_{part}", True))


@dataclasses.dataclass(frozen=True)
class TermStatus:
    term: terms.Term
    due: dt.datetime
    days_left: int
    met: bool

    @property
    def overdue(self) -> bool:
        return not self.met and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left


def term_statuses(complaint: Complaint, *, now: dt.datetime) -> list[TermStatus]:
    """The case's terms, for display: due moment, days left, whether met."""
    rows: list[tuple[terms.Term, dt.datetime | None, bool]] = [
        (
            terms.Term.ACKNOWLEDGMENT,
            complaint.acknowledgment_due_at,
            complaint.acknowledged_at is not None,
        ),
        (terms.Term.VP_RESPONSE, complaint.vp_response_due_at, complaint.vp_heard_at is not None),
        (terms.Term.DECISION, complaint.decision_due_at, complaint.decided_at is not None),
        (terms.Term.FEEDBACK, complaint.feedback_due_at, complaint.decided_at is not None),
    ]
    finished = complaint.state in (State.CLOSED, State.WITHDRAWN)
    return [
        TermStatus(term=term, due=due, days_left=terms.days_left(due, now), met=met or finished)
        for term, due, met in rows
        if due is not None
    ]


@dataclasses.dataclass(frozen=True)
class CaseFile:
    """What one viewer may see of one case."""

    complaint: Complaint
    roles: frozenset[CaseRole]
    letters: QuerySet[Letter]
    attachments: QuerySet[Attachment]
    messages: QuerySet[Message]
    responses: QuerySet[VPResponse]
    hearings: QuerySet[Hearing]
    measures: QuerySet[RecoveryMeasure]
    review_answers: QuerySet[ReviewAnswer]
    supporters: QuerySet[SupportAssignment]
    reflection: Reflection | None

    @property
    def is_staff(self) -> bool:
        return bool(self.roles & {CaseRole.HANDLER, CaseRole.INVESTIGATOR})

    @property
    def sees_description(self) -> bool:
        if self.is_staff or CaseRole.COMPLAINANT in self.roles:
            return True
        if CaseRole.SUBJECT_VP in self.roles:
            return self.complaint.vp_may_read_description
        if CaseRole.SUPPORTER in self.roles:
            return (
                self.complaint.vp_may_read_description
                and self.supporters.filter(shares_complaint=True).exists()
            )
        return False


def case_file(complaint: Complaint, roles: frozenset[CaseRole], *, user: User | None) -> CaseFile:
    reflection = None
    if CaseRole.SUBJECT_VP in roles and user is not None:
        reflection = Reflection.objects.filter(complaint=complaint, vp=user).first()
    supporters = SupportAssignment.objects.filter(complaint=complaint, ended_at__isnull=True)
    if not roles & {CaseRole.HANDLER, CaseRole.INVESTIGATOR, CaseRole.SUBJECT_VP}:
        supporters = supporters.filter(supporter=user) if user else supporters.none()
    if not getattr(complaint, ACTIVE_SUPPORT_FLAG, True):
        supporters = supporters.none()
    review_answers = ReviewAnswer.objects.filter(complaint=complaint)
    if not roles & {CaseRole.HANDLER, CaseRole.INVESTIGATOR} or not _has(
        complaint, "review_answers"
    ):
        review_answers = review_answers.none()
    return CaseFile(
        complaint=complaint,
        roles=roles,
        letters=_if_any(complaint, "letters", case_letters(complaint, roles, user)),
        attachments=_if_any(complaint, "attachments", case_attachments(complaint, roles, user)),
        messages=_if_any(complaint, "messages", case_messages(complaint, roles, user)),
        responses=_if_any(complaint, "responses", case_vp_responses(complaint, roles, user)),
        hearings=_if_any(complaint, "hearings", case_hearings(complaint, roles, user)),
        measures=_if_any(complaint, "measures", case_measures(complaint, roles, user)),
        review_answers=review_answers,
        supporters=supporters.select_related("supporter"),
        reflection=reflection,
    )


def _if_any(complaint: Complaint, part: str, rows: QuerySet[_Row]) -> QuerySet[_Row]:
    return rows if _has(complaint, part) else rows.none()


@dataclasses.dataclass(frozen=True)
class CoordinatorCounts:
    open: int
    overdue: int
    waiting_for_external_handler: int


def overdue(now: dt.datetime) -> Q:
    """Open complaints with at least one term passed and not met — the one
    definition used by the handler's list, the coordinator's counts and the
    dashboard (reminders use complaints.reminders, on the same terms)."""
    return Q(state__in=OPEN_STATES) & (
        Q(acknowledged_at__isnull=True, acknowledgment_due_at__lt=now)
        | Q(vp_heard_at__isnull=True, vp_response_due_at__lt=now)
        | Q(decided_at__isnull=True, decision_due_at__lt=now)
        | Q(decided_at__isnull=True, feedback_due_at__lt=now)
    )


def coordinator_counts(
    *, user: User, organisation: Organisation, now: dt.datetime
) -> CoordinatorCounts:
    """Numbers only — never a name, a category or a link."""
    open_state = Q(state__in=OPEN_STATES)
    counts = complaints_counted_for(user, organisation).aggregate(
        open=Count("id", filter=open_state),
        overdue=Count("id", filter=overdue(now)),
        waiting=Count("id", filter=open_state & Q(needs_external_handler=True)),
    )
    return CoordinatorCounts(
        open=counts["open"],
        overdue=counts["overdue"],
        waiting_for_external_handler=counts["waiting"],
    )


def overdue_for_handler(
    *, user: User, organisation: Organisation, now: dt.datetime
) -> QuerySet[Complaint]:
    return complaints_handled_by(user=user, organisation=organisation).filter(overdue(now))
