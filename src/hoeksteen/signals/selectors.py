"""Reading signals: the yearly report and the qualitative signals.

An ended year's report is the publication kept when the year was first
published (`freezing`); only a year not yet kept is counted (`counting`),
and then kept unless nothing was counted in it. Every reader therefore sees
the same figures of a year, in the page, the chart, the CSV file and the
annual report, whatever changed since. The rows that gather small
categories and departments are named here, in the reader's language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from hoeksteen.access import policy
from hoeksteen.core import clock
from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.people.models import User
from hoeksteen.practice.models import Department, Melding
from hoeksteen.signals import counting, rules
from hoeksteen.signals.figures import figures_of, publication_of
from hoeksteen.signals.freezing import publication_freeze
from hoeksteen.signals.models import FrozenPublication, QualitativeSignal
from hoeksteen.signals.suppression import Granularity, Publication, PublishedTable
from hoeksteen.signals.traceability import TraceWarning, traceability_warnings


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
    published: bool  # False until the year is published: then nothing is counted yet
    published_on: dt.date  # the day it is (or was) published
    fixed_at: dt.datetime | None  # when the figures were fixed; None while they are not

    @property
    def coarsened(self) -> bool:
        return self.granularity != self.requested

    @property
    def has_figures(self) -> bool:
        return self.table.grand_total != 0


def k_threshold(organisation: Organisation) -> int:
    return ComplaintRegulation.objects.get(organisation=organisation).k_threshold


def period_labels(granularity: Granularity, year: int) -> tuple[str, ...]:
    if granularity is Granularity.QUARTER:
        return tuple(_("Q%(number)s") % {"number": n} for n in range(1, 5))
    if granularity is Granularity.HALF:
        return tuple(_("H%(number)s") % {"number": n} for n in range(1, 3))
    return (str(year),)


@dataclasses.dataclass(frozen=True)
class _Shown:
    publication: Publication
    fixed_at: dt.datetime | None  # None: counted for this reader, not kept


# The words of the rows that gather small categories and departments, which
# a publication keeps as `figures.OTHER`: in the reader's language.
_Labels = dict[str, str]


def _other_labels() -> _Labels:
    return {
        "other_categories": _("Other categories"),
        "other_departments": _("Other departments or none"),
    }


def _from_kept(frozen: FrozenPublication, labels: _Labels) -> _Shown:
    return _Shown(publication_of(frozen.figures, k=frozen.k, **labels), frozen.frozen_at)


def _kept(
    kept: QuerySet[FrozenPublication], organisation_id: int, year: int, today: dt.date
) -> _Shown | None:
    """The kept publication of `year` among `kept`, if the year is published and one is."""
    if not counting.is_published(year, today):
        return None
    frozen = kept.filter(organisation_id=organisation_id, year=year).first()
    return None if frozen is None else _from_kept(frozen, _other_labels())


def _counted(
    organisation_id: int,
    year: int,
    today: dt.date,
    computed: Publication,
    actor: User | None,
    labels: _Labels,
) -> _Shown:
    """A publication just counted: kept first when its year is published, and
    shown through the stored form either way, so a reader sees exactly what
    is (or would be) kept."""
    if counting.is_published(year, today):
        frozen, _created = publication_freeze(
            organisation_id=organisation_id,
            year=year,
            publication=computed,
            actor=actor,
            now=clock.now(),
        )
        if frozen is not None:  # ours, or the one another reader kept first
            return _from_kept(frozen, labels)
    return _Shown(publication_of(figures_of(computed), k=computed.k, **labels), None)


def _count_one(organisation_id: int, year: int, today: dt.date, actor: User | None) -> _Shown:
    computed = counting.computed_publications(
        year=year, today=today, organisation_ids=[organisation_id]
    )[organisation_id]
    return _counted(organisation_id, year, today, computed, actor, _other_labels())


def publication_for(*, organisation: Organisation, year: int, today: dt.date) -> Publication:
    """The organisation's publication of `year`: once the year is published, the
    one kept when it was first published (no access check)."""
    kept = _kept(FrozenPublication.objects.all(), organisation.pk, year, today)
    return (kept or _count_one(organisation.pk, year, today, None)).publication


def publications_of_year(*, year: int, today: dt.date) -> dict[int, Publication]:
    """Every organisation's publication of `year`, by organisation id: for the
    annual job and platform figures, not for a person (no access check).

    The kept publications come in one query; the organisations whose year is
    not kept yet are counted together, in one GROUP BY, and kept.
    """
    labels = _other_labels()  # translated once, not per organisation
    shown: dict[int, Publication] = {}
    if counting.is_published(year, today):
        for frozen in FrozenPublication.objects.filter(year=year):
            shown[frozen.organisation_id] = _from_kept(frozen, labels).publication
    missing = [
        pk
        for pk in ComplaintRegulation.objects.values_list("organisation_id", flat=True)
        if pk not in shown
    ]
    if missing:
        computed = counting.computed_publications(year=year, today=today, organisation_ids=missing)
        for organisation_id, publication in computed.items():
            shown[organisation_id] = _counted(
                organisation_id, year, today, publication, None, labels
            ).publication
    return shown


def signals_report(
    *,
    user: policy.AnyUser,
    organisation: Organisation,
    year: int,
    granularity: Granularity,
    today: dt.date,
) -> SignalsReport:
    """The report for the coordinator and the VPs of `organisation`; 404 for anyone else."""
    # A kept year that the policy lets this reader read is itself the proof
    # that they may read the report: one query for the usual case.
    seen = _kept(policy.visible_to(user, FrozenPublication), organisation.pk, year, today)
    if seen is None:
        if not rules.may_see_signals(user, organisation):
            raise Http404
        seen = _count_one(organisation.pk, year, today, user if isinstance(user, User) else None)
    publication = seen.publication
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
        published=counting.is_published(year, today),
        published_on=counting.publication_date(year),
        fixed_at=seen.fixed_at,
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
