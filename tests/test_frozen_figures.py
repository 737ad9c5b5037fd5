"""A fixed publication keeps exactly what was published, over random years.

`signals.figures` turns a year's publication into the form a
`FrozenPublication` stores, and back. For random counts and thresholds:

* the stored form holds the published figures and nothing else: each figure
  where the publication shows it, null where it hides one, so no number in
  it lies between 1 and k - 1 and no hidden count is in it anywhere;
* the publication rebuilt from it, through JSON as the database keeps it, is
  the publication that was stored;
* the rows that gather small categories and departments are stored as a
  marker and named in the reader's language; every other row keeps its name,
  even a category a coordinator happened to call "Other categories".
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hoeksteen.signals.figures import OTHER, figures_of, publication_of
from hoeksteen.signals.suppression import Publication, PublishedTable, publish_year

K = st.integers(2, 8)
COUNT = st.one_of(st.integers(0, 6), st.integers(0, 40))
QUARTERS = st.one_of(st.tuples(*[st.integers(0, 2)] * 4), st.tuples(COUNT, COUNT, COUNT, COUNT))
NAMES = st.sampled_from(
    ["Werkdruk", "Pesten", "Integriteit", "Other categories", "Overige categorieën", "Zorg"]
)
YEARS = st.fixed_dictionaries(
    {
        "categories": st.lists(st.tuples(NAMES, QUARTERS), min_size=1, max_size=7),
        "department_shares": st.lists(st.integers(0, 30), min_size=0, max_size=5),
        "k": K,
    }
)


def _publication(world: dict[str, Any]) -> Publication:
    categories: list[tuple[str, tuple[int, ...]]] = world["categories"]
    total = sum(sum(quarters) for _, quarters in categories)
    shares: list[int] = world["department_shares"]
    weight = sum(shares) + 1
    departments = [(f"Afdeling {d}", total * share // weight) for d, share in enumerate(shares)]
    return publish_year(
        categories=categories,
        departments=departments,
        unassigned=total - sum(n for _, n in departments),
        k=world["k"],
        other_categories=OTHER,
        other_departments=OTHER,
    )


def _tables(publication: Publication) -> list[PublishedTable]:
    extra = [publication.departments] if publication.departments is not None else []
    return [*publication.tables, *extra]


def _stored_tables(figures: dict[str, Any]) -> list[dict[str, Any]]:
    extra = [figures["departments"]] if figures["departments"] is not None else []
    return [*figures["tables"], *extra]


def _figures_in(table: PublishedTable) -> Iterator[int | None]:
    for row in table.cells:
        yield from row
    yield from table.row_totals
    yield from table.column_totals
    yield table.grand_total


def _numbers_in(stored: dict[str, Any]) -> Iterator[int | None]:
    for row in stored["cells"]:
        yield from row
    yield from stored["row_totals"]
    yield from stored["column_totals"]
    yield stored["total"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=YEARS)
def test_it_stores_the_published_figures_and_rebuilds_the_same_publication(
    world: dict[str, Any],
) -> None:
    publication = _publication(world)
    k = publication.k

    # What the database keeps: JSON, written and read back.
    stored = json.loads(json.dumps(figures_of(publication)))

    # The stored figures are the published ones, position by position, and
    # there is nothing else: a hidden figure is null, never its count.
    tables, stored_tables = _tables(publication), _stored_tables(stored)
    assert len(stored_tables) == len(tables)
    for table, kept in zip(tables, stored_tables, strict=True):
        assert list(_numbers_in(kept)) == list(_figures_in(table))
        assert all(n is None or n == 0 or n >= k for n in _numbers_in(kept))
    assert stored["merged"] == list(publication.merged_categories)
    assert stored["granularities"] == [g.value for g in publication.granularities]

    assert publication_of(stored, k=k, other_categories=OTHER, other_departments=OTHER) == (
        publication
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=YEARS)
def test_it_names_only_the_gathering_rows_in_the_reader_language(world: dict[str, Any]) -> None:
    publication = _publication(world)
    stored = json.loads(json.dumps(figures_of(publication)))

    dutch = publication_of(
        stored,
        k=publication.k,
        other_categories="Overige categorieën",
        other_departments="Overige afdelingen of geen",
    )

    for table, read in zip(publication.tables, dutch.tables, strict=True):
        assert read.row_labels == tuple(
            "Overige categorieën" if label == OTHER else label for label in table.row_labels
        )
        assert (read.cells, read.row_totals, read.grand_total) == (
            table.cells,
            table.row_totals,
            table.grand_total,
        )
    if publication.departments is not None:
        assert dutch.departments is not None
        assert dutch.departments.row_labels[-1] == "Overige afdelingen of geen"
        assert dutch.departments.cells == publication.departments.cells
    assert all(OTHER not in kept["rows"] for kept in _stored_tables(stored))
