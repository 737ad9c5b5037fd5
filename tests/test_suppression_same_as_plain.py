"""The suppression's indexed network publishes exactly what the first, plain
version published.

`suppression._protect` numbers the network once and skips it when nothing is
small; the version below (copied unchanged from before that change) rebuilt
the network for every bridge it closed. Over random tables and years both
must hide the same figures, complements and ties included, so a publication
never changes because the code got faster.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hoeksteen.signals import suppression
from hoeksteen.signals.suppression import CountTable, Key, Node, _Arc, publish_year, suppress_table

COUNT = st.one_of(st.integers(0, 6), st.integers(0, 40))
K = st.integers(2, 8)
QUARTERS = st.one_of(st.tuples(*[st.integers(0, 2)] * 4), st.tuples(COUNT, COUNT, COUNT, COUNT))


# --- the plain version, as it was -------------------------------------------------


def plain_protect(arcs: Sequence[_Arc], k: int) -> set[Key]:
    """The keys to hide: primary suppression, then complements to a fixed point."""
    hidden = {arc.key for arc in arcs if 0 < arc.value < k}
    # Tiers weigh more than any sum of counts, so a cheaper tier always wins.
    penalty = 1 + sum(arc.value for arc in arcs)
    while (bridge := plain_first_bridge(arcs, hidden)) is not None:
        hidden |= plain_closing_cycle(arcs, hidden, bridge, penalty)
    return hidden


def plain_first_bridge(arcs: Sequence[_Arc], hidden: set[Key]) -> _Arc | None:
    """The first hidden arc on no cycle of hidden arcs: its value could be computed.

    Tarjan's bridge search over the hidden arcs as an undirected multigraph
    (parallel arcs are told apart by their index, not by their end nodes).
    """
    hidden_arcs = [arc for arc in arcs if arc.key in hidden]
    adjacency: dict[Node, list[tuple[int, Node]]] = {}
    for index, arc in enumerate(hidden_arcs):
        adjacency.setdefault(arc.tail, []).append((index, arc.head))
        adjacency.setdefault(arc.head, []).append((index, arc.tail))
    discovered: dict[Node, int] = {}
    low: dict[Node, int] = {}
    bridges: list[int] = []
    for root in adjacency:
        if root in discovered:
            continue
        discovered[root] = low[root] = len(discovered)
        stack = [(root, -1, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            for index, neighbour in neighbours:
                if index == via:
                    continue
                if neighbour in discovered:
                    low[node] = min(low[node], discovered[neighbour])
                else:
                    discovered[neighbour] = low[neighbour] = len(discovered)
                    stack.append((neighbour, index, iter(adjacency[neighbour])))
                    break
            else:
                stack.pop()
                if stack:
                    parent = stack[-1][0]
                    low[parent] = min(low[parent], low[node])
                    if low[node] > discovered[parent]:
                        bridges.append(via)
    return hidden_arcs[min(bridges)] if bridges else None


def plain_closing_cycle(
    arcs: Sequence[_Arc], hidden: set[Key], bridge: _Arc, penalty: int
) -> set[Key]:
    """The published arcs of the cheapest path that closes a hidden cycle through `bridge`.

    Hidden arcs cost nothing, zeros may not be used. Such a path always
    exists: the counts form a circulation, so every non-zero arc lies on a
    cycle of non-zero arcs.
    """
    adjacency: dict[Node, list[tuple[int, _Arc, Node]]] = {}
    for arc in arcs:
        if arc is bridge or (arc.key not in hidden and arc.value == 0):
            continue
        cost = 0 if arc.key in hidden else arc.value + arc.tier * penalty
        adjacency.setdefault(arc.tail, []).append((cost, arc, arc.head))
        adjacency.setdefault(arc.head, []).append((cost, arc, arc.tail))
    start, goal = bridge.head, bridge.tail
    best: dict[Node, int] = {start: 0}
    came_by: dict[Node, tuple[_Arc, Node]] = {}
    order = 0  # breaks ties by discovery, so nodes themselves are never compared
    queue: list[tuple[int, int, Node]] = [(0, order, start)]
    while queue:
        distance, _, node = heapq.heappop(queue)
        if node == goal:
            break
        if distance > best[node]:
            continue
        for cost, arc, neighbour in adjacency.get(node, ()):
            if neighbour not in best or distance + cost < best[neighbour]:
                best[neighbour] = distance + cost
                came_by[neighbour] = (arc, node)
                order += 1
                heapq.heappush(queue, (distance + cost, order, neighbour))
    if goal not in came_by:
        raise ValueError("The counts are inconsistent: a total is not the sum of its parts.")
    complements: set[Key] = set()
    node = goal
    while node != start:
        arc, node = came_by[node]
        if arc.key not in hidden:
            complements.add(arc.key)
    return complements


# --- the same publications ----------------------------------------------------------


def plainly(publish: object, **arguments: object) -> object:
    with mock.patch.object(suppression, "_protect", plain_protect):
        return publish(**arguments)  # type: ignore[operator]


TABLES = st.integers(1, 7).flatmap(
    lambda rows: st.integers(1, 6).flatmap(
        lambda columns: st.lists(
            st.lists(COUNT, min_size=columns, max_size=columns), min_size=rows, max_size=rows
        )
    )
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=TABLES, k=K)
@example(cells=[[1, 2, 1, 0, 20], [3, 4, 0, 0, 20], [0, 0, 2, 1, 20], [0, 0, 3, 4, 20]], k=5)
@example(cells=[[1, 1], [1, 1]], k=3)
def test_it_hides_the_same_cells_of_a_table_as_the_plain_version(
    cells: list[list[int]], k: int
) -> None:
    table = CountTable(
        row_labels=tuple(f"r{i}" for i in range(len(cells))),
        column_labels=tuple(f"c{j}" for j in range(len(cells[0]))),
        cells=tuple(tuple(row) for row in cells),
    )

    assert suppress_table(table, k) == plainly(suppress_table, table=table, k=k)


YEARS = st.fixed_dictionaries(
    {
        "categories": st.lists(QUARTERS, min_size=1, max_size=9),
        "departments": st.lists(st.integers(0, 12), min_size=0, max_size=8),
        "k": K,
    }
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(world=YEARS)
def test_it_publishes_the_same_year_as_the_plain_version(world: dict[str, object]) -> None:
    categories: list[tuple[int, int, int, int]] = world["categories"]  # type: ignore[assignment]
    total = sum(map(sum, categories))
    departments: list[int] = []
    for n in world["departments"]:  # type: ignore[attr-defined]
        departments.append(min(n, total - sum(departments)))
    arguments = {
        "categories": [(f"cat{i}", q) for i, q in enumerate(categories)],
        "departments": [(f"dep{d}", n) for d, n in enumerate(departments)],
        "unassigned": total - sum(departments),
        "k": world["k"],
        "other_categories": "Other categories",
        "other_departments": "Other departments",
    }

    assert publish_year(**arguments) == plainly(publish_year, **arguments)  # type: ignore[arg-type]


def test_it_compares_hidden_figures_not_only_shapes() -> None:
    """The comparison sees a difference: a plain version that hides nothing is told apart."""
    table = CountTable(row_labels=("a", "b"), column_labels=("x", "y"), cells=((1, 5), (5, 1)))
    with mock.patch.object(suppression, "_protect", return_value=set()):
        nothing_hidden = suppress_table(table, 3)
    assert suppress_table(table, 3) != nothing_hidden
