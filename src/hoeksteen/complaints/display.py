"""What the case list and the case page show of a case, formatted in Python.

The case list shows 25 rows with a few terms each. Rendered by template tags
(`{% url %}` per row, a date format and two translations per term) that was
most of the page's time. Here everything that is the same for every row of a
page — the link pattern, the month names, the labels and the phrases, all in
the active language — is looked up once per page, and each row fills it in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from hoeksteen.complaints.models import Complaint
from hoeksteen.complaints.selectors import TermStatus, term_statuses
from hoeksteen.complaints.terms import Term
from hoeksteen.complaints.workflow import State


class TermLines:
    """A term's status as one line of HTML — 'Decision: 12 januari 2027 —
    14 days left', the overdue ones marked — in the language active when made.

    Make one per page: it keeps the words it has looked up."""

    def __init__(self) -> None:
        self._zone = timezone.get_current_timezone()
        self._labels: dict[Term, SafeString] = {}
        self._months: dict[int, SafeString] = {}
        self._phrases: dict[tuple[bool, int], SafeString] = {}

    def line(self, t: TermStatus) -> SafeString:
        label = self._labels.get(t.term)
        if label is None:
            label = self._labels[t.term] = escape(str(t.term.label))
        if t.met:
            return format_html('<span class="term">{}: {}</span>', label, escape(gettext("done")))
        local = t.due.astimezone(self._zone)
        month = self._months.get(local.month)
        if month is None:
            month = self._months[local.month] = escape(str(MONTHS[local.month]))
        # As formats.date_format(moment, "j F Y"): day, month name, year.
        due = f"{local.day} {month} {local.year:04d}"
        if t.overdue:
            return format_html(
                '<span class="term term-overdue">{}: {} — <strong>⚠ {}</strong></span>',
                label,
                SafeString(due),
                self._phrase(True, t.days_overdue),
            )
        return format_html(
            '<span class="term">{}: {} — {}</span>',
            label,
            SafeString(due),
            self._phrase(False, t.days_left),
        )

    def _phrase(self, overdue: bool, days: int) -> SafeString:
        phrase = self._phrases.get((overdue, days))
        if phrase is None:
            if overdue:
                text = ngettext("%(days)s day overdue", "%(days)s days overdue", days)
            else:
                text = ngettext("%(days)s day left", "%(days)s days left", days)
            phrase = self._phrases[(overdue, days)] = escape(text % {"days": days})
        return phrase


@dataclasses.dataclass(frozen=True)
class CaseRow:
    """One case in a list: its link, reference and state, and on the
    handler's list the lines of its terms not met yet (None: no terms yet)."""

    url: str
    reference: str
    state: str
    terms: list[SafeString] | None = None


class CaseRows:
    """Rows of the case list of one organisation, at one moment."""

    def __init__(self, *, slug: str, now: dt.datetime) -> None:
        self._now = now
        # The case URL with a placeholder uid, cut where the uid goes (the
        # last occurrence: the slug comes before it).
        placeholder = str(uuid.UUID(int=0))
        link = reverse("complaints:case", args=[slug, placeholder])
        self._before, self._after = link.rsplit(placeholder, 1)
        self._states = {value: str(label) for value, label in State.choices}
        self._terms = TermLines()

    def row(self, complaint: Complaint, *, with_terms: bool = False) -> CaseRow:
        terms = None
        if with_terms:
            statuses = term_statuses(complaint, now=self._now)
            if statuses:
                terms = [self._terms.line(t) for t in statuses if not t.met]
        return CaseRow(
            url=f"{self._before}{complaint.uid}{self._after}",
            reference=complaint.reference,
            state=self._states.get(complaint.state, complaint.state),
            terms=terms,
        )
