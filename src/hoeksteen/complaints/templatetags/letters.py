"""Filters for letters, whose facts keep dates as ISO strings."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def isodate(value: str) -> str:
    """'2026-11-28' → '28 november 2026' in the active language; '' stays ''."""
    if not value:
        return ""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value
    return formats.date_format(day, "j F Y")
