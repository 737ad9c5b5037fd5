"""The public complaint regulation page: no sign-in, printable."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from hoeksteen.quality import selectors


@require_GET
def regulation(request: HttpRequest, slug: str) -> HttpResponse:
    """Generated from the regulation and the newest role description."""
    page = selectors.public_regulation(slug=slug)
    return render(
        request,
        "quality/regulation.html",
        {
            "page": page,
            "organisation": page.organisation,
            "regulation": page.regulation,
            # Written out in full, so a printed page still says where to go.
            "intake_url": request.build_absolute_uri(reverse("complaints:intake", args=[slug])),
        },
    )
