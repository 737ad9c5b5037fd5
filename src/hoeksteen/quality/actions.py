"""Every change to prevention and quality, each in one transaction with its
audit entry. The acting user is a required keyword; who may do what is
checked here, against the access policy's roles."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from hoeksteen.access import policy
from hoeksteen.audit.actions import audit_record
from hoeksteen.core import clock
from hoeksteen.organisations.models import Organisation, RoleDescription
from hoeksteen.people.models import Membership, Role, User
from hoeksteen.quality import checklists, facts, planning, selectors
from hoeksteen.quality.models import (
    ActivityKind,
    AgreedAction,
    Answer,
    ChecklistAnswer,
    ChecklistAssessment,
    ChecklistKind,
    LVVRegistration,
    QualityConversation,
    RecertificationNorm,
    TrainingRecord,
)

TEXT_MAX = 20_000
# A record further back than this is almost certainly a typing error.
OLDEST_RECORD_YEARS = 10


class QualityError(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def _require(user: User, organisation: Organisation, role: Role, message: str) -> None:
    if not policy.has_role(user, organisation, role):
        raise QualityError(message)


def _coordinator(user: User, organisation: Organisation) -> None:
    _require(
        user,
        organisation,
        Role.COORDINATOR,
        _("Only a coordinator of the VP function of this organisation can do this."),
    )


def _vp(user: User, organisation: Organisation) -> None:
    _require(user, organisation, Role.VP, _("Only a VP of this organisation can do this."))


def _text(value: str, *, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise QualityError(_("Fill in every field that is not marked optional."))
    if len(value) > TEXT_MAX:
        raise QualityError(_("A text is too long; keep it under 20,000 characters."))
    return value


# --- the role description --------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RoleDescriptionInput:
    tasks: str
    responsibilities: str
    limits: str
    first_conversation: str


@transaction.atomic
def role_description_revise(
    *,
    organisation: Organisation,
    acting_user: User,
    text: RoleDescriptionInput,
    now: dt.datetime | None = None,
) -> RoleDescription:
    """Save the role description as a new version. Earlier versions stay as
    they were: a leaflet given at a first conversation can be traced to them."""
    now = now or clock.now()
    _coordinator(acting_user, organisation)
    # One writer at a time per organisation, so two saves never take one number.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    newest = RoleDescription.objects.filter(organisation=organisation).aggregate(n=Max("version"))
    description = RoleDescription.objects.create(
        organisation=organisation,
        version=(newest["n"] or 0) + 1,
        tasks=_text(text.tasks),
        responsibilities=_text(text.responsibilities),
        limits=_text(text.limits),
        first_conversation=_text(text.first_conversation),
        created_at=now,
        created_by=acting_user,
    )
    audit_record(
        actor=acting_user,
        organisation_id=organisation.pk,
        action="quality.role_description.revised",
        target=description,
        detail={"version": description.version},
        now=now,
    )
    return description


# --- quality conversations ------------------------------------------------------


def _active_vps(organisation: Organisation | None) -> list[Membership]:
    memberships = Membership.objects.filter(role=Role.VP, is_active=True, user__is_active=True)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return list(
        memberships.select_related("organisation", "user").order_by("organisation_id", "user_id")
    )


@transaction.atomic
def conversation_plan(
    *, organisation: Organisation, vp: User, now: dt.datetime, acting_user: User | None
) -> tuple[QualityConversation, bool]:
    """This year's conversation with `vp`, planned if it was not yet. Safe for
    any number of tick runners: the unique (organisation, vp, year) decides."""
    today = timezone.localdate(now)
    existing = QualityConversation.objects.filter(organisation=organisation, vp=vp, year=today.year)
    if (found := existing.first()) is not None:
        return found, False
    last_held = (
        QualityConversation.objects.filter(organisation=organisation, vp=vp, held_on__isnull=False)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    conversation, created = QualityConversation.objects.get_or_create(
        organisation=organisation,
        vp=vp,
        year=today.year,
        defaults={
            "scheduled_on": planning.proposed_conversation_date(
                today=today, last_held_on=last_held
            ),
            "created_at": now,
            "updated_at": now,
        },
    )
    if created:
        audit_record(
            actor=acting_user,
            organisation_id=organisation.pk,
            action="quality.conversation.planned",
            target=conversation,
            now=now,
        )
    return conversation, created


def conversations_plan_due(
    *, now: dt.datetime, organisation: Organisation | None = None, acting_user: User | None = None
) -> int:
    """Plan this year's conversation for every active VP that has none (the
    tick, for every organisation; a coordinator, for theirs). Returns how
    many were planned."""
    if organisation is not None and acting_user is not None:
        _coordinator(acting_user, organisation)
    planned = 0
    for membership in _active_vps(organisation):
        _conversation, created = conversation_plan(
            organisation=membership.organisation,
            vp=membership.user,
            now=now,
            acting_user=acting_user,
        )
        planned += created
    return planned


NOTE_FIELDS = (
    "reachability",
    "collaboration",
    "role_clarity",
    "figures",
    "experiences",
    "dilemmas",
)


@dataclasses.dataclass(frozen=True)
class ConversationInput:
    scheduled_on: dt.date
    held_on: dt.date | None
    reachability: str = ""
    collaboration: str = ""
    role_clarity: str = ""
    figures: str = ""
    experiences: str = ""
    dilemmas: str = ""


@transaction.atomic
def conversation_record(
    *,
    conversation: QualityConversation,
    acting_user: User,
    data: ConversationInput,
    now: dt.datetime | None = None,
) -> QualityConversation:
    """The coordinator plans the conversation again, or records how it went."""
    now = now or clock.now()
    _coordinator(acting_user, conversation.organisation)
    locked = QualityConversation.objects.select_for_update().get(pk=conversation.pk)
    if data.scheduled_on.year < locked.year:
        raise QualityError(
            _("Plan the conversation of %(year)s in %(year)s or later.") % {"year": locked.year}
        )
    if data.held_on is not None and data.held_on > timezone.localdate(now):
        raise QualityError(_("A conversation cannot have been held on a date in the future."))
    locked.scheduled_on = data.scheduled_on
    locked.held_on = data.held_on
    for name in NOTE_FIELDS:
        setattr(locked, name, _text(getattr(data, name), required=False))
    locked.updated_at = now
    locked.save()
    audit_record(
        actor=acting_user,
        organisation_id=locked.organisation_id,
        action="quality.conversation.recorded",
        target=locked,
        detail={"held": locked.held_on is not None},
        now=now,
    )
    return locked


@transaction.atomic
def agreed_action_add(
    *,
    conversation: QualityConversation,
    acting_user: User,
    description: str,
    owner_id: int,
    due_on: dt.date,
    now: dt.datetime | None = None,
) -> AgreedAction:
    """Record an action agreed in the conversation, with its owner and due date."""
    now = now or clock.now()
    _coordinator(acting_user, conversation.organisation)
    owner = selectors.action_owner_candidates(conversation=conversation).filter(pk=owner_id).first()
    if owner is None:
        raise QualityError(_("Choose the VP or a coordinator as the owner of the action."))
    action = AgreedAction.objects.create(
        organisation_id=conversation.organisation_id,
        conversation=conversation,
        description=_text(description),
        owner=owner,
        due_on=due_on,
        created_at=now,
    )
    audit_record(
        actor=acting_user,
        organisation_id=conversation.organisation_id,
        action="quality.agreed_action.added",
        target=action,
        now=now,
    )
    return action


@transaction.atomic
def agreed_action_complete(
    *, action: AgreedAction, acting_user: User, now: dt.datetime | None = None
) -> AgreedAction:
    """Its owner or a coordinator marks an agreed action as done."""
    now = now or clock.now()
    locked = (
        AgreedAction.objects.select_for_update().select_related("organisation").get(pk=action.pk)
    )
    if locked.owner_id != acting_user.pk:
        _coordinator(acting_user, locked.organisation)
    if locked.done_on is not None:
        raise QualityError(_("This action is already done."))
    locked.done_on = timezone.localdate(now)
    locked.save(update_fields=["done_on"])
    audit_record(
        actor=acting_user,
        organisation_id=locked.organisation_id,
        action="quality.agreed_action.done",
        target=locked,
        now=now,
    )
    return locked


# --- checklists -----------------------------------------------------------------


def editable_years(today: dt.date) -> tuple[int, int]:
    """This year, and last year for a checklist finished in January."""
    return (today.year, today.year - 1)


@dataclasses.dataclass(frozen=True)
class AnswerInput:
    item: str
    answer: str
    explanation: str = ""
    evidence: str = ""
    improvement: str = ""


def checklist_suggestions(
    *, user: User, organisation: Organisation, kind: ChecklistKind, year: int
) -> dict[str, checklists.Suggestion]:
    """What the data suggests for the items the system can know."""
    if kind == ChecklistKind.ORGANISATION:
        return checklists.suggest_organisation(
            facts.organisation_checklist_facts(user=user, organisation=organisation, year=year),
            year=year,
        )
    return checklists.suggest_vp(
        facts.vp_checklist_facts(user=user, organisation=organisation, year=year)
    )


@transaction.atomic
def checklist_save(
    *,
    organisation: Organisation,
    acting_user: User,
    kind: ChecklistKind,
    year: int,
    answers: Sequence[AnswerInput],
    now: dt.datetime | None = None,
) -> ChecklistAssessment:
    """Save one year's answers: the organisation's by a coordinator, a VP's
    own by that VP. The data's suggestion is kept next to each answer."""
    now = now or clock.now()
    if kind == ChecklistKind.ORGANISATION:
        _coordinator(acting_user, organisation)
    else:
        _vp(acting_user, organisation)
    if year not in editable_years(timezone.localdate(now)):
        raise QualityError(_("Only this year's and last year's checklist can be changed."))
    items = {item.key for item in checklists.ITEMS[kind]}
    given = {a.item: a for a in answers}
    if set(given) != items or any(a.answer not in Answer.values for a in answers):
        raise QualityError(_("Answer every question with yes, partly or no."))
    suggestions = checklist_suggestions(
        user=acting_user, organisation=organisation, kind=kind, year=year
    )
    vp = acting_user if kind == ChecklistKind.VP else None
    assessment, _created = ChecklistAssessment.objects.select_for_update().get_or_create(
        organisation=organisation,
        kind=kind,
        vp=vp,
        year=year,
        defaults={"created_at": now, "updated_at": now, "updated_by": acting_user},
    )
    assessment.updated_at = now
    assessment.updated_by = acting_user
    assessment.save(update_fields=["updated_at", "updated_by"])
    for key, given_answer in given.items():
        suggestion = suggestions.get(key)
        ChecklistAnswer.objects.update_or_create(
            assessment=assessment,
            item=key,
            defaults={
                "organisation": organisation,
                "answer": given_answer.answer,
                "derived_answer": suggestion.answer if suggestion else "",
                "explanation": _text(given_answer.explanation, required=False),
                "evidence": _text(given_answer.evidence, required=False),
                "improvement": _text(given_answer.improvement, required=False),
            },
        )
    audit_record(
        actor=acting_user,
        organisation_id=organisation.pk,
        action="quality.checklist.saved",
        target=assessment,
        detail={"kind": str(kind), "year": year},
        now=now,
    )
    return assessment


# --- intervision, training and LVV ---------------------------------------------


@dataclasses.dataclass(frozen=True)
class TrainingInput:
    kind: str
    hours: Decimal
    attended_on: dt.date
    description: str


def _valid_training(data: TrainingInput, *, today: dt.date) -> None:
    if data.kind not in ActivityKind.values:
        raise QualityError(_("Choose training, intervision or other development."))
    if not Decimal("0.5") <= data.hours <= Decimal(200):
        raise QualityError(_("Give the hours as a number from 0.5 to 200."))
    if data.attended_on > today:
        raise QualityError(_("Record intervision and training after they took place."))
    if data.attended_on.year < today.year - OLDEST_RECORD_YEARS:
        raise QualityError(_("That date lies too far back; check the year."))


@transaction.atomic
def training_record_add(
    *,
    organisation: Organisation,
    acting_user: User,
    data: TrainingInput,
    now: dt.datetime | None = None,
) -> TrainingRecord:
    """A VP records intervision, training or other development of their own."""
    now = now or clock.now()
    _vp(acting_user, organisation)
    _valid_training(data, today=timezone.localdate(now))
    record = TrainingRecord.objects.create(
        organisation=organisation,
        vp=acting_user,
        kind=data.kind,
        hours=data.hours,
        attended_on=data.attended_on,
        description=_text(data.description),
        created_at=now,
    )
    audit_record(
        actor=acting_user,
        organisation_id=organisation.pk,
        action="quality.training.added",
        target=record,
        now=now,
    )
    return record


def _own_record(record: TrainingRecord, acting_user: User) -> TrainingRecord:
    locked = TrainingRecord.objects.select_for_update().filter(pk=record.pk, vp=acting_user).first()
    if locked is None:
        raise QualityError(_("Only the VP who recorded this can change it."))
    return locked


@transaction.atomic
def training_record_update(
    *,
    record: TrainingRecord,
    acting_user: User,
    data: TrainingInput,
    now: dt.datetime | None = None,
) -> TrainingRecord:
    now = now or clock.now()
    locked = _own_record(record, acting_user)
    _valid_training(data, today=timezone.localdate(now))
    locked.kind = data.kind
    locked.hours = data.hours
    locked.attended_on = data.attended_on
    locked.description = _text(data.description)
    locked.save()
    audit_record(
        actor=acting_user,
        organisation_id=locked.organisation_id,
        action="quality.training.changed",
        target=locked,
        now=now,
    )
    return locked


@transaction.atomic
def training_record_remove(*, record: TrainingRecord, acting_user: User) -> None:
    """A VP removes a record made by mistake; the audit trail keeps that it was."""
    locked = _own_record(record, acting_user)
    audit_record(
        actor=acting_user,
        organisation_id=locked.organisation_id,
        action="quality.training.removed",
        target=locked,
    )
    locked.delete()


@transaction.atomic
def lvv_registration_set(
    *,
    organisation: Organisation,
    acting_user: User,
    registered_on: dt.date,
    expires_on: dt.date,
    now: dt.datetime | None = None,
) -> LVVRegistration:
    """A VP records their LVV registration, or its renewal."""
    now = now or clock.now()
    _vp(acting_user, organisation)
    if registered_on > timezone.localdate(now):
        raise QualityError(_("The registration date cannot lie in the future."))
    if expires_on <= registered_on:
        raise QualityError(_("The certificate expires after the registration date."))
    registration, created = LVVRegistration.objects.update_or_create(
        organisation=organisation,
        vp=acting_user,
        defaults={
            "registered_on": registered_on,
            "certificate_expires_on": expires_on,
            "updated_at": now,
        },
    )
    audit_record(
        actor=acting_user,
        organisation_id=organisation.pk,
        action="quality.lvv.recorded" if created else "quality.lvv.changed",
        target=registration,
        now=now,
    )
    return registration


@dataclasses.dataclass(frozen=True)
class NormInput:
    cycle_years: int
    total_hours: int
    training_hours: int
    intervision_hours: int
    other_hours: int


@transaction.atomic
def recertification_norm_set(
    *,
    organisation: Organisation,
    acting_user: User,
    data: NormInput,
    now: dt.datetime | None = None,
) -> RecertificationNorm:
    """The coordinator sets the organisation's own re-certification norm."""
    now = now or clock.now()
    _coordinator(acting_user, organisation)
    if data.training_hours + data.intervision_hours + data.other_hours > data.total_hours:
        raise QualityError(
            _("The hours per kind add up to more than the hours in total; raise the total.")
        )
    if data.cycle_years < 1:
        raise QualityError(_("A cycle lasts at least one year."))
    norm, _created = RecertificationNorm.objects.update_or_create(
        organisation=organisation,
        defaults={**dataclasses.asdict(data), "updated_at": now},
    )
    audit_record(
        actor=acting_user,
        organisation_id=organisation.pk,
        action="quality.norm.changed",
        target=norm,
        detail=dataclasses.asdict(data),
        now=now,
    )
    return norm
