"""The report: counted in the database, published through the suppression, shown only
to the coordinator and the VPs, as a page, a chart, a CSV file and a PDF."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from collections.abc import Callable

import pytest
from django.http import Http404
from django.test import Client

from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.practice.models import Department, Melding, MeldingCategory
from hoeksteen.privacy.models import RetainedMeldingCount
from hoeksteen.signals import counting, selectors
from hoeksteen.signals.forms import default_year
from hoeksteen.signals.suppression import Granularity, publish_year
from hoeksteen.signals.tests.conftest import YEAR
from hoeksteen.testing.factories import OrganisationFactory

AddMeldingen = Callable[..., list[Melding]]


def _random_rows(
    rng: random.Random, count: int, departments: list[Department], year: int
) -> list[tuple[int, Department | None, dt.date]]:
    # Some categories common, some rare, so that every rule gets its turn.
    weights = [rng.choice([1, 1, 5, 20]) for _ in range(7)]
    return [
        (
            rng.choices(range(7), weights)[0],
            rng.choice([*departments, None]),
            dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365)),
        )
        for _ in range(count)
    ]


@pytest.mark.parametrize("seed", range(6))
def test_it_publishes_what_the_pure_function_publishes_from_the_same_meldingen(
    seed: int,
    acme: Organisation,
    coordinator: User,
    departments: list[Department],
    add_meldingen: AddMeldingen,
) -> None:
    rng = random.Random(seed)
    rows = _random_rows(rng, rng.randrange(0, 160), departments, YEAR)
    add_meldingen(rows)
    # Noise the report must not count: other years, another organisation.
    add_meldingen(_random_rows(rng, 20, departments, YEAR - 1))
    add_meldingen(_random_rows(rng, 5, departments, YEAR + 1))
    other = OrganisationFactory()
    other_vp = User.objects.create(username=f"vp-{seed}")
    add_meldingen([(0, None, dt.date(YEAR, 5, 1))] * 9, organisation=other, holder=other_vp)

    # What is expected is counted here, from the rows, not by the code under test.
    quarters = [[0, 0, 0, 0] for _ in range(7)]
    per_department = dict.fromkeys(departments, 0)
    unassigned = 0
    for category, department, day in rows:
        quarters[category][(day.month - 1) // 3] += 1
        if department is None:
            unassigned += 1
        else:
            per_department[department] += 1
    names = MeldingCategory.objects.filter(organisation=acme).values_list("name", flat=True)
    expected = publish_year(
        categories=[(name, tuple(q)) for name, q in zip(names, quarters, strict=True)],
        departments=[
            (d.name, per_department[d]) for d in sorted(departments, key=lambda d: d.name)
        ],
        unassigned=unassigned,
        k=5,
        other_categories="Other categories",
        other_departments="Other departments or none",
    )

    for granularity in Granularity:
        report = selectors.signals_report(
            user=coordinator,
            organisation=acme,
            year=YEAR,
            granularity=granularity,
            today=dt.date(YEAR + 1, 2, 1),
        )
        shown, table = expected.table_for(granularity)
        assert report.granularity == shown
        assert report.table == table
        assert report.departments == expected.departments
        assert report.merged_categories == expected.merged_categories


def test_it_publishes_a_year_only_a_month_after_it_has_ended(
    acme: Organisation, coordinator: User, add_meldingen: AddMeldingen
) -> None:
    add_meldingen([(0, None, dt.date(2025, 2, 1))] * 6 + [(0, None, dt.date(2025, 5, 1))] * 6)

    def report(today: dt.date) -> selectors.SignalsReport:
        return selectors.signals_report(
            user=coordinator,
            organisation=acme,
            year=2025,
            granularity=Granularity.YEAR,
            today=today,
        )

    # Published a month after the year ends, when the meldingen of its last
    # weeks have been registered.
    for before in (dt.date(2025, 4, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 31)):
        assert not report(before).published
        assert report(before).published_on == dt.date(2026, 2, 1)
        assert report(before).table.grand_total == 0, before
    assert report(dt.date(2026, 2, 1)).published
    assert report(dt.date(2026, 2, 1)).table.grand_total == 12


def test_it_shows_the_report_to_nobody_but_the_coordinator_and_the_vps(
    acme: Organisation,
    coordinator: User,
    subject_vp: User,
    hr_handler: User,
    complainant: User,
    outsider: User,
) -> None:
    def report(user: User) -> selectors.SignalsReport:
        return selectors.signals_report(
            user=user,
            organisation=acme,
            year=YEAR,
            granularity=Granularity.QUARTER,
            today=dt.date(YEAR + 1, 2, 1),
        )

    assert report(coordinator).year == YEAR
    assert report(subject_vp).year == YEAR
    for stranger in (hr_handler, complainant, outsider):
        with pytest.raises(Http404):
            report(stranger)


@pytest.fixture
def small_world(
    acme: Organisation, departments: list[Department], add_meldingen: AddMeldingen
) -> None:
    """A year with common and rare categories, and one large department."""
    rows: list[tuple[int, Department | None, dt.date]] = []
    for quarter in range(4):
        day = dt.date(YEAR, 3 * quarter + 1, 10)
        rows += [(0, departments[0], day)] * 9 + [(1, departments[1], day)] * 7
        rows += [(2, None, day)] * (quarter + 1)  # 1, 2, 3, 4: small every quarter
    rows += [(3, None, dt.date(YEAR, 8, 1))] * 2
    add_meldingen(rows)


PAGES = ("", "grafiek.svg", "tabel.csv", "jaarverslag.pdf")


@pytest.mark.usefixtures("small_world")
@pytest.mark.parametrize("page", PAGES)
def test_it_answers_strangers_as_if_the_pages_did_not_exist(
    login_as: Callable[[User], Client],
    hr_handler: User,
    complainant: User,
    outsider: User,
    page: str,
) -> None:
    for stranger in (hr_handler, complainant, outsider):
        response = login_as(stranger).get(f"/o/acme/signalen/{page}?year={YEAR}")
        assert response.status_code == 404, stranger


@pytest.mark.usefixtures("small_world")
def test_it_shows_the_coordinator_the_suppressed_table_with_its_explanation(
    login_as: Callable[[User], Client], coordinator: User
) -> None:
    response = login_as(coordinator).get(f"/o/acme/signalen/?year={YEAR}&granularity=quarter")
    assert response.status_code == 200
    report = response.context["report"]
    assert report.table.hidden_cells > 0
    page = response.content.decode()
    assert 'class="hidden-figure"' in page
    assert f"/o/acme/signalen/grafiek.svg?year={YEAR}&amp;granularity=quarter" in page
    assert f"/o/acme/signalen/tabel.csv?year={YEAR}" in page
    assert f"/o/acme/signalen/jaarverslag.pdf?year={YEAR}" in page
    assert "<script" not in page
    # The counts that were hidden are nowhere on the page: category 2 had 1-4 per quarter.
    for cells in report.table.cells:
        assert all(value is None or value == 0 or value >= 5 for value in cells)


@pytest.mark.usefixtures("small_world")
def test_it_lets_a_vp_see_the_report_and_write_a_signal(
    login_as: Callable[[User], Client], subject_vp: User
) -> None:
    response = login_as(subject_vp).get(f"/o/acme/signalen/?year={YEAR}")
    assert response.status_code == 200
    assert "/o/acme/signalen/schrijven/" in response.content.decode()


@pytest.mark.usefixtures("small_world")
def test_it_draws_the_chart_as_an_svg_without_scripts(
    login_as: Callable[[User], Client], coordinator: User
) -> None:
    response = login_as(coordinator).get(f"/o/acme/signalen/grafiek.svg?year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    svg = response.content.decode()
    assert svg.startswith(("<svg", "<?xml"))
    assert "<script" not in svg
    assert re.search(r"\son[a-z]+=", svg) is None, "no event handlers"
    english = login_as(coordinator).get(
        f"/o/acme/signalen/grafiek.svg?year={YEAR}&granularity=quarter", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Gap: hidden, fewer than 5 meldingen" in english.content.decode()


@pytest.mark.usefixtures("small_world")
@pytest.mark.parametrize("granularity", [g.value for g in Granularity])
def test_it_exports_only_published_figures_to_csv(
    login_as: Callable[[User], Client], coordinator: User, granularity: str
) -> None:
    response = login_as(coordinator).get(
        f"/o/acme/signalen/tabel.csv?year={YEAR}&granularity={granularity}"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    figures = [cell for row in rows if len(row) > 1 for cell in row[1:]]
    numbers = [int(cell) for cell in figures if cell.isdigit()]
    assert numbers, "the export holds figures"
    assert [n for n in numbers if 0 < n < 5] == []
    if granularity == "quarter":
        assert "x" in figures, "a hidden figure is written as x"


@pytest.mark.usefixtures("small_world")
def test_it_renders_the_annual_report_as_a_pdf(
    login_as: Callable[[User], Client], coordinator: User
) -> None:
    response = login_as(coordinator).get(f"/o/acme/signalen/jaarverslag.pdf?year={YEAR}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_it_falls_back_to_the_default_year_on_nonsense(
    login_as: Callable[[User], Client], coordinator: User
) -> None:
    response = login_as(coordinator).get("/o/acme/signalen/?year=1066&granularity=weekly")
    assert response.status_code == 200
    assert response.context["report"].year >= YEAR


def test_it_still_counts_meldingen_that_the_retention_term_removed(
    acme: Organisation,
    coordinator: User,
    departments: list[Department],
    add_meldingen: AddMeldingen,
) -> None:
    from hoeksteen.privacy.retention import purge_expired

    add_meldingen([(0, departments[0], dt.date(YEAR, 2, 1))] * 6)
    add_meldingen([(1, None, dt.date(YEAR, 8, 1))] * 7)

    def report() -> object:
        return selectors.signals_report(
            user=coordinator,
            organisation=acme,
            year=YEAR,
            granularity=Granularity.QUARTER,
            today=dt.date(YEAR + 1, 2, 1),
        ).table

    before = report()
    Melding.objects.filter(organisation=acme).update(closed_on=dt.date(YEAR, 9, 1))
    purge_expired(now=dt.datetime(YEAR + 2, 1, 1, tzinfo=dt.UTC))
    assert not Melding.objects.filter(organisation=acme).exists()
    assert report() == before


@pytest.mark.parametrize("seed", range(3))
def test_it_counts_every_organisation_at_once_as_it_counts_each(
    seed: int,
    acme: Organisation,
    departments: list[Department],
    add_meldingen: AddMeldingen,
) -> None:
    from hoeksteen.privacy.retention import purge_expired

    rng = random.Random(seed)
    add_meldingen(_random_rows(rng, rng.randrange(0, 160), departments, YEAR))
    add_meldingen(_random_rows(rng, 20, departments, YEAR - 1))
    other = OrganisationFactory()
    other_vp = User.objects.create(username=f"vp-{seed}")
    add_meldingen([(0, None, dt.date(YEAR, 5, 1))] * 9, organisation=other, holder=other_vp)
    # Some of acme's meldingen are purged: their counts are kept.
    Melding.objects.filter(organisation=acme, first_contact_on__month__lte=3).update(
        closed_on=dt.date(YEAR, 9, 1)
    )
    purge_expired(now=dt.datetime(YEAR + 2, 1, 1, tzinfo=dt.UTC))
    empty = OrganisationFactory()
    today = dt.date(YEAR + 1, 2, 1)

    every = counting.computed_publications(year=YEAR, today=today)

    for organisation in (acme, other, empty):
        each = counting.computed_publications(
            year=YEAR, today=today, organisation_ids=[organisation.pk]
        )
        assert every[organisation.pk] == each[organisation.pk]
    assert every[acme.pk].table_for(Granularity.YEAR)[1].grand_total == (
        Melding.objects.filter(organisation=acme, first_contact_on__year=YEAR).count()
    ) + sum(c.count for c in RetainedMeldingCount.objects.filter(organisation=acme, year=YEAR))


def test_the_page_opens_on_the_newest_published_year() -> None:
    assert default_year(dt.date(2026, 1, 31)) == 2024
    assert default_year(dt.date(2026, 2, 1)) == 2025
