"""An ended year's publication is kept when first published and shown ever after.

Whatever changes later — a melding registered late, another k, a renamed or
merged category, meldingen purged — the figures of a kept year stay the same
to the byte, in every granularity; and what is kept is what was published,
nothing more.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from django.utils import translation

from hoeksteen.access import policy
from hoeksteen.audit.models import AuditEntry
from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.people.models import User
from hoeksteen.practice.models import Department, Melding, MeldingCategory
from hoeksteen.privacy.models import RetainedMeldingCount
from hoeksteen.signals import counting, selectors
from hoeksteen.signals.figures import OTHER, figures_of
from hoeksteen.signals.models import FrozenPublication
from hoeksteen.signals.suppression import Granularity, publish_year
from hoeksteen.signals.tests.conftest import YEAR
from hoeksteen.signals.tests.test_report import _random_rows
from hoeksteen.testing.factories import OrganisationFactory
from hoeksteen.testing.threads import at_once, runners_database

AddMeldingen = Callable[..., list[Melding]]


@pytest.fixture
def year_with_other_rows(
    acme: Organisation, departments: list[Department], add_meldingen: AddMeldingen
) -> None:
    """Two common categories, five rare ones that are published together as
    "Other categories", one department large enough to be named."""
    quarters = {0: (8, 8, 8, 8), 1: (6, 5, 7, 6), **dict.fromkeys(range(2, 7), (2, 1, 1, 0))}
    rows: list[tuple[int, Department | None, dt.date]] = []
    for category, counts in quarters.items():
        for quarter, n in enumerate(counts):
            day = dt.date(YEAR, 3 * quarter + 1, 15)
            department = departments[0] if category == 0 else None
            rows += [(category, department, day)] * n
    add_meldingen(rows)


def _report(user: User, granularity: Granularity = Granularity.QUARTER) -> selectors.SignalsReport:
    return selectors.signals_report(
        user=user,
        organisation=user.memberships.get().organisation,
        year=YEAR,
        granularity=granularity,
        today=dt.date(YEAR + 1, 3, 1),
    )


def _published(client: Client) -> dict[str, bytes]:
    """Every granularity of the year as a reader downloads it."""
    return {
        granularity.value: client.get(
            f"/o/acme/signalen/tabel.csv?year={YEAR}&granularity={granularity.value}"
        ).content
        for granularity in Granularity
    }


def _computed(acme: Organisation) -> dict[str, Any]:
    """What counting the year again now would publish."""
    publication = counting.computed_publications(
        year=YEAR, today=dt.date(YEAR + 1, 3, 1), organisation_ids=[acme.pk]
    )[acme.pk]
    return figures_of(publication)


# --- what changes later does not change a kept year -------------------------------


def _late_melding(acme: Organisation, add_meldingen: AddMeldingen) -> None:
    add_meldingen([(0, None, dt.date(YEAR, 2, 1)), (2, None, dt.date(YEAR, 11, 1))])


def _other_k(acme: Organisation, add_meldingen: AddMeldingen) -> None:
    ComplaintRegulation.objects.filter(organisation=acme).update(k_threshold=8)


def _renamed_category(acme: Organisation, add_meldingen: AddMeldingen) -> None:
    first = MeldingCategory.objects.filter(organisation=acme).first()
    assert first is not None
    first.name = "Ongewenste omgangsvormen"
    first.save()


def _merged_category(acme: Organisation, add_meldingen: AddMeldingen) -> None:
    first, second = MeldingCategory.objects.filter(organisation=acme)[:2]
    Melding.objects.filter(category=second).update(category=first)
    MeldingCategory.objects.filter(pk=second.pk).update(is_active=False)


def _purged(acme: Organisation, add_meldingen: AddMeldingen) -> None:
    from hoeksteen.privacy.retention import purge_expired

    Melding.objects.filter(organisation=acme).update(closed_on=dt.date(YEAR, 12, 1))
    purge_expired(now=dt.datetime(YEAR + 2, 1, 1, tzinfo=dt.UTC))
    assert not Melding.objects.filter(organisation=acme).exists()
    # Even when the counts the purge kept are gone too, the year stays as published.
    RetainedMeldingCount.objects.filter(organisation=acme).delete()


CHANGES = {
    "a late melding": _late_melding,
    "another k": _other_k,
    "a renamed category": _renamed_category,
    "a merged category": _merged_category,
    "a purge": _purged,
}


@pytest.mark.usefixtures("year_with_other_rows")
@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_it_shows_a_kept_year_to_the_byte_as_first_published(
    change: Callable[[Organisation, AddMeldingen], None],
    acme: Organisation,
    coordinator: User,
    subject_vp: User,
    login_as: Callable[[User], Client],
    add_meldingen: AddMeldingen,
) -> None:
    client = login_as(coordinator)
    first = _published(client)
    reports = {g: _report(coordinator, g) for g in Granularity}
    counted_before = _computed(acme)

    change(acme, add_meldingen)

    assert _computed(acme) != counted_before, "counted again, the year would be different"
    assert _published(client) == first
    assert _published(login_as(subject_vp)) == first
    assert {g: _report(subject_vp, g) for g in Granularity} == reports
    assert FrozenPublication.objects.filter(organisation=acme).count() == 1


@pytest.mark.usefixtures("year_with_other_rows")
def test_it_keeps_the_names_as_published_and_names_the_other_rows_in_the_reader_language(
    acme: Organisation, coordinator: User
) -> None:
    english = _report(coordinator)
    _renamed_category(acme, lambda *_: [])
    with translation.override("nl"):
        dutch = _report(coordinator)

    assert english.table.row_labels == ("Intimidatie", "Seksuele intimidatie", "Other categories")
    assert dutch.table.row_labels == ("Intimidatie", "Seksuele intimidatie", "Overige categorieën")
    assert english.departments is not None
    assert dutch.departments is not None
    assert dutch.departments.row_labels == ("Financiën", "Overige afdelingen of geen")
    assert dutch.table.cells == english.table.cells
    assert (
        dutch.merged_categories
        == english.merged_categories
        == (
            "Pesten",
            "Agressie en geweld",
            "Discriminatie",
            "Integriteit",
            "Werkdruk / overig",
        )
    )


# --- what is kept ----------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_it_keeps_exactly_what_the_pure_function_publishes(
    seed: int,
    acme: Organisation,
    coordinator: User,
    departments: list[Department],
    add_meldingen: AddMeldingen,
) -> None:
    rng = random.Random(seed)
    rows = _random_rows(rng, rng.randrange(1, 160), departments, YEAR)
    add_meldingen(rows)
    # Counted here, from the rows, not by the code under test.
    quarters = [[0, 0, 0, 0] for _ in range(7)]
    per_department = dict.fromkeys(departments, 0)
    for category, department, day in rows:
        quarters[category][(day.month - 1) // 3] += 1
        if department is not None:
            per_department[department] += 1
    names = MeldingCategory.objects.filter(organisation=acme).values_list("name", flat=True)
    expected = publish_year(
        categories=[(name, tuple(q)) for name, q in zip(names, quarters, strict=True)],
        departments=[(d.name, per_department[d]) for d in sorted(departments, key=str)],
        unassigned=len(rows) - sum(per_department.values()),
        k=5,
        other_categories=OTHER,
        other_departments=OTHER,
    )

    _report(coordinator)

    kept = FrozenPublication.objects.get(organisation=acme, year=YEAR)
    assert kept.figures == figures_of(expected)
    assert kept.k == 5
    entry = AuditEntry.objects.get(organisation_id=acme.pk, action="signals.publication_frozen")
    assert entry.actor_id == coordinator.pk
    assert entry.detail == {"year": YEAR, "k": 5}


def test_it_keeps_neither_a_year_that_has_not_ended_nor_one_without_meldingen(
    acme: Organisation, coordinator: User, add_meldingen: AddMeldingen
) -> None:
    add_meldingen([(0, None, dt.date(YEAR + 1, 2, 1))] * 6)

    def report(year: int) -> selectors.SignalsReport:
        return selectors.signals_report(
            user=coordinator,
            organisation=acme,
            year=year,
            granularity=Granularity.YEAR,
            today=dt.date(YEAR + 1, 3, 1),
        )

    running, empty = report(YEAR + 1), report(YEAR)
    assert not running.published
    assert running.fixed_at is None
    assert empty.published
    assert empty.fixed_at is None
    assert empty.table.grand_total == 0
    assert not FrozenPublication.objects.exists()

    # Meldingen registered for a year nothing was published of count: it is kept now.
    add_meldingen([(0, None, dt.date(YEAR, 2, 1))] * 6)
    assert report(YEAR).table.grand_total == 6
    assert report(YEAR).fixed_at is not None
    assert FrozenPublication.objects.filter(organisation=acme, year=YEAR).exists()


@pytest.mark.usefixtures("year_with_other_rows")
@pytest.mark.time_machine(dt.datetime(YEAR + 1, 2, 3, 10, 0, tzinfo=dt.UTC), tick=False)
def test_it_tells_the_reader_when_the_figures_were_fixed(
    login_as: Callable[[User], Client], coordinator: User
) -> None:
    client = login_as(coordinator)
    english = client.get(f"/o/acme/signalen/?year={YEAR}", HTTP_ACCEPT_LANGUAGE="en")
    dutch = client.get(f"/o/acme/signalen/?year={YEAR}", HTTP_ACCEPT_LANGUAGE="nl")

    assert (
        f"These figures were fixed on Feb. 3, {YEAR + 1}, when {YEAR} was first published,"
        in english.content.decode()
    )
    assert (
        f"Deze cijfers zijn vastgesteld op 3 februari {YEAR + 1}, toen {YEAR} voor het eerst"
        in dutch.content.decode()
    )
    assert "Overige categorieën" in dutch.content.decode()


def test_it_reads_every_organisation_at_once_as_it_reads_each(
    acme: Organisation,
    coordinator: User,
    departments: list[Department],
    add_meldingen: AddMeldingen,
) -> None:
    rng = random.Random(7)
    add_meldingen(_random_rows(rng, 120, departments, YEAR))
    other, empty = OrganisationFactory(), OrganisationFactory()
    other_vp = User.objects.create(username="vp-other")
    add_meldingen([(0, None, dt.date(YEAR, 5, 1))] * 9, organisation=other, holder=other_vp)
    today = dt.date(YEAR + 1, 2, 1)
    _report(coordinator)  # acme's year is kept by its first reader, the others' not yet

    every = selectors.publications_of_year(year=YEAR, today=today)

    assert {f.organisation_id for f in FrozenPublication.objects.all()} == {acme.pk, other.pk}
    add_meldingen([(1, None, dt.date(YEAR, 6, 1))] * 9)  # late, for acme
    add_meldingen([(1, None, dt.date(YEAR, 6, 1))] * 9, organisation=other, holder=other_vp)
    assert selectors.publications_of_year(year=YEAR, today=today) == every
    for organisation in (acme, other, empty):
        each = selectors.publication_for(organisation=organisation, year=YEAR, today=today)
        assert every[organisation.pk] == each
    assert every[empty.pk].tables[-1].grand_total == 0


# --- who may read a kept year --------------------------------------------------------


@pytest.mark.usefixtures("year_with_other_rows")
def test_it_lets_only_the_organisation_readers_read_a_kept_year(
    acme: Organisation,
    coordinator: User,
    subject_vp: User,
    hr_handler: User,
    outsider: User,
    login_as: Callable[[User], Client],
) -> None:
    _report(coordinator)
    kept = FrozenPublication.objects.get(organisation=acme, year=YEAR)

    for reader in (coordinator, subject_vp):
        assert list(policy.visible_to(reader, FrozenPublication)) == [kept]
    for stranger in (hr_handler, outsider):
        assert not policy.visible_to(stranger, FrozenPublication).exists()
        with pytest.raises(Http404):
            selectors.signals_report(
                user=stranger,
                organisation=acme,
                year=YEAR,
                granularity=Granularity.YEAR,
                today=dt.date(YEAR + 1, 3, 1),
            )
        assert login_as(stranger).get(f"/o/acme/signalen/tabel.csv?year={YEAR}").status_code == 404


# --- two first readers at once ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("year_with_other_rows")
def test_it_keeps_one_publication_when_two_readers_are_first_at_once(
    coordinator: User, subject_vp: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both readers have looked for a kept year and found none before either
    # keeps one: the moment a check-then-write would let both write.
    both_counting = threading.Barrier(2)
    count = counting.computed_publications

    def count_when_both_have_looked(**kwargs: Any) -> Any:
        both_counting.wait(timeout=30)
        return count(**kwargs)

    monkeypatch.setattr(counting, "computed_publications", count_when_both_have_looked)
    readers = iter([coordinator, subject_vp])
    lock = threading.Lock()

    def read() -> selectors.SignalsReport:
        with lock:
            reader = next(readers)
        return _report(reader)

    database = runners_database(tmp_path)
    first, second = at_once(read, runners=2, database=database)

    (kept,) = at_once(
        lambda: list(FrozenPublication.objects.values_list("frozen_at", flat=True)),
        runners=1,
        database=database,
    )
    assert len(kept) == 1
    assert first.fixed_at == second.fixed_at == kept[0]
    assert first.table == second.table
