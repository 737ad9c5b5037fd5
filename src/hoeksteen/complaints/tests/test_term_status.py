"""The one-line status of a term, as the case list and the case page show it."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from hoeksteen.complaints.selectors import TermStatus
from hoeksteen.complaints.templatetags.terms import term_status
from hoeksteen.complaints.terms import Term

DUE = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)  # 1 January in Amsterdam


def test_it_marks_an_overdue_term_and_counts_the_days_in_the_viewers_language() -> None:
    late = TermStatus(term=Term.DECISION, due=DUE, days_left=-3, met=False)
    with translation.override("en"):
        html = str(term_status(late))
    assert html.startswith('<span class="term term-overdue">')
    assert "1 January 2027 — <strong>⚠ 3 days overdue</strong>" in html
    with translation.override("nl"):
        assert "1 januari 2027" in str(term_status(late))


def test_it_counts_the_days_left_and_says_done_when_met() -> None:
    with translation.override("en"):
        soon = str(term_status(TermStatus(term=Term.DECISION, due=DUE, days_left=1, met=False)))
        done = str(term_status(TermStatus(term=Term.DECISION, due=DUE, days_left=-9, met=True)))
        label = str(Term.DECISION.label)
    assert soon.startswith('<span class="term">')
    assert soon.endswith("— 1 day left</span>")
    assert done == f'<span class="term">{label}: done</span>'
