"""Reading signals: the yearly report and the qualitative signals.

The report never reads a melding into Python. It counts in the database —
one GROUP BY over category, department and quarter — and hands the counts to
the pure `suppression.publish_year`; only its published figures leave this
module. The coordinator may not see meldingen (invariant 2), so this is the
one place that reads `Melding` outside `policy.visible_to`: to count.

Which meldingen are counted: all of them. Counting in suppressed aggregates
is the narrowest use there is — `ConsentForm.AGGREGATE`, "only counted in
aggregates", is the smallest form a consent can take, and no form says "not
even counted". So no consent forbids counting, and the report does not look
at consents. Free text is another matter: see `QualitativeSignal`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from hoeksteen.access import policy
from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.people.models import User
from hoeksteen.practice.models import Department, Melding, MeldingCategory
from hoeksteen.privacy.models import RetainedMeldingCount
from hoeksteen.signals import rules
from hoeksteen.signals.models import QualitativeSignal
from hoeksteen.signals.suppression import (
    Granularity,
    Publication,
    PublishedTable,
    publish_year,
)
from hoeksteen.signals.traceability import TraceWarning, traceability_warnings

QUARTER_STARTS = ((1, 1), (4, 1), (7, 1), (10, 1))  # (month, day)


@dataclasses.dataclass(frozen=True)
class SignalsReport:
    """One granularity of an organisation's publication for one year."""

    organisation: Organisation
    year: int
    k: int
    requested: Granularity
    granularity: Granularity  # coarser than requested when that was too revealing
    table: PublishedTable
    period_labels: tuple[str, ...]
    departments: PublishedTable | None
    merged_categories: tuple[str, ...]
    published: bool  # False until the year has ended: then nothing is counted yet

    @property
    def coarsened(self) -> bool:
        return self.granularity != self.requested

    @property
    def has_figures(self) -> bool:
        return self.table.grand_total != 0


def k_threshold(organisation: Organisation) -> int:
    return ComplaintRegulation.objects.get(organisation=organisation).k_threshold


def counting_window(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of what is counted: the whole year once it has ended, else nothing.

    A year is protected as a whole — whether a quarter's count is hidden
    depends on the other quarters too — so it is published once, complete.
    Publishing it quarter by quarter would give several differently
    protected versions of the same first quarter, and those could be laid
    side by side; the page would also change the day a new melding counts.
    """
    start = dt.date(year, 1, 1)
    return (start, dt.date(year + 1, 1, 1)) if year < today.year else (start, start)


def _quarter(year: int) -> Case:
    """Which quarter (0-3) a melding's first conversation fell in, computed in SQL."""
    whens = [
        When(first_contact_on__lt=dt.date(year, month, day), then=Value(q - 1))
        for q, (month, day) in enumerate(QUARTER_STARTS[1:], start=1)
    ]
    return Case(*whens, default=Value(3), output_field=IntegerField())


def melding_counts(
    *, organisation: Organisation, start: dt.date, end: dt.date
) -> QuerySet[Any, Any]:
    """Counts per category, department and quarter in [start, end): one GROUP BY.

    One query for both breakdowns, so the category and department figures
    come from the same snapshot and always add up to the same total.
    """
    return (
        Melding.objects.filter(
            organisation=organisation, first_contact_on__gte=start, first_contact_on__lt=end
        )
        .order_by()
        .values("category_id", "department_id", quarter=_quarter(start.year))
        .annotate(count=Count("id"))
    )


def all_melding_counts(*, start: dt.date, end: dt.date) -> QuerySet[Any, Any]:
    """`melding_counts` of every organisation, in one GROUP BY."""
    return (
        Melding.objects.filter(first_contact_on__gte=start, first_contact_on__lt=end)
        .order_by()
        .values("organisation_id", "category_id", "department_id", quarter=_quarter(start.year))
        .annotate(count=Count("id"))
    )


def _quarters_in(start: dt.date, end: dt.date) -> int:
    """How many quarters of the year the window [start, end) covers (0 to 4)."""
    if end <= start:
        return 0
    last_day = end - dt.timedelta(days=1)
    return (last_day.month - 1) // 3 + 1


def period_labels(granularity: Granularity, year: int) -> tuple[str, ...]:
    if granularity is Granularity.QUARTER:
        return tuple(_("Q%(number)s") % {"number": n} for n in range(1, 5))
    if granularity is Granularity.HALF:
        return tuple(_("H%(number)s") % {"number": n} for n in range(1, 3))
    return (str(year),)


def publication_for(*, organisation: Organisation, year: int, today: dt.date) -> Publication:
    """The year's publication, from the counts of the quarters that have ended."""
    start, end = counting_window(year, today)
    rows = list(melding_counts(organisation=organisation, start=start, end=end))
    rows += _retained_counts(
        RetainedMeldingCount.objects.filter(organisation=organisation), year, start, end
    )
    return _publish(
        rows,
        k=k_threshold(organisation),
        categories=MeldingCategory.objects.filter(organisation=organisation).values_list(
            *_CATEGORY
        ),
        departments=Department.objects.filter(organisation=organisation).values_list(*_DEPARTMENT),
        labels=_other_labels(),
    )


def publications_of_year(*, year: int, today: dt.date) -> dict[int, Publication]:
    """Every organisation's publication for `year`, by organisation id: for the
    annual job and platform figures, not for a person (no access check).

    One GROUP BY over all organisations' meldingen and one query each for
    the kept counts, thresholds, categories and departments, whatever the
    number of organisations.
    """
    start, end = counting_window(year, today)
    rows: dict[int, list[Mapping[str, Any]]] = {}
    counts = all_melding_counts(start=start, end=end)
    kept = _retained_counts(RetainedMeldingCount.objects.all(), year, start, end)
    for row in [*counts, *kept]:
        rows.setdefault(row["organisation_id"], []).append(row)
    categories: dict[int, list[_Category]] = {}
    for organisation_id, pk, name, is_active in MeldingCategory.objects.values_list(
        "organisation_id", *_CATEGORY
    ):
        categories.setdefault(organisation_id, []).append((pk, name, is_active))
    departments: dict[int, list[_Department]] = {}
    for organisation_id, pk, name in Department.objects.values_list(
        "organisation_id", *_DEPARTMENT
    ):
        departments.setdefault(organisation_id, []).append((pk, name))
    thresholds = ComplaintRegulation.objects.values_list("organisation_id", "k_threshold")
    labels = _other_labels()  # translated once, not per organisation
    return {
        organisation_id: _publish(
            rows.get(organisation_id, []),
            k=k,
            categories=categories.get(organisation_id, []),
            departments=departments.get(organisation_id, []),
            labels=labels,
        )
        for organisation_id, k in thresholds
    }


def _retained_counts(
    kept: QuerySet[RetainedMeldingCount], year: int, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """Meldingen purged by their retention term left their counts behind."""
    return [
        {
            "organisation_id": cell.organisation_id,
            "category_id": cell.category_id,
            "department_id": cell.department_id,
            "quarter": cell.quarter - 1,
            "count": cell.count,
        }
        for cell in kept.filter(year=year, quarter__lte=_quarters_in(start, end))
    ]


# Categories and departments as (pk, name, is_active) and (pk, name): the
# report needs no more of them, and model instances cost more than the
# suppression when every organisation is published at once.
_Category = tuple[int, str, bool]
_Department = tuple[int, str]
_CATEGORY = ("pk", "name", "is_active")
_DEPARTMENT = ("pk", "name")


def _other_labels() -> tuple[str, str]:
    """The rows that gather small categories and departments, in the active language."""
    return _("Other categories"), _("Other departments or none")


def _publish(
    rows: list[Mapping[str, Any]],
    *,
    k: int,
    categories: Iterable[_Category],
    departments: Iterable[_Department],
    labels: tuple[str, str],
) -> Publication:
    by_category: dict[int, list[int]] = {}
    by_department: dict[int | None, int] = {}
    for row in rows:
        by_category.setdefault(row["category_id"], [0, 0, 0, 0])[row["quarter"]] += row["count"]
        by_department[row["department_id"]] = (
            by_department.get(row["department_id"], 0) + (row["count"])
        )
    return publish_year(
        categories=[
            (name, tuple(by_category.get(pk, (0, 0, 0, 0))))
            for pk, name, is_active in categories
            if is_active or pk in by_category
        ],
        departments=[(name, by_department.get(pk, 0)) for pk, name in departments],
        unassigned=by_department.get(None, 0),
        k=k,
        other_categories=labels[0],
        other_departments=labels[1],
    )


def signals_report(
    *,
    user: policy.AnyUser,
    organisation: Organisation,
    year: int,
    granularity: Granularity,
    today: dt.date,
) -> SignalsReport:
    """The report for the coordinator and the VPs of `organisation`; 404 for anyone else."""
    if not rules.may_see_signals(user, organisation):
        raise Http404
    publication = publication_for(organisation=organisation, year=year, today=today)
    shown, table = publication.table_for(granularity)
    return SignalsReport(
        organisation=organisation,
        year=year,
        k=publication.k,
        requested=granularity,
        granularity=shown,
        table=table,
        period_labels=period_labels(shown, year),
        departments=publication.departments,
        merged_categories=publication.merged_categories,
        published=year < today.year,
    )


def released_signals(
    *, user: policy.AnyUser, organisation: Organisation, year: int
) -> QuerySet[QualitativeSignal]:
    """Released qualitative signals of `year` that `user` may read."""
    return policy.visible_to(user, QualitativeSignal).filter(
        organisation=organisation, year=year, released_at__isnull=False
    )


def signals_of_author(*, user: User, organisation: Organisation) -> QuerySet[QualitativeSignal]:
    return policy.visible_to(user, QualitativeSignal).filter(organisation=organisation, author=user)


def signal_of_author(*, user: User, organisation: Organisation, pk: int) -> QualitativeSignal:
    """One of the user's own signals, or 404."""
    return policy.get_visible(
        user, QualitativeSignal, organisation=organisation, author=user, pk=pk
    )


def meldingen_for_signal(*, user: User, organisation: Organisation) -> QuerySet[Melding]:
    """The author's own meldingen, to say a signal is about one of them."""
    return (
        policy.visible_to(user, Melding)
        .filter(organisation=organisation)
        .select_related("category")
        .order_by("-first_contact_on", "-id")
    )


def signal_warnings(*, signal: QualitativeSignal, today: dt.date) -> list[TraceWarning]:
    """The traceability warnings for a signal's text, with the organisation's words to look for.

    Reads the names of the organisation's people and the author's own melder
    references only to look for them in the text; they are not shown, except
    where the author wrote them.
    """
    organisation = signal.organisation
    people = User.objects.filter(memberships__organisation=organisation).values_list(
        "first_name", "last_name"
    )
    names = {name for pair in people for name in pair if name}
    author = signal.author
    references = (
        policy.visible_to(author, Melding)
        .filter(organisation=organisation)
        .exclude(melder_reference="")
        .values_list("melder_reference", flat=True)
    )
    k = k_threshold(organisation)
    counts = dict(
        Melding.objects.filter(
            organisation=organisation,
            first_contact_on__gte=dt.date(signal.year, 1, 1),
            first_contact_on__lt=dt.date(signal.year + 1, 1, 1),
            department__isnull=False,
        )
        .order_by()
        .values_list("department_id")
        .annotate(count=Count("id"))
        .values_list("department_id", "count")
    )
    small_departments = [
        department.name
        for department in Department.objects.filter(organisation=organisation)
        if counts.get(department.pk, 0) < k
    ]
    return traceability_warnings(
        signal.text,
        names=names,
        melder_references=set(references),
        small_departments=small_departments,
        today=today,
    )
