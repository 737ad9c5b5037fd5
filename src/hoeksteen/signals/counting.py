"""Counting meldingen and publishing the counts (invariant 3).

Nothing here reads a melding into Python. The counts come from one GROUP BY
over organisation, category, department and quarter, and go to the pure
`suppression.publish_year`; only its published figures leave this module.
The coordinator may not see meldingen (invariant 2), so this is the one
place that reads `Melding` outside `policy.visible_to`: to count. Who may
read a publication is the selectors' business, and keeping it once
published is `freezing`'s.

Which meldingen are counted: all of them. Counting in suppressed aggregates
is the narrowest use there is — `ConsentForm.AGGREGATE`, "only counted in
aggregates", is the smallest form a consent can take, and no form says "not
even counted". So no consent forbids counting, and the report does not look
at consents. Free text is another matter: see `QualitativeSignal`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from hoeksteen.organisations.models import ComplaintRegulation
from hoeksteen.practice.models import Department, Melding, MeldingCategory
from hoeksteen.privacy.models import RetainedMeldingCount
from hoeksteen.signals.figures import OTHER
from hoeksteen.signals.suppression import Publication, publish_year

QUARTER_STARTS = ((1, 1), (4, 1), (7, 1), (10, 1))  # (month, day)


# A year is published a month after it ends, not on New Year's Day: meldingen
# of its last weeks are often registered in January, and a published year is
# never counted again (signals.freezing).
PUBLISHED_FROM = (2, 1)  # month and day of the next year


def publication_date(year: int) -> dt.date:
    """The day `year` is published (and its figures fixed)."""
    return dt.date(year + 1, *PUBLISHED_FROM)


def is_published(year: int, today: dt.date) -> bool:
    return today >= publication_date(year)


def counting_window(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end) of what is counted: the whole year once it is published
    (a month after it ended), else nothing.

    A year is protected as a whole — whether a quarter's count is hidden
    depends on the other quarters too — so it is published once, complete.
    Publishing it quarter by quarter would give several differently
    protected versions of the same first quarter, and those could be laid
    side by side; the page would also change the day a new melding counts.
    """
    start = dt.date(year, 1, 1)
    return (start, dt.date(year + 1, 1, 1)) if is_published(year, today) else (start, start)


def _quarter(year: int) -> Case:
    """Which quarter (0-3) a melding's first conversation fell in, computed in SQL."""
    whens = [
        When(first_contact_on__lt=dt.date(year, month, day), then=Value(q - 1))
        for q, (month, day) in enumerate(QUARTER_STARTS[1:], start=1)
    ]
    return Case(*whens, default=Value(3), output_field=IntegerField())


def melding_counts(
    *, start: dt.date, end: dt.date, organisation_ids: Collection[int] | None = None
) -> QuerySet[Any, Any]:
    """Counts per organisation, category, department and quarter in [start, end):
    one GROUP BY, over every organisation or the ones named.

    One query for both breakdowns, so the category and department figures
    come from the same snapshot and always add up to the same total.
    """
    meldingen = Melding.objects.filter(first_contact_on__gte=start, first_contact_on__lt=end)
    if organisation_ids is not None:
        meldingen = meldingen.filter(organisation_id__in=organisation_ids)
    return (
        meldingen.order_by()
        .values("organisation_id", "category_id", "department_id", quarter=_quarter(start.year))
        .annotate(count=Count("id"))
    )


def organisations_counted(
    *, year: int, today: dt.date, organisation_ids: Collection[int]
) -> set[int]:
    """Which of these organisations count at least one melding in `year`:
    two index lookups, no GROUP BY."""
    start, end = counting_window(year, today)
    meldingen = Melding.objects.filter(
        organisation_id__in=organisation_ids, first_contact_on__gte=start, first_contact_on__lt=end
    )
    kept = RetainedMeldingCount.objects.filter(
        organisation_id__in=organisation_ids,
        year=year,
        quarter__lte=_quarters_in(start, end),
        count__gt=0,
    )
    return {
        *meldingen.order_by().values_list("organisation_id", flat=True).distinct(),
        *kept.order_by().values_list("organisation_id", flat=True).distinct(),
    }


def _quarters_in(start: dt.date, end: dt.date) -> int:
    """How many quarters of the year the window [start, end) covers (0 to 4)."""
    if end <= start:
        return 0
    last_day = end - dt.timedelta(days=1)
    return (last_day.month - 1) // 3 + 1


def computed_publications(
    *, year: int, today: dt.date, organisation_ids: Collection[int] | None = None
) -> dict[int, Publication]:
    """The publication of `year` of every organisation (or of those named), by
    id, computed from the meldingen and the counts the purge kept.

    One GROUP BY and one query each for the kept counts, thresholds,
    categories and departments, whatever the number of organisations. The
    rows that gather small categories and departments are labelled
    `figures.OTHER`, to be named in the reader's language.
    """
    start, end = counting_window(year, today)
    rows: dict[int, list[Mapping[str, Any]]] = {}
    kept = RetainedMeldingCount.objects.all()
    categories = MeldingCategory.objects.all()
    departments = Department.objects.all()
    thresholds = ComplaintRegulation.objects.all()
    if organisation_ids is not None:
        kept = kept.filter(organisation_id__in=organisation_ids)
        categories = categories.filter(organisation_id__in=organisation_ids)
        departments = departments.filter(organisation_id__in=organisation_ids)
        thresholds = thresholds.filter(organisation_id__in=organisation_ids)
    counts = melding_counts(start=start, end=end, organisation_ids=organisation_ids)
    for row in [*counts, *_retained_counts(kept, year, start, end)]:
        rows.setdefault(row["organisation_id"], []).append(row)
    categories_of: dict[int, list[_Category]] = {}
    for organisation_id, pk, name, is_active in categories.values_list(
        "organisation_id", "pk", "name", "is_active"
    ):
        categories_of.setdefault(organisation_id, []).append((pk, name, is_active))
    departments_of: dict[int, list[_Department]] = {}
    for organisation_id, pk, name in departments.values_list("organisation_id", "pk", "name"):
        departments_of.setdefault(organisation_id, []).append((pk, name))
    return {
        organisation_id: _publish(
            rows.get(organisation_id, []),
            k=k,
            categories=categories_of.get(organisation_id, []),
            departments=departments_of.get(organisation_id, []),
        )
        for organisation_id, k in thresholds.values_list("organisation_id", "k_threshold")
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


# Categories and departments as (pk, name, is_active) and (pk, name), in the
# models' order: the report needs no more of them, and model instances cost
# more than the suppression when every organisation is published at once.
_Category = tuple[int, str, bool]
_Department = tuple[int, str]


def _publish(
    rows: list[Mapping[str, Any]],
    *,
    k: int,
    categories: Iterable[_Category],
    departments: Iterable[_Department],
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
        other_categories=OTHER,
        other_departments=OTHER,
    )
