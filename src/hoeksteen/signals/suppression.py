"""Publishing counts of meldingen without making anyone traceable (invariant 3).

Pure functions: counts in, the figures that may be published out. No
database, no clock, no translation — the caller passes labels.

What is published
-----------------
Per organisation and calendar year one *publication*: the meldingen per
category for each quarter, each half year and the whole year, per department
for the whole year, with every row, column and grand total. A report shows
one granularity of it; the CSV and the annual report show the same figures.

Why no hidden count can be worked out
-------------------------------------
1. *Primary suppression.* Every count with 0 < n < k is hidden: cells and
   totals alike. Zero is published: it describes nobody.

2. *Complementary suppression.* Published figures are tied by equations: a
   row adds up to its total, two quarters to their half year, the columns to
   the grand total, the departments to the grand total too. Those equations
   are exactly the flow-conservation equations of a small network in which
   every figure is an arc (a row total runs from the source to the row, a cell
   from its row to its column, a column total from the column to the sink,
   the grand total from the sink back to the source; quarters hang below
   their half year, departments between the columns and the sink). In such a
   network a hidden arc's value follows from the published ones precisely
   when it is a *bridge* of the hidden arcs: when no cycle of hidden arcs runs
   through it. So while some hidden figure is a bridge, the cheapest cycle
   through it is hidden as well: smallest counts first, fine cells before
   coarse cells before totals (`_TIER`). A row or column with a single hidden
   cell and a published total is the simplest bridge, so every line ends up
   with no hidden figure or with at least two (its total may be one of them).
   Complements are never zeros, so every hidden figure is at least 1, and
   adding +1 and -1 alternately round a hidden cycle gives another table that
   agrees with everything published and has no negative count: not even the
   sign of a count pins a hidden value down.

3. *Coarsening.* If more than a quarter of the meldingen in the finest table
   would sit in hidden cells, categories with fewer than k meldingen that year
   are merged into one "Other categories" row, and then quarters are dropped
   (only half years and the year are published), and then half years too —
   before suppressing (`publish_year`).

Why two reports cannot be subtracted
------------------------------------
Periods are fixed, non-overlapping calendar ranges (quarters, halves, years),
never a user's choice of dates, and a melding belongs to the year of its first
conversation. A report for 2025 and one for 2024 therefore count disjoint
meldingen, and nothing can be learned by subtracting them. The quarter, half
year and year tables of one year are nested, so they are *not* suppressed one
by one (the half year Q1+Q2 minus a published Q2 would reveal a hidden Q1):
they are suppressed together, as one network, and a report only shows one
slice of that joint publication. The same counts always give the same
publication (the algorithm is deterministic; ties go by position), so asking
twice reveals nothing either. For the same reason a year is published once,
a month after it has ended, and not quarter by quarter: whether a first-quarter count
is hidden depends on the whole year, so versions published in April, July
and October would protect the same counts differently and could be combined
(see `counting.counting_window`). After that, a melding registered late for
the year, another k or a renamed category would give a second version of it
to compare with the first; so a year's publication is kept the first time it
is published, and every later read shows the kept one (`freezing`; docs/adr/
0004-fixed-publications.md).
"""

from __future__ import annotations

import dataclasses
import enum
import heapq
from collections.abc import Hashable, Iterable, Sequence
from fractions import Fraction

Key = Hashable
Node = Hashable


class Granularity(enum.StrEnum):
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"


# Which quarters (0-3) make up each period of a granularity, in calendar order.
PERIODS: dict[Granularity, tuple[tuple[int, ...], ...]] = {
    Granularity.QUARTER: ((0,), (1,), (2,), (3,)),
    Granularity.HALF: ((0, 1), (2, 3)),
    Granularity.YEAR: ((0, 1, 2, 3),),
}

# More than this share of the meldingen in hidden cells of the finest table
# makes `publish_year` coarsen.
TOO_MUCH_HIDDEN = Fraction(1, 4)


@dataclasses.dataclass(frozen=True)
class CountTable:
    """Counts; every total is the exact sum of its cells (the table is complete)."""

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if len(self.cells) != len(self.row_labels) or any(
            len(row) != len(self.column_labels) for row in self.cells
        ):
            raise ValueError("Every row needs one count per column.")
        if any(n < 0 for row in self.cells for n in row):
            raise ValueError("Counts are never negative.")

    @property
    def row_totals(self) -> tuple[int, ...]:
        return tuple(sum(row) for row in self.cells)

    @property
    def column_totals(self) -> tuple[int, ...]:
        return tuple(sum(column) for column in zip(*self.cells, strict=True)) or tuple(
            0 for _ in self.column_labels
        )

    @property
    def grand_total(self) -> int:
        return sum(self.row_totals)


@dataclasses.dataclass(frozen=True)
class PublishedTable:
    """What may be shown. `None` is a hidden figure."""

    k: int
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None

    @property
    def hidden_cells(self) -> int:
        return sum(value is None for row in self.cells for value in row)


# --- the network and its protection ---------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Arc:
    key: Key
    tail: Node
    head: Node
    value: int
    tier: int  # lower tiers are hidden first when a complement is needed


# Complements are taken from the finest figures first: a hidden quarter costs a
# reader less than a hidden half year, and hidden totals cost the most.
_TIER = {"quarter": 0, "cell": 0, "half": 1, "department": 1, "total": 2, "grand": 3}

_SOURCE, _SINK, _MIDDLE = ("source",), ("sink",), ("middle",)


def _protect(arcs: Sequence[_Arc], k: int) -> set[Key]:
    """The keys to hide: primary suppression, then complements to a fixed point."""
    hidden = {arc.key for arc in arcs if 0 < arc.value < k}
    if not hidden:  # nothing small: nothing to protect, no network to build
        return hidden
    network = _Network(arcs, hidden)
    while (bridge := network.first_bridge()) is not None:
        network.close(bridge)
    return {arcs[index].key for index in network.hidden}


class _Network:
    """The arcs of one `_protect`, numbered once: nodes and arcs become list indices.

    `_protect` closes one bridge at a time and each closing changes only which
    arcs are hidden, so the network is built once and not again per bridge.
    The search for the cheapest closing path visits every node's arcs in the
    order of `arcs`, as a network rebuilt from `arcs` would: ties between
    equally cheap paths fall the same way, and so does the publication.
    """

    def __init__(self, arcs: Sequence[_Arc], hidden: set[Key]) -> None:
        if len({arc.key for arc in arcs}) != len(arcs):
            raise ValueError("Every figure needs its own key.")
        numbers: dict[Node, int] = {}
        self.tails = [numbers.setdefault(arc.tail, len(numbers)) for arc in arcs]
        self.heads = [numbers.setdefault(arc.head, len(numbers)) for arc in arcs]
        # Tiers weigh more than any sum of counts, so a cheaper tier always wins.
        penalty = 1 + sum(arc.value for arc in arcs)
        self.costs = [arc.value + arc.tier * penalty for arc in arcs]
        self.zero = [arc.value == 0 for arc in arcs]
        self.nodes = len(numbers)
        # Every arc, both ways round, for the closing path; the hidden ones for bridges.
        self.adjacency: list[list[tuple[int, int]]] = [[] for _ in range(self.nodes)]
        self.hidden_adjacency: list[list[tuple[int, int]]] = [[] for _ in range(self.nodes)]
        self.hidden: set[int] = set()
        self.is_hidden = [False] * len(arcs)  # the same, for the closing path's inner loop
        for index, (tail, head) in enumerate(zip(self.tails, self.heads, strict=True)):
            self.adjacency[tail].append((index, head))
            self.adjacency[head].append((index, tail))
        self._hide(index for index, arc in enumerate(arcs) if arc.key in hidden)

    def _hide(self, indices: Iterable[int]) -> None:
        for index in indices:
            if index not in self.hidden:
                self.hidden.add(index)
                self.is_hidden[index] = True
                tail, head = self.tails[index], self.heads[index]
                self.hidden_adjacency[tail].append((index, head))
                self.hidden_adjacency[head].append((index, tail))

    def first_bridge(self) -> int | None:
        """The first hidden arc (in the order of `arcs`) on no cycle of hidden arcs:
        its value could be computed.

        Tarjan's bridge search over the hidden arcs as an undirected multigraph
        (parallel arcs are told apart by their index, not by their end nodes).
        Which arcs are bridges does not depend on the order of the search.
        """
        adjacency = self.hidden_adjacency
        discovered = [-1] * self.nodes
        low = [0] * self.nodes
        found = 0
        bridges: list[int] = []
        for root in range(self.nodes):
            if discovered[root] >= 0 or not adjacency[root]:
                continue
            discovered[root] = low[root] = found
            found += 1
            stack = [(root, -1, iter(adjacency[root]))]
            while stack:
                node, via, neighbours = stack[-1]
                for index, neighbour in neighbours:
                    if index == via:
                        continue
                    if discovered[neighbour] >= 0:
                        low[node] = min(low[node], discovered[neighbour])
                    else:
                        discovered[neighbour] = low[neighbour] = found
                        found += 1
                        stack.append((neighbour, index, iter(adjacency[neighbour])))
                        break
                else:
                    stack.pop()
                    if stack:
                        parent = stack[-1][0]
                        low[parent] = min(low[parent], low[node])
                        if low[node] > discovered[parent]:
                            bridges.append(via)
        return min(bridges) if bridges else None

    def close(self, bridge: int) -> None:
        """Hide the published arcs of the cheapest path that closes a hidden cycle
        through `bridge`.

        Hidden arcs cost nothing, zeros may not be used. Such a path always
        exists: the counts form a circulation, so every non-zero arc lies on a
        cycle of non-zero arcs.
        """
        is_hidden, zero, costs = self.is_hidden, self.zero, self.costs
        start, goal = self.heads[bridge], self.tails[bridge]
        best: dict[int, int] = {start: 0}
        came_by: dict[int, tuple[int, int]] = {}
        order = 0  # breaks ties by discovery
        queue: list[tuple[int, int, int]] = [(0, order, start)]
        while queue:
            distance, _, node = heapq.heappop(queue)
            if node == goal:
                break
            if distance > best[node]:
                continue
            for index, neighbour in self.adjacency[node]:
                if index == bridge:
                    continue
                if is_hidden[index]:
                    cost = 0
                elif zero[index]:
                    continue
                else:
                    cost = costs[index]
                if neighbour not in best or distance + cost < best[neighbour]:
                    best[neighbour] = distance + cost
                    came_by[neighbour] = (index, node)
                    order += 1
                    heapq.heappush(queue, (distance + cost, order, neighbour))
        if goal not in came_by:
            raise ValueError("The counts are inconsistent: a total is not the sum of its parts.")
        path: list[int] = []
        node = goal
        while node != start:
            index, node = came_by[node]
            path.append(index)
        self._hide(path)


def _shown(value: int, key: Key, hidden: set[Key]) -> int | None:
    return None if key in hidden else value


# --- one table --------------------------------------------------------------------


def suppress_table(table: CountTable, k: int) -> PublishedTable:
    """The published form of one complete table of counts."""
    rows, columns = range(len(table.row_labels)), range(len(table.column_labels))
    arcs = [
        _Arc(("cell", i, j), ("row", i), ("column", j), table.cells[i][j], _TIER["cell"])
        for i in rows
        for j in columns
    ]
    arcs += [
        _Arc(("row", i), _SOURCE, ("row", i), table.row_totals[i], _TIER["total"]) for i in rows
    ]
    arcs += [
        _Arc(("column", j), ("column", j), _SINK, table.column_totals[j], _TIER["total"])
        for j in columns
    ]
    arcs.append(_Arc(("grand",), _SINK, _SOURCE, table.grand_total, _TIER["grand"]))
    hidden = _protect(arcs, k)
    return PublishedTable(
        k=k,
        row_labels=table.row_labels,
        column_labels=table.column_labels,
        cells=tuple(
            tuple(_shown(table.cells[i][j], ("cell", i, j), hidden) for j in columns) for i in rows
        ),
        row_totals=tuple(_shown(table.row_totals[i], ("row", i), hidden) for i in rows),
        column_totals=tuple(_shown(table.column_totals[j], ("column", j), hidden) for j in columns),
        grand_total=_shown(table.grand_total, ("grand",), hidden),
    )


# --- the publication of one year ---------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Publication:
    """Everything published about one organisation's year, protected as a whole.

    `tables` holds one table per granularity in `granularities`, finest
    first; the year is always there. `departments` lists the departments with
    at least k meldingen and one row for the rest, or is None when no
    department is that large.
    """

    k: int
    granularities: tuple[Granularity, ...]
    tables: tuple[PublishedTable, ...]
    departments: PublishedTable | None
    merged_categories: tuple[str, ...]

    def table_for(self, requested: Granularity) -> tuple[Granularity, PublishedTable]:
        """The requested granularity, or the finest coarser one that is published."""
        order = list(Granularity)
        for granularity, table in zip(self.granularities, self.tables, strict=True):
            if order.index(granularity) >= order.index(requested):
                return granularity, table
        return self.granularities[-1], self.tables[-1]


_LADDER: tuple[tuple[Granularity, ...], ...] = (
    (Granularity.QUARTER, Granularity.HALF, Granularity.YEAR),
    (Granularity.HALF, Granularity.YEAR),
    (Granularity.YEAR,),
)


def publish_year(
    *,
    categories: Sequence[tuple[str, Sequence[int]]],
    departments: Sequence[tuple[str, int]],
    unassigned: int,
    k: int,
    other_categories: str,
    other_departments: str,
) -> Publication:
    """The publication for one year from the counts per category and quarter.

    `departments` gives each department's count for the year and `unassigned`
    the meldingen without a department; together they add up to the year's
    total. Departments below k are not shown by name: they join the row
    `other_departments`.
    """
    rows = [(label, tuple(quarters)) for label, quarters in categories]
    if any(len(quarters) != 4 or min(quarters) < 0 for _, quarters in rows):
        raise ValueError("Give four non-negative quarter counts per category.")
    total = sum(sum(quarters) for _, quarters in rows)
    if sum(n for _, n in departments) + unassigned != total:
        raise ValueError("The departments do not add up to the year's total.")
    shown = [(label, n) for label, n in departments if n >= k]
    department_rows = (
        [*shown, (other_departments, total - sum(n for _, n in shown))] if shown else []
    )
    small = {i for i, (_, quarters) in enumerate(rows) if 0 < sum(quarters) < k}
    merged_rows = [row for i, row in enumerate(rows) if i not in small]
    merged_rows.append(
        (other_categories, tuple(sum(rows[i][1][q] for i in small) for q in range(4)))
    )
    merged = tuple(rows[i][0] for i in sorted(small))
    candidates: list[tuple[list[tuple[str, tuple[int, ...]]], tuple[str, ...]]] = [(rows, ())]
    if len(small) >= 2:  # merging one category would only rename it
        candidates.append((merged_rows, merged))
    publication = None
    for granularities in _LADDER:
        for candidate_rows, merged_labels in candidates:
            publication, hidden_share = _publish(
                candidate_rows, department_rows, granularities, k, merged_labels
            )
            if hidden_share <= TOO_MUCH_HIDDEN:
                return publication
    assert publication is not None
    return publication


def _publish(
    rows: Sequence[tuple[str, tuple[int, ...]]],
    department_rows: Sequence[tuple[str, int]],
    granularities: tuple[Granularity, ...],
    k: int,
    merged: tuple[str, ...],
) -> tuple[Publication, Fraction]:
    """The publication with these rows and granularities, and the share of the
    meldingen that sit in hidden cells of its finest table."""
    arcs, cells = _year_network(rows, department_rows, granularities)
    hidden = _protect(arcs, k)
    value = {arc.key: arc.value for arc in arcs}
    row_keys = [("total", "row", i) for i in range(len(rows))]
    tables = []
    for granularity in granularities:
        periods = range(len(PERIODS[granularity]))
        keys = [[cells[granularity, i, p] for p in periods] for i in range(len(rows))]
        column_keys = (
            [("grand",)]
            if granularity is Granularity.YEAR
            else [("total", granularity, p) for p in periods]
        )
        tables.append(_table(value, hidden, k, [r for r, _ in rows], keys, row_keys, column_keys))
    departments = None
    if department_rows:
        department_keys = [[("department", d)] for d in range(len(department_rows))]
        departments = _table(
            value,
            hidden,
            k,
            [label for label, _ in department_rows],
            department_keys,
            [key for (key,) in department_keys],
            [("grand",)],
        )
    finest = [key for (granularity, _, _), key in cells.items() if granularity == granularities[0]]
    total = value[("grand",)]
    hidden_share = Fraction(sum(value[key] for key in finest if key in hidden), total or 1)
    return Publication(k, granularities, tuple(tables), departments, merged), hidden_share


def _table(
    value: dict[Key, int],
    hidden: set[Key],
    k: int,
    row_labels: Sequence[str],
    keys: Sequence[Sequence[Key]],
    row_keys: Sequence[Key],
    column_keys: Sequence[Key],
) -> PublishedTable:
    return PublishedTable(
        k=k,
        row_labels=tuple(row_labels),
        column_labels=tuple(str(n) for n in range(len(column_keys))),
        cells=tuple(tuple(_shown(value[key], key, hidden) for key in row) for row in keys),
        row_totals=tuple(_shown(value[key], key, hidden) for key in row_keys),
        column_totals=tuple(_shown(value[key], key, hidden) for key in column_keys),
        grand_total=_shown(value[("grand",)], ("grand",), hidden),
    )


def _year_network(
    rows: Sequence[tuple[str, tuple[int, ...]]],
    department_rows: Sequence[tuple[str, int]],
    granularities: tuple[Granularity, ...],
) -> tuple[list[_Arc], dict[tuple[Granularity, int, int], Key]]:
    """Arcs for the nested period tables and the departments, and each table cell's arc key.

    Nodes: the source, a node per category (and per category and half year
    when quarters are published), a node per quarter and per half year
    column, a middle node where the departments branch off, and the sink.
    """
    quarters = Granularity.QUARTER in granularities
    halves = Granularity.HALF in granularities
    middle = _MIDDLE if department_rows else _SINK
    arcs: list[_Arc] = []
    cells: dict[tuple[Granularity, int, int], Key] = {}
    for i, (_, counts) in enumerate(rows):
        row_node = ("row", i) if halves else middle
        key: Key = ("total", "row", i)
        arcs.append(_Arc(key, _SOURCE, row_node, sum(counts), _TIER["total"]))
        cells[Granularity.YEAR, i, 0] = key
        if not halves:
            continue
        for h, half in enumerate(PERIODS[Granularity.HALF]):
            half_node = ("row-half", i, h) if quarters else ("half", h)
            key = ("half", i, h)
            arcs.append(_Arc(key, row_node, half_node, sum(counts[q] for q in half), _TIER["half"]))
            cells[Granularity.HALF, i, h] = key
            for q in half if quarters else ():
                key = ("quarter", i, q)
                arcs.append(_Arc(key, half_node, ("quarter", q), counts[q], _TIER["quarter"]))
                cells[Granularity.QUARTER, i, q] = key
    column = [sum(counts[q] for _, counts in rows) for q in range(4)]
    for h, half in enumerate(PERIODS[Granularity.HALF]):
        for q in half if quarters else ():
            key = ("total", Granularity.QUARTER, q)
            arcs.append(_Arc(key, ("quarter", q), ("half", h), column[q], _TIER["total"]))
        if halves:
            key = ("total", Granularity.HALF, h)
            arcs.append(
                _Arc(key, ("half", h), middle, sum(column[q] for q in half), _TIER["total"])
            )
    for d, (_, count) in enumerate(department_rows):
        arcs.append(_Arc(("department", d), middle, _SINK, count, _TIER["department"]))
    arcs.append(_Arc(("grand",), _SINK, _SOURCE, sum(column), _TIER["grand"]))
    return arcs, cells
