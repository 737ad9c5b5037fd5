"""Server-rendered pages of long lists: a page number in the query string."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PAGE_PARAMETER = "pagina"


def page_of(request: HttpRequest, items: Any, *, per_page: int) -> Page[Any]:
    """The requested page of `items`; a missing, invalid or too large number
    gives the first or last page, never an error."""
    return Paginator(items, per_page).get_page(request.GET.get(PAGE_PARAMETER))
