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
from django.db.models import Count, F, Model, Q, QuerySet
from django.db.models.expressions import RawSQL
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
from hoeksteen.practice.models import Consent, Handover, Melding, Sharing
from hoeksteen.privacy.models import RetainedMeldingCount
from hoeksteen.signals.models import QualitativeSignal

BATCH = 1000
# Meldingen go set-wise (no row is loaded), so their batches can be larger.
MELDING_BATCH = 5000


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


def _claim(expired: QuerySet[Any], batch: int = BATCH) -> list[int]:
    rows = expired.order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    return list(rows.values_list("id", flat=True)[:batch])


def _deleter(files: list[FieldFile]) -> Callable[[], None]:
    def delete() -> None:
        for file in files:
            file.delete(save=False)

    return delete


def _purge_meldingen(regulation: ComplaintRegulation, now: dt.datetime, purged: Purged) -> None:
    expired = Melding.objects.filter(expired_meldingen(regulation, now))
    # The candidates are listed once, then claimed batch by batch through the
    # primary key: claiming "the first 5,000 that expired" again for every
    # batch would read all of them (and the ones just deleted) every time.
    while candidates := list(expired.order_by("id").values_list("id", flat=True)):
        claimed_any = False
        for start in range(0, len(candidates), MELDING_BATCH):
            with transaction.atomic():
                batch = expired.filter(id__in=_among(candidates[start : start + MELDING_BATCH]))
                ids = _claim(batch, MELDING_BATCH)
                if not ids:
                    continue
                claimed_any = True
                _keep_counts(regulation.organisation_id, ids)
                audit_record(
                    actor=None,
                    organisation_id=regulation.organisation_id,
                    action="retention.meldingen_purged",
                    detail={"count": len(ids)},
                    now=now,
                )
                _delete_meldingen(ids)
                purged.meldingen += len(ids)
        if not claimed_any:
            break  # what is left, another runner holds


def _keep_counts(organisation_id: int, ids: list[int]) -> None:
    """Add the batch's meldingen to the counts per quarter, category and
    department that the annual report keeps."""
    cells = (
        Melding.objects.filter(id__in=_among(ids))
        .annotate(year=ExtractYear("first_contact_on"), quarter=ExtractQuarter("first_contact_on"))
        .values_list("year", "quarter", "category_id", "department_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    if connection.vendor == "postgresql":
        # One statement, safe against a second tick runner adding to the same
        # cell (the cell is unique with NULLS NOT DISTINCT).
        rows = list(cells)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {RetainedMeldingCount._meta.db_table}
                    (organisation_id, year, quarter, category_id, department_id, count)
                SELECT %s, * FROM unnest(%s::int[], %s::int[], %s::bigint[], %s::bigint[],
                                         %s::int[])
                ON CONFLICT (organisation_id, year, quarter, category_id, department_id)
                DO UPDATE SET count = {RetainedMeldingCount._meta.db_table}.count + EXCLUDED.count
                """,  # noqa: S608 (the table name comes from the model)
                [organisation_id, *(list(column) for column in zip(*rows, strict=True))]
                if rows
                else [organisation_id, [], [], [], [], []],
            )
        return
    for year, quarter, category_id, department_id, n in cells:
        counted, _created = RetainedMeldingCount.objects.get_or_create(
            organisation_id=organisation_id,
            year=year,
            quarter=quarter,
            category_id=category_id,
            department_id=department_id,
        )
        RetainedMeldingCount.objects.filter(pk=counted.pk).update(count=F("count") + n)


# What hangs on a melding, in the order it must go; a test holds this list to
# the models, so a new relation cannot be forgotten here.
MELDING_CASCADE: list[tuple[type[Model], str]] = [
    (Sharing, "melding_id"),
    (Consent, "melding_id"),
    (Handover, "melding_id"),
]
MELDING_SET_NULL: list[tuple[type[Model], str]] = [
    (QualitativeSignal, "melding_id"),
]


def _delete_meldingen(ids: list[int]) -> None:
    """Delete the meldingen and what hangs on them, one statement per table
    (what Melding.delete() would do, without loading every row first)."""
    sharings = Sharing.objects.filter(melding_id__in=_among(ids))
    QualitativeSignal.objects.filter(sharing__in=sharings).update(sharing=None)
    for model, column in MELDING_SET_NULL:
        model._default_manager.filter(**{f"{column}__in": _among(ids)}).update(**{column: None})
    for model, column in MELDING_CASCADE:
        model._default_manager.filter(**{f"{column}__in": _among(ids)})._raw_delete(
            connection.alias
        )
    Melding.objects.filter(id__in=_among(ids))._raw_delete(connection.alias)


def _among(ids: list[int]) -> list[int] | RawSQL:
    """The right-hand side of an `__in` lookup on these ids. On PostgreSQL one
    array parameter: thousands of separate parameters cost more to write out
    and parse than the statement costs to run."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return ids


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
        purged = purge_organisation(regulation=regulation, now=now)
        if purged:
            report[regulation.organisation_id] = purged
            _tell_coordinators(regulation.organisation, purged, now)
    tombstone_audit_entries(
        organisation_id=PLATFORM_CHAIN, retention_days=DEFAULT_RETENTION_DAYS, now=now
    )
    return report


def purge_organisation(*, regulation: ComplaintRegulation, now: dt.datetime) -> Purged:
    """Purge one organisation's expired complaints and meldingen and empty its
    expired audit entries; return what was purged (nobody is told here)."""
    purged = Purged()
    _purge_complaints(regulation, now, purged)
    _purge_meldingen(regulation, now, purged)
    tombstone_audit_entries(
        organisation_id=regulation.organisation_id,
        retention_days=regulation.audit_retention_days,
        now=now,
    )
    return purged


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
