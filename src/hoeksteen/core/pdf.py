"""Rendering a template to PDF with WeasyPrint, in a given language."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def render_pdf(template: str, context: dict[str, Any], *, language: str) -> bytes:
    from weasyprint import HTML  # imported late: it is heavy and only needed here

    with translation.override(language):
        html = render_to_string(template, context)
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def pdf_response_headers(filename: str) -> dict[str, str]:
    return {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": "no-store",
    }
