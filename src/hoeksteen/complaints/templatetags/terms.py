"""A term's status as one line of HTML, for the case page.

The case list formats its terms in the view (complaints.display.CaseRows),
with the same TermLines, once per page rather than per term.
"""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from hoeksteen.complaints.display import TermLines
from hoeksteen.complaints.selectors import TermStatus

register = template.Library()


@register.simple_tag
def term_status(t: TermStatus) -> SafeString:
    """'Decision: 12 januari 2027 — 14 days left', with the overdue ones marked."""
    return TermLines().line(t)
