"""Retention terms and the purge the tick runs (AVG art. 5(1)(e)).

Terms per record type come from the organisation's regulation (defaults and
basis in docs/adr/0003-retention.md): a closed complaint file two years after
closure; a closed melding at the latest one year after closure, its count
kept for the annual report; audit entries five years. What expired is
deleted in batches, each with an audit entry (ids only), and the coordinator
is told what was purged — in numbers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import translation
from django.utils.translation import gettext as _

from hoeksteen.audit.actions import audit_record
from hoeksteen.audit.chain import PLATFORM_CHAIN
from hoeksteen.audit.models import AuditEntry
from hoeksteen.audit.verify import DEFAULT_RETENTION_DAYS
from hoeksteen.complaints.models import Complaint
from hoeksteen.complaints.workflow import State
from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.outbox.actions import outbox_enqueue
from hoeksteen.people.models import Role, User
from hoeksteen.practice.models import Melding
from hoeksteen.privacy.models import RetainedMeldingCount

BATCH = 1000


@dataclasses.dataclass
class Purged:
    complaints: int = 0
    documents: int = 0
    meldingen: int = 0

    def __bool__(self) -> bool:
        return bool(self.complaints or self.meldingen)


def expired_complaints(regulation: ComplaintRegulation, now: dt.datetime) -> Q:
    cutoff = now - dt.timedelta(days=regulation.complaint_retention_days)
    return Q(
        organisation_id=regulation.organisation_id,
        state__in=[State.CLOSED, State.WITHDRAWN],
        closed_at__lt=cutoff,
    )


def expired_meldingen(regulation: ComplaintRegulation, now: dt.datetime) -> Q:
    cutoff = (now - dt.timedelta(days=regulation.melding_retention_days)).date()
    return Q(organisation_id=regulation.organisation_id, closed_on__lt=cutoff)


def _purge_complaints(regulation: ComplaintRegulation, now: dt.datetime, purged: Purged) -> None:
    expired = Complaint.objects.filter(expired_complaints(regulation, now))
    while True:
        with transaction.atomic():
            # Rows are claimed under a lock, so two tick runners never purge
            # (and count) the same batch.
            ids = _claim(expired)
            if not ids:
                break
            batch = Complaint.objects.filter(id__in=ids)
            files: list[FieldFile] = []
            for complaint in batch.prefetch_related("attachments"):
                files += [a.file for a in complaint.attachments.all()]
                audit_record(
                    actor=None,
                    organisation_id=regulation.organisation_id,
                    action="retention.complaint_purged",
                    target=complaint,
                    now=now,
                )
            batch.delete()
            # Files go once their rows are gone; a crash in between leaves an
            # orphan file (still encrypted), never a row without its file.
            transaction.on_commit(_deleter(files))
            purged.complaints += len(ids)
            purged.documents += len(files)


def _claim(expired: QuerySet[Any]) -> list[int]:
    rows = expired.order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    return list(rows.values_list("id", flat=True)[:BATCH])


def _deleter(files: list[FieldFile]) -> Callable[[], None]:
    def delete() -> None:
        for file in files:
            file.delete(save=False)

    return delete


def _purge_meldingen(regulation: ComplaintRegulation, now: dt.datetime, purged: Purged) -> None:
    expired = Melding.objects.filter(expired_meldingen(regulation, now))
    while True:
        with transaction.atomic():
            ids = _claim(expired)
            if not ids:
                break
            batch = Melding.objects.filter(id__in=ids)
            cells = (
                batch.annotate(
                    year=ExtractYear("first_contact_on"), quarter=ExtractQuarter("first_contact_on")
                )
                .values("year", "quarter", "category_id", "department_id")
                .annotate(n=Count("id"))
            )
            for cell in cells:
                counted, _created = RetainedMeldingCount.objects.get_or_create(
                    organisation_id=regulation.organisation_id,
                    year=cell["year"],
                    quarter=cell["quarter"],
                    category_id=cell["category_id"],
                    department_id=cell["department_id"],
                )
                RetainedMeldingCount.objects.filter(pk=counted.pk).update(
                    count=F("count") + cell["n"]
                )
            audit_record(
                actor=None,
                organisation_id=regulation.organisation_id,
                action="retention.meldingen_purged",
                detail={"count": len(ids)},
                now=now,
            )
            batch.delete()
            purged.meldingen += len(ids)


def tombstone_audit_entries(*, organisation_id: int, retention_days: int, now: dt.datetime) -> int:
    """Empty audit entries past their term; their payload hash keeps the chain whole."""
    return AuditEntry.objects.filter(
        organisation_id=organisation_id,
        created_at__lt=now - dt.timedelta(days=retention_days),
        tombstoned_at__isnull=True,
    ).update(
        actor_id=None,
        action="tombstone",
        object_type="",
        object_id="",
        detail={},
        tombstoned_at=now,
    )


def purge_expired(*, now: dt.datetime) -> dict[int, Purged]:
    """Purge every organisation's expired records; tell its coordinators."""
    report: dict[int, Purged] = {}
    for regulation in ComplaintRegulation.objects.select_related("organisation"):
        purged = Purged()
        _purge_complaints(regulation, now, purged)
        _purge_meldingen(regulation, now, purged)
        tombstone_audit_entries(
            organisation_id=regulation.organisation_id,
            retention_days=regulation.audit_retention_days,
            now=now,
        )
        if purged:
            report[regulation.organisation_id] = purged
            _tell_coordinators(regulation.organisation, purged, now)
    tombstone_audit_entries(
        organisation_id=PLATFORM_CHAIN, retention_days=DEFAULT_RETENTION_DAYS, now=now
    )
    return report


def _tell_coordinators(organisation: Organisation, purged: Purged, now: dt.datetime) -> None:
    coordinators = User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=Role.COORDINATOR,
        memberships__is_active=True,
    ).exclude(email="")
    for coordinator in coordinators:
        with translation.override(coordinator.language):
            outbox_enqueue(
                organisation=organisation,
                key=f"retention:{organisation.pk}:{coordinator.pk}:{now:%Y%m%d%H%M%S}",
                to=coordinator.email,
                subject=_("Expired records were removed"),
                body=_(
                    "As the retention terms of your regulation require, Hoeksteen removed "
                    "%(complaints)s closed complaint files (with %(documents)s documents) and "
                    "%(meldingen)s closed meldingen. The counts of the meldingen are kept for "
                    "the annual report; the audit trail records each removal."
                )
                % dataclasses.asdict(purged),
            )
