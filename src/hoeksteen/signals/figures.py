"""A year's publication in the form it is kept once fixed, and back (pure).

The stored form holds what was published and nothing else: every figure as
it was shown, a hidden figure as null — its count is not there — and the
names of categories and departments as they were published, so the document
stays the same when a category is renamed later. Only the two rows that
gather what is too small to name ("Other categories", "Other departments or
none") are kept as a null label: their words follow the reader's language,
their figures do not change.

`figures_of` and `publication_of` undo each other for every publication of
`suppression.publish_year` made with `OTHER` as the label of both gathering
rows; tests/test_frozen_figures.py holds them to that over random counts.
"""

from __future__ import annotations

from typing import Any

from hoeksteen.signals.suppression import Granularity, Publication, PublishedTable

FORMAT = 1

# The label of a gathering row until a reader's language is known. No category
# or department can be called this: PostgreSQL's text holds no NUL character
# and Django's form fields refuse one.
OTHER = "\x00other"

Figures = dict[str, Any]


def figures_of(publication: Publication) -> Figures:
    """The stored form of `publication` (JSON: lists, strings, integers and nulls)."""
    if any(table.k != publication.k for table in _tables(publication)):
        raise ValueError("Every table of a publication is protected with its k.")
    departments = publication.departments
    return {
        "format": FORMAT,
        "granularities": [granularity.value for granularity in publication.granularities],
        "tables": [_table_figures(table) for table in publication.tables],
        "departments": None if departments is None else _table_figures(departments),
        "merged": list(publication.merged_categories),
    }


def publication_of(
    figures: Figures, *, k: int, other_categories: str, other_departments: str
) -> Publication:
    """The publication kept as `figures`, with the gathering rows named in the reader's words."""
    if figures.get("format") != FORMAT:
        raise ValueError(f"Unknown form of stored figures: {figures.get('format')!r}.")
    departments = figures["departments"]
    return Publication(
        k=k,
        granularities=tuple(Granularity(value) for value in figures["granularities"]),
        tables=tuple(_table(table, k, other_categories) for table in figures["tables"]),
        departments=None if departments is None else _table(departments, k, other_departments),
        merged_categories=tuple(figures["merged"]),
    )


def _tables(publication: Publication) -> list[PublishedTable]:
    departments = [publication.departments] if publication.departments is not None else []
    return [*publication.tables, *departments]


def _table_figures(table: PublishedTable) -> Figures:
    return {
        "rows": [None if label == OTHER else label for label in table.row_labels],
        "columns": list(table.column_labels),
        "cells": [list(row) for row in table.cells],
        "row_totals": list(table.row_totals),
        "column_totals": list(table.column_totals),
        "total": table.grand_total,
    }


def _table(figures: Figures, k: int, other: str) -> PublishedTable:
    return PublishedTable(
        k=k,
        row_labels=tuple(other if label is None else label for label in figures["rows"]),
        column_labels=tuple(figures["columns"]),
        cells=tuple(tuple(row) for row in figures["cells"]),
        row_totals=tuple(figures["row_totals"]),
        column_totals=tuple(figures["column_totals"]),
        grand_total=figures["total"],
    )


def is_empty(publication: Publication) -> bool:
    """No melding was counted: nothing is said about anyone."""
    return publication.tables[-1].grand_total == 0
