"""The case list's rows and term lines, formatted once per page in Python,
say exactly what Django's own formatting and URL reversing say."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from hoeksteen.complaints.display import CaseRows, TermLines
from hoeksteen.complaints.models import Complaint
from hoeksteen.complaints.selectors import TermStatus
from hoeksteen.complaints.terms import Term
from hoeksteen.complaints.workflow import State

NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_it_writes_every_month_as_djangos_date_format_does(language: str) -> None:
    with translation.override(language):
        lines = TermLines()
        for month in range(1, 13):
            # 23:30 UTC on the last day: already the next day in Amsterdam
            # in winter, the same day in summer.
            due = dt.datetime(2027, month, 28, 23, 30, tzinfo=dt.UTC)
            expected = formats.date_format(timezone.localtime(due), "j F Y")
            line = lines.line(TermStatus(term=Term.DECISION, due=due, days_left=3, met=False))
            assert f": {expected} — " in line


def _complaint(**fields: Any) -> Complaint:
    values = {
        "uid": uuid.uuid4(),
        "number": 7,
        "received_at": dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
        "state": State.ACKNOWLEDGED,
        "acknowledged_at": None,
        "vp_heard_at": None,
        "decided_at": None,
        "acknowledgment_due_at": None,
        "vp_response_due_at": None,
        "decision_due_at": None,
        "feedback_due_at": None,
        **fields,
    }
    return Complaint(**values)


@pytest.mark.parametrize("slug", ["acme", "00000000-0000-0000-0000-000000000000"])
def test_it_links_each_row_to_the_case_as_reverse_does(slug: str) -> None:
    complaint = _complaint()
    row = CaseRows(slug=slug, now=NOW).row(complaint)
    assert row.url == reverse("complaints:case", args=[slug, complaint.uid])
    assert row.reference == complaint.reference


def test_it_names_the_state_and_lists_only_the_terms_not_met() -> None:
    late = NOW - dt.timedelta(days=5)
    soon = NOW + dt.timedelta(days=2)
    complaint = _complaint(
        acknowledgment_due_at=late,
        acknowledged_at=late,
        decision_due_at=soon,
        feedback_due_at=late,
    )
    with translation.override("en"):
        row = CaseRows(slug="acme", now=NOW).row(complaint, with_terms=True)
        assert row.state == str(State.ACKNOWLEDGED.label)
    assert row.terms is not None
    assert len(row.terms) == 2  # acknowledged: not listed
    assert row.terms[0].startswith('<span class="term">Decision: ')
    assert row.terms[0].endswith("— 2 days left</span>")
    assert row.terms[1].startswith('<span class="term term-overdue">Feedback to the complainant')
    assert row.terms[1].endswith("<strong>⚠ 5 days overdue</strong></span>")


def test_it_tells_a_case_without_terms_from_one_with_all_terms_met() -> None:
    rows = CaseRows(slug="acme", now=NOW)
    assert rows.row(_complaint(), with_terms=True).terms is None
    met = _complaint(acknowledgment_due_at=NOW, acknowledged_at=NOW)
    assert rows.row(met, with_terms=True).terms == []
    assert rows.row(met).terms is None  # the lists other than the handler's show no terms


def test_it_escapes_what_the_translations_say(monkeypatch: pytest.MonkeyPatch) -> None:
    # A translation as a translator could write it must not become markup.
    monkeypatch.setattr("hoeksteen.complaints.display.gettext", lambda text: "<b>klaar</b>")
    monkeypatch.setattr(
        "hoeksteen.complaints.display.ngettext", lambda one, many, n: f"<i>{n}</i> & meer"
    )
    lines = TermLines()
    done = lines.line(TermStatus(term=Term.DECISION, due=NOW, days_left=-1, met=True))
    late = lines.line(TermStatus(term=Term.DECISION, due=NOW, days_left=-4, met=False))
    assert "&lt;b&gt;klaar&lt;/b&gt;" in done
    assert "&lt;i&gt;4&lt;/i&gt; &amp; meer" in late
    assert "<b>" not in done
    assert "<i>" not in late
