"""Invariant 3, signals are non-traceable, over random tables and thresholds.

For every published table the design promises:

* every published count is 0 or at least k;
* every row and column whose total is published has no hidden cell or at
  least two, so no hidden value is its total minus the published cells;
* stronger: no hidden value follows from *all* published figures together —
  rows, columns, totals, and, for a year's publication, the quarter, half
  year, year and department tables combined;
* no zero is hidden, so every hidden figure is at least 1 (which, with the
  above, is what keeps "counts are never negative" from pinning one down;
  see the docstring of `hoeksteen.signals.suppression`).

The last check does not trust the network the code reasons with: it writes
down the equations a reader can set up from the tables themselves and solves
them with exact fractions. A hidden figure is determined when the unit
vector of its variable lies in the row space of those equations.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from fractions import Fraction

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hoeksteen.signals.suppression import (
    PERIODS,
    CountTable,
    Granularity,
    PublishedTable,
    publish_year,
    suppress_table,
)

Var = Hashable
Equation = dict[Var, int]  # coefficients; every equation reads "sum = 0"

COUNT = st.one_of(st.integers(0, 6), st.integers(0, 40))
K = st.integers(2, 8)
# A category of one year: a rare kind (a few meldingen at most) or a common one.
QUARTERS = st.one_of(st.tuples(*[st.integers(0, 2)] * 4), st.tuples(COUNT, COUNT, COUNT, COUNT))


def determined(equations: Iterable[Equation], value: dict[Var, int], hidden: set[Var]) -> set[Var]:
    """The hidden variables whose value follows from the equations and the published values."""
    unknowns = sorted(hidden, key=repr)
    index = {var: i for i, var in enumerate(unknowns)}
    rows: list[list[Fraction]] = []
    for equation in equations:
        row = [Fraction(0)] * (len(unknowns) + 1)
        for var, coefficient in equation.items():
            if var in hidden:
                row[index[var]] += coefficient
            else:
                row[-1] -= coefficient * value[var]
        if any(row[:-1]):
            rows.append(row)
    # Reduced row echelon form.
    pivot_row = 0
    for column in range(len(unknowns)):
        pivot = next((r for r in range(pivot_row, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[pivot_row], rows[pivot] = rows[pivot], rows[pivot_row]
        lead = rows[pivot_row][column]
        rows[pivot_row] = [x / lead for x in rows[pivot_row]]
        for r in range(len(rows)):
            if r != pivot_row and rows[r][column]:
                factor = rows[r][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[pivot_row], strict=True)]
        pivot_row += 1
    return {
        unknowns[row.index(next(x for x in row[:-1] if x))]
        for row in rows[:pivot_row]
        if sum(1 for x in row[:-1] if x) == 1
    }


def line_rule_breaches(table: PublishedTable) -> list[str]:
    """Lines with a published total and exactly one hidden figure, margins included."""
    lines: list[tuple[str, Sequence[int | None], int | None]] = []
    lines += [
        (f"row {label}", row, total)
        for label, row, total in zip(table.row_labels, table.cells, table.row_totals, strict=True)
    ]
    columns = list(zip(*table.cells, strict=True)) if table.cells else []
    lines += [
        (f"column {j}", column, total)
        for j, (column, total) in enumerate(zip(columns, table.column_totals, strict=True))
    ]
    lines.append(("row totals", table.row_totals, table.grand_total))
    lines.append(("column totals", table.column_totals, table.grand_total))
    return [
        name
        for name, figures, total in lines
        if total is not None and sum(figure is None for figure in figures) == 1
    ]


def small_published(table: PublishedTable) -> list[int]:
    figures = [
        *(value for row in table.cells for value in row),
        *table.row_totals,
        *table.column_totals,
        table.grand_total,
    ]
    return [value for value in figures if value is not None and 0 < value < table.k]


# --- one table ------------------------------------------------------------------


def _table_variables(
    table: CountTable, published: PublishedTable
) -> tuple[list[Equation], dict[Var, int], set[Var]]:
    rows, columns = range(len(table.row_labels)), range(len(table.column_labels))
    value: dict[Var, int] = {("G",): table.grand_total}
    shown: dict[Var, int | None] = {("G",): published.grand_total}
    for i in rows:
        value["T", i], shown["T", i] = table.row_totals[i], published.row_totals[i]
        for j in columns:
            value["x", i, j], shown["x", i, j] = table.cells[i][j], published.cells[i][j]
    for j in columns:
        value["C", j], shown["C", j] = table.column_totals[j], published.column_totals[j]
    equations: list[Equation] = [{**{("x", i, j): 1 for j in columns}, ("T", i): -1} for i in rows]
    equations += [{**{("x", i, j): 1 for i in rows}, ("C", j): -1} for j in columns]
    equations.append({**{("T", i): 1 for i in rows}, ("G",): -1})
    equations.append({**{("C", j): 1 for j in columns}, ("G",): -1})
    for var, figure in shown.items():
        assert figure is None or figure == value[var], "a published figure differs from the count"
    return equations, value, {var for var, figure in shown.items() if figure is None}


TABLES = st.integers(1, 6).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda columns: st.lists(
            st.lists(COUNT, min_size=columns, max_size=columns), min_size=rows, max_size=rows
        )
    )
)


# Two blocks of small cells joined by one small cell: every row and column
# has two hidden cells or none, yet the joining cell follows from the totals.
TWO_BLOCKS = [
    [1, 2, 1, 0, 20],
    [3, 4, 0, 0, 20],
    [0, 0, 2, 1, 20],
    [0, 0, 3, 4, 20],
    [20, 20, 20, 20, 20],
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=TABLES, k=K)
@example(cells=TWO_BLOCKS, k=5)
def test_it_publishes_no_table_from_which_a_hidden_count_can_be_worked_out(
    cells: list[list[int]], k: int
) -> None:
    table = CountTable(
        row_labels=tuple(f"r{i}" for i in range(len(cells))),
        column_labels=tuple(f"c{j}" for j in range(len(cells[0]))),
        cells=tuple(tuple(row) for row in cells),
    )
    published = suppress_table(table, k)

    assert small_published(published) == []
    assert line_rule_breaches(published) == []
    equations, value, hidden = _table_variables(table, published)
    assert all(value[var] > 0 for var in hidden), "a zero was hidden"
    assert determined(equations, value, hidden) == set()


# --- a year's publication ---------------------------------------------------------


YEARS = st.fixed_dictionaries(
    {
        "categories": st.lists(QUARTERS, min_size=1, max_size=7),
        "department_shares": st.lists(st.integers(0, 30), min_size=0, max_size=5),
        "k": K,
    }
)


def _split(total: int, shares: list[int]) -> tuple[list[int], int]:
    """Spread `total` over departments in proportion to `shares`; the rest has none."""
    weight = sum(shares) + 1
    counts = [total * share // weight for share in shares]
    return counts, total - sum(counts)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=YEARS)
def test_it_publishes_a_year_whose_tables_together_reveal_no_hidden_count(
    world: dict[str, object],
) -> None:
    quarters: list[tuple[int, int, int, int]] = world["categories"]  # type: ignore[assignment]
    k: int = world["k"]  # type: ignore[assignment]
    total = sum(map(sum, quarters))
    department_counts, unassigned = _split(total, world["department_shares"])  # type: ignore[arg-type]
    publication = publish_year(
        categories=[(f"cat{i}", q) for i, q in enumerate(quarters)],
        departments=[(f"dep{d}", n) for d, n in enumerate(department_counts)],
        unassigned=unassigned,
        k=k,
        other_categories="Other categories",
        other_departments="Other departments",
    )

    # The rows as published: merged categories add up into the last row.
    rows = [(f"cat{i}", q) for i, q in enumerate(quarters)]
    if publication.merged_categories:
        merged = [q for label, q in rows if label in publication.merged_categories]
        rows = [(label, q) for label, q in rows if label not in publication.merged_categories]
        rows.append(("Other categories", tuple(map(sum, zip(*merged, strict=True)))))  # type: ignore[arg-type]
    assert [label for label, _ in rows] == list(publication.tables[0].row_labels)
    assert publication.granularities[-1] is Granularity.YEAR

    value: dict[Var, int] = {("G",): total}
    shown: dict[Var, int | None] = {}
    equations: list[Equation] = []
    for granularity, table in zip(publication.granularities, publication.tables, strict=True):
        assert small_published(table) == [], granularity
        assert line_rule_breaches(table) == [], granularity
        periods = PERIODS[granularity]
        for i, (_, q) in enumerate(rows):
            for p, period in enumerate(periods):
                cell = (granularity, i, p)
                value[cell] = sum(q[n] for n in period)
                shown[cell] = table.cells[i][p]
                # A cell is the sum of the quarters it spans, as a reader knows.
                if granularity is not Granularity.QUARTER and Granularity.QUARTER in (
                    publication.granularities
                ):
                    equations.append({cell: -1, **{(Granularity.QUARTER, i, n): 1 for n in period}})
            value["T", i] = sum(q)
            shown["T", i] = table.row_totals[i]
            equations.append(
                {**{(granularity, i, p): 1 for p in range(len(periods))}, ("T", i): -1}
            )
        for p, period in enumerate(periods):
            column = (granularity, "C", p)
            value[column] = sum(q[n] for _, q in rows for n in period)
            shown[column] = table.column_totals[p]
            equations.append({**{(granularity, i, p): 1 for i in range(len(rows))}, column: -1})
        equations.append({**{(granularity, "C", p): 1 for p in range(len(periods))}, ("G",): -1})
        equations.append({**{("T", i): 1 for i in range(len(rows))}, ("G",): -1})
        shown["G",] = table.grand_total

    if publication.departments is not None:
        departments = publication.departments
        assert small_published(departments) == []
        assert line_rule_breaches(departments) == []
        assert departments.row_labels[-1] == "Other departments"
        named = {f"dep{d}": n for d, n in enumerate(department_counts)}
        for d, label in enumerate(departments.row_labels):
            assert label == "Other departments" or named[label] >= k
            value["D", d] = named.get(
                label, total - sum(named[x] for x in departments.row_labels[:-1])
            )
            shown["D", d] = departments.cells[d][0]
            assert departments.row_totals[d] == departments.cells[d][0]
        equations.append({**{("D", d): 1 for d in range(len(departments.row_labels))}, ("G",): -1})
        assert departments.grand_total == shown["G",]
    else:
        assert all(n < k for n in department_counts)

    for var, figure in shown.items():
        assert figure is None or figure == value[var], var
    hidden = {var for var, figure in shown.items() if figure is None}
    assert all(value[var] > 0 for var in hidden), "a zero was hidden"
    assert determined(equations, value, hidden) == set()


def test_it_checks_what_it_claims() -> None:
    """The audit itself: a lone hidden cell in a row with a published total is found."""
    equations: list[Equation] = [{("a",): 1, ("b",): 1, ("t",): -1}]
    assert determined(equations, {("a",): 3, ("b",): 7, ("t",): 10}, {("a",)}) == {("a",)}
    assert determined(equations, {("a",): 3, ("b",): 7, ("t",): 10}, {("a",), ("b",)}) == set()
