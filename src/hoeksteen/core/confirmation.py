"""A confirmation page before an irreversible step, without JavaScript.

A button that ends, removes or withdraws something posts to its view as
before; the view answers a POST without `confirmed=yes` with this page,
which says what will happen and posts the same fields again with the
confirmation. So one click never does what cannot be undone, and a POST
with no fields at all does nothing but ask.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FIELD = "confirmed"
YES = "yes"


def confirmed(request: HttpRequest) -> bool:
    """True when the POST came from the confirmation page."""
    return request.POST.get(FIELD) == YES


def ask(
    request: HttpRequest,
    *,
    title: str,
    consequence: str,
    button: str,
    back_url: str,
    fields: Mapping[str, str] | None = None,
    context: Mapping[str, object] | None = None,
) -> HttpResponse:
    """The page that asks to confirm; its form posts `fields` back to this URL."""
    return render(
        request,
        "core/confirm.html",
        {
            **(context or {}),
            "title": title,
            "consequence": consequence,
            "button": button,
            "back_url": back_url,
            "fields": sorted((fields or {}).items()),
            "confirm_field": FIELD,
            "confirm_value": YES,
        },
    )
