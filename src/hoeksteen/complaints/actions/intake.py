"""Receiving a complaint (seed: "De eerste stap: zorgvuldige ontvangst")."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoeksteen.access import policy
from hoeksteen.complaints import notices, receipts, routing
from hoeksteen.complaints.actions.base import Actor, ComplaintError, audit, refresh_deadlines
from hoeksteen.complaints.models import Attachment, Category, Complaint, Party, StatusChange
from hoeksteen.complaints.uploads import UploadRejected, inspect
from hoeksteen.complaints.workflow import State
from hoeksteen.core import clock
from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.people.models import Membership, Role, User


@dataclasses.dataclass(frozen=True)
class Submission:
    complaint: Complaint
    receipt: str | None


@dataclasses.dataclass(frozen=True)
class ComplaintInput:
    subject_vp_id: int
    category: str
    description: str
    desired_outcome: str
    vp_may_read_description: bool
    vp_may_know_identity: bool
    language: str
    contact_email: str = ""


def complaint_submit(
    *,
    organisation: Organisation,
    acting_user: User | None,
    anonymous: bool,
    data: ComplaintInput,
    files: list[UploadedFile[bytes]] | None = None,
    now: dt.datetime | None = None,
) -> Submission:
    """File a complaint and route it to an independent handler.

    Anonymous complaints get a receipt code, returned here once and stored
    only as a slow hash. Everything — the complaint, its documents, its
    history, the audit entry and the notices — is written together or not at all.
    """
    now = now or clock.now()
    files = files or []
    subject = _subject_vp(organisation, data.subject_vp_id)
    if data.category not in Category.values:
        raise ComplaintError(_("Choose what the complaint is about."))
    if not data.description.strip():
        raise ComplaintError(_("Describe what happened."))
    if not anonymous:
        if acting_user is None or not policy.has_role(acting_user, organisation, *Role.values):
            raise ComplaintError(_("Sign in to file a complaint under your own name."))
        if acting_user.pk == subject.user_id:
            raise ComplaintError(_("You cannot file a complaint about yourself."))
    checked_files = _check_files(files)
    receipt = receipts.new_receipt() if anonymous else None
    with transaction.atomic():
        regulation = ComplaintRegulation.objects.select_for_update().get(organisation=organisation)
        result = routing.choose_handler(
            organisation=organisation,
            regulation=regulation,
            vp_kind=subject.vp_kind,
            subject_vp_id=subject.user_id,
            # Never the complainant's own handler - also not when they file
            # anonymously while signed in (this is not stored anywhere).
            excluded_user_ids=frozenset({acting_user.pk}) if acting_user else frozenset(),
        )
        number = (
            Complaint.objects.filter(organisation=organisation).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        complaint = Complaint(
            organisation=organisation,
            number=number,
            subject_vp_id=subject.user_id,
            subject_vp_kind=subject.vp_kind,
            subject_lvv_registered=subject.lvv_registered,
            complainant=None if anonymous else acting_user,
            receipt_hash=receipts.receipt_hash(receipt, salt=organisation.receipt_salt)
            if receipt
            else "",
            language=data.language if data.language in ("nl", "en") else "nl",
            contact_email=data.contact_email.strip(),
            category=data.category,
            description=data.description.strip(),
            desired_outcome=data.desired_outcome.strip(),
            vp_may_read_description=data.vp_may_read_description,
            vp_may_know_identity=data.vp_may_know_identity and not anonymous,
            state=State.RECEIVED,
            route=result.route,
            handler=result.handler,
            needs_external_handler=result.needs_external_handler,
            received_at=now,
        )
        refresh_deadlines(complaint)
        complaint.save()
        StatusChange.objects.create(
            organisation=organisation,
            complaint=complaint,
            to_state=State.RECEIVED,
            transition="submit",
            actor=None if anonymous else acting_user,
            at=now,
        )
        for upload, (name, content_type, size, digest) in checked_files:
            Attachment.objects.create(
                organisation=organisation,
                complaint=complaint,
                added_by_party=Party.COMPLAINANT,
                file=upload,
                name=name,
                content_type=content_type,
                size=size,
                digest=digest,
                shown_to_vp=False,
                added_at=now,
            )
        actor = Actor(user=None if anonymous else acting_user)
        audit(complaint, actor, "complaint.submitted", now=now, detail={"route": str(result.route)})
        if result.handler is not None:
            notices.notify_user(user=result.handler, complaint=complaint, key="routed")
        else:
            notices.notify_coordinators_external_handler_needed(
                organisation=organisation,
                complaint=complaint,
                coordinators=_independent_coordinators(organisation, subject.user_id),
            )
    return Submission(complaint=complaint, receipt=receipt)


def _subject_vp(organisation: Organisation, subject_vp_id: int) -> Membership:
    subject = Membership.objects.filter(
        organisation=organisation, user_id=subject_vp_id, role=Role.VP, is_active=True
    ).first()
    if subject is None:
        raise ComplaintError(_("Choose one of the confidential advisers of this organisation."))
    return subject


def _check_files(
    files: list[UploadedFile[bytes]],
) -> list[tuple[UploadedFile[bytes], tuple[str, str, int, str]]]:
    from django.conf import settings

    if len(files) > settings.ATTACHMENT_MAX_COUNT:
        raise ComplaintError(
            ngettext(
                "You can add at most %(count)s document.",
                "You can add at most %(count)s documents.",
                settings.ATTACHMENT_MAX_COUNT,
            )
            % {"count": settings.ATTACHMENT_MAX_COUNT}
        )
    try:
        return [(upload, inspect(upload)) for upload in files]
    except UploadRejected as rejected:
        raise ComplaintError(rejected.message) from None


def _independent_coordinators(organisation: Organisation, subject_vp_id: int) -> list[User]:
    conflicted = routing.conflicted_user_ids(organisation=organisation, subject_vp_id=subject_vp_id)
    return list(
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__role=Role.COORDINATOR,
            memberships__is_active=True,
        ).exclude(id__in=conflicted)
    )


def receipt_open(*, organisation: Organisation, code: str) -> Complaint | None:
    """The anonymous complaint this receipt code belongs to, if any.

    The caller limits how often this may be tried (it is the guessing surface).
    """
    digits = receipts.normalise(code)
    if digits is None:
        return None
    hashed = receipts.receipt_hash(digits, salt=organisation.receipt_salt)
    complaint = Complaint.objects.filter(organisation=organisation, receipt_hash=hashed).first()
    if complaint is not None:
        with transaction.atomic():
            audit(complaint, Actor(user=None), "complaint.opened_with_receipt")
    return complaint
