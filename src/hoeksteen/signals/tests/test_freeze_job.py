"""The tick freezes last year's publication of every organisation once the year has ended."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from pathlib import Path

import pytest

from hoeksteen.audit.models import AuditEntry
from hoeksteen.organisations.models import ComplaintRegulation, Organisation
from hoeksteen.outbox.tick import run_tick
from hoeksteen.people.models import User
from hoeksteen.practice.models import Melding
from hoeksteen.signals import counting
from hoeksteen.signals.figures import figures_of
from hoeksteen.signals.freezing import ended_year_freeze
from hoeksteen.signals.models import FrozenPublication
from hoeksteen.signals.tests.conftest import YEAR
from hoeksteen.testing.factories import OrganisationFactory
from hoeksteen.testing.threads import at_once, runners_database

AddMeldingen = Callable[..., list[Melding]]
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
# Five minutes into the day YEAR is published (1 February) where the
# organisations are, and still 31 January in UTC: a job that took the date in
# UTC would not freeze it yet.
NEW_YEAR = dt.datetime(YEAR + 1, 2, 1, 0, 5, tzinfo=AMSTERDAM)


@pytest.fixture
def organisations(acme: Organisation, add_meldingen: AddMeldingen) -> dict[str, Organisation]:
    """Four organisations with meldingen the year before, and in the new year:

    acme and busy (k 3) with meldingen last year (YEAR); quiet without; and
    one that joined Hoeksteen after last year ended, with its history of
    last year registered since.
    """
    busy, quiet, joined = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    ComplaintRegulation.objects.filter(organisation=busy).update(k_threshold=3)
    named = {"acme": acme, "busy": busy, "quiet": quiet, "joined later": joined}
    for name, organisation in named.items():
        vp = User.objects.create(username=f"vp-{organisation.slug}")
        days = [dt.date(YEAR - 1, 6, 1), dt.date(YEAR + 1, 1, 1)]
        if name != "quiet":
            days += [dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)]
        rows = [(0, None, day) for day in days for _ in range(4)]
        add_meldingen(rows, organisation=organisation, holder=vp)
    Organisation.objects.update(created_at=dt.datetime(YEAR - 2, 5, 1, tzinfo=dt.UTC))
    Organisation.objects.filter(pk=joined.pk).update(created_at=NEW_YEAR - dt.timedelta(minutes=1))
    return named


def _kept() -> dict[tuple[int, int], FrozenPublication]:
    return {(f.organisation_id, f.year): f for f in FrozenPublication.objects.all()}


def test_it_freezes_the_year_that_has_just_ended_for_every_organisation_that_was_here(
    organisations: dict[str, Organisation],
) -> None:
    acme, busy = organisations["acme"].pk, organisations["busy"].pk

    done = run_tick(now=NEW_YEAR)

    kept = _kept()
    assert set(kept) == {(acme, YEAR), (busy, YEAR)}
    assert done["signals.freeze_ended_year"] == 2
    counted = counting.computed_publications(
        year=YEAR, today=NEW_YEAR.date(), organisation_ids=[acme, busy]
    )
    for (organisation_id, _year), frozen in kept.items():
        assert frozen.figures == figures_of(counted[organisation_id])
        assert frozen.frozen_at == NEW_YEAR
    assert kept[acme, YEAR].k == 5
    assert kept[busy, YEAR].k == 3
    entries = AuditEntry.objects.filter(action="signals.publication_frozen")
    assert sorted((e.organisation_id, e.actor_id, e.detail["k"]) for e in entries) == [
        (acme, None, 5),
        (busy, None, 3),
    ]
    assert all(e.detail == {"year": YEAR, "k": e.detail["k"]} for e in entries)


def test_it_freezes_nothing_of_a_year_before_it_is_published(
    organisations: dict[str, Organisation],
) -> None:
    # Ten minutes before 1 February: the year has ended, but meldingen of its
    # last weeks may still be registered.
    assert ended_year_freeze(now=NEW_YEAR - dt.timedelta(minutes=10)) == 0
    assert _kept() == {}

    # On the last day of YEAR, the year before (published on 1 February of
    # YEAR) is frozen for the three organisations that were here in it.
    ended_year_freeze(now=dt.datetime(YEAR, 12, 31, 23, 55, tzinfo=AMSTERDAM))
    assert {year for _organisation, year in _kept()} == {YEAR - 1}
    assert len(_kept()) == 3


def test_it_freezes_each_year_once_however_often_it_runs(
    organisations: dict[str, Organisation], add_meldingen: AddMeldingen
) -> None:
    assert ended_year_freeze(now=NEW_YEAR) == 2
    first = {key: (f.pk, f.frozen_at, f.figures) for key, f in _kept().items()}
    add_meldingen([(1, None, dt.date(YEAR, 5, 1))] * 9)  # late, for acme

    assert ended_year_freeze(now=NEW_YEAR + dt.timedelta(minutes=1)) == 0
    assert ended_year_freeze(now=NEW_YEAR + dt.timedelta(days=40)) == 0

    assert {key: (f.pk, f.frozen_at, f.figures) for key, f in _kept().items()} == first
    assert AuditEntry.objects.filter(action="signals.publication_frozen").count() == 2


@pytest.mark.django_db(transaction=True)
def test_it_freezes_each_year_once_with_two_runners_at_once(
    organisations: dict[str, Organisation], tmp_path: Path
) -> None:
    database = runners_database(tmp_path)

    done = at_once(lambda: ended_year_freeze(now=NEW_YEAR), runners=2, database=database)

    (kept,) = at_once(
        lambda: list(FrozenPublication.objects.values_list("organisation_id", "year")),
        runners=1,
        database=database,
    )
    assert sorted(kept) == sorted(
        [(organisations["acme"].pk, YEAR), (organisations["busy"].pk, YEAR)]
    )
    assert sum(done) == 2
