"""A term's status as one line of HTML, for the case list and the case page.

Rendered in Python rather than by an included template: the case list shows
a few terms on each of its rows, and a template include per term was a fifth
of the page's time.
"""

from __future__ import annotations

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext

from hoeksteen.complaints.selectors import TermStatus

register = template.Library()


@register.simple_tag
def term_status(t: TermStatus) -> SafeString:
    """'Decision: 12 januari 2027 — 14 days left', with the overdue ones marked."""
    if t.met:
        text = format_html("{}: {}", t.term.label, gettext("done"))
    else:
        due = formats.date_format(timezone.localtime(t.due), "j F Y")
        if t.overdue:
            days = t.days_overdue
            late = ngettext("%(days)s day overdue", "%(days)s days overdue", days)
            text = format_html(
                "{}: {} — <strong>⚠ {}</strong>", t.term.label, due, late % {"days": days}
            )
        else:
            days = t.days_left
            left = ngettext("%(days)s day left", "%(days)s days left", days)
            text = format_html("{}: {} — {}", t.term.label, due, left % {"days": days})
    css = "term term-overdue" if t.overdue else "term"
    return format_html('<span class="{}">{}</span>', css, text)
