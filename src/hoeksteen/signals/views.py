"""The signals pages: the report for the coordinator and the VPs, and the VP's
own qualitative signals. Views parse input, call one selector or action, and
render; every page works without JavaScript."""

from __future__ import annotations

import base64
import csv
import io
import urllib.parse
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hoeksteen.access.decorators import member_view
from hoeksteen.core import clock, formtokens
from hoeksteen.people.models import Role, User
from hoeksteen.signals import actions, charts, selectors
from hoeksteen.signals.forms import ReleaseForm, ReportForm, SignalForm, default_year
from hoeksteen.signals.models import QualitativeSignal
from hoeksteen.signals.rules import READERS
from hoeksteen.signals.suppression import Granularity, PublishedTable
from hoeksteen.signals.traceability import fingerprint

HIDDEN = "x"  # CBS's sign for "secret": the same for every hidden figure, small or not


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # member_view lets only signed-in members through
    return user


def _report(request: HttpRequest) -> tuple[ReportForm, selectors.SignalsReport]:
    """The report chosen in the query string; the defaults when it names none or nonsense."""
    today = timezone.localdate(clock.now())
    defaults = {"year": str(default_year(today)), "granularity": Granularity.QUARTER.value}
    form = ReportForm(defaults | request.GET.dict(), today=today)
    if not form.is_valid():  # a year out of range or an unknown granularity
        form = ReportForm(defaults, today=today)
        form.is_valid()
    year, granularity = form.cleaned_data["year"], Granularity(form.cleaned_data["granularity"])
    report = selectors.signals_report(
        user=request.user,
        organisation=request.organisation,  # type: ignore[attr-defined]
        year=year,
        granularity=granularity,
        today=today,
    )
    return form, report


def _rows(table: PublishedTable) -> list[tuple[str, tuple[int | None, ...], int | None]]:
    return list(zip(table.row_labels, table.cells, table.row_totals, strict=True))


def _report_context(report: selectors.SignalsReport, request: HttpRequest) -> dict[str, Any]:
    return {
        "organisation": report.organisation,
        "report": report,
        "rows": _rows(report.table),
        "department_rows": _rows(report.departments) if report.departments else [],
        "hidden_note": charts.hidden_note(report.k),
        "signals": selectors.released_signals(
            user=request.user, organisation=report.organisation, year=report.year
        ),
        "query": urllib.parse.urlencode(
            {"year": report.year, "granularity": report.requested.value}
        ),
    }


@member_view(*READERS)
@require_GET
def signals_page(request: HttpRequest) -> HttpResponse:
    form, report = _report(request)
    context = _report_context(report, request) | {"form": form, "roles": request.roles}  # type: ignore[attr-defined]
    return render(request, "signals/page.html", context)


@member_view(*READERS)
@require_GET
def signals_chart(request: HttpRequest) -> HttpResponse:
    _form, report = _report(request)
    response = HttpResponse(charts.category_chart(report), content_type="image/svg+xml")
    # Opened on its own, the SVG may style itself and nothing more.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store"
    return response


def _cell(value: int | None) -> str:
    return HIDDEN if value is None else str(value)


def _text(value: str) -> str:
    # A label starting with = + - @ would be a formula in a spreadsheet.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@member_view(*READERS)
@require_GET
def signals_csv(request: HttpRequest) -> HttpResponse:
    """The published table only; hidden figures as `HIDDEN`."""
    _form, report = _report(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    table = report.table
    writer.writerow([_("Category"), *report.period_labels, _("Total")])
    for label, cells, total in _rows(table):
        writer.writerow([_text(label), *map(_cell, cells), _cell(total)])
    writer.writerow([_("Total"), *map(_cell, table.column_totals), _cell(table.grand_total)])
    if report.departments is not None:
        writer.writerow([])
        writer.writerow([_("Department"), str(report.year)])
        for label, cells, _total in _rows(report.departments):
            writer.writerow([_text(label), _cell(cells[0])])
    writer.writerow([])
    writer.writerow([HIDDEN, charts.hidden_note(report.k)])
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"signalen-{report.organisation.slug}-{report.year}-{report.granularity.value}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@member_view(*READERS)
@require_GET
def signals_annual_report(request: HttpRequest) -> HttpResponse:
    """The annual report (jaarverslag) as PDF: chart, table, departments and released signals."""
    from weasyprint import HTML

    _form, report = _report(request)
    chart = base64.b64encode(charts.category_chart(report)).decode()
    html = render_to_string(
        "signals/annual_report.html",
        _report_context(report, request)
        | {"chart": f"data:image/svg+xml;base64,{chart}", "printed_on": timezone.localdate()},
        request=request,
    )
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"jaarverslag-signalen-{report.organisation.slug}-{report.year}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the VP's qualitative signals ---------------------------------------------------


def _signal_form(request: HttpRequest, data: Any = None, **kwargs: Any) -> SignalForm:
    user = _user(request)
    meldingen = [
        (
            m.pk,
            " · ".join(
                part
                for part in (
                    m.first_contact_on.strftime("%d-%m-%Y"),
                    m.category.name,
                    m.melder_reference,
                )
                if part
            ),
        )
        for m in selectors.meldingen_for_signal(user=user, organisation=request.organisation)  # type: ignore[attr-defined]
    ]
    return SignalForm(data, today=timezone.localdate(clock.now()), meldingen=meldingen, **kwargs)


def _input(form: SignalForm) -> actions.SignalInput:
    return actions.SignalInput(
        year=form.cleaned_data["year"],
        period=form.cleaned_data["period"],
        text=form.cleaned_data["text"],
        melding_id=form.cleaned_data["melding"],
    )


@member_view(Role.VP)
@require_http_methods(["GET", "POST"])
def signal_write(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    if request.method == "POST" and (sent := formtokens.answer_if_sent(request)) is not None:
        return sent
    user = _user(request)
    form = _signal_form(
        request,
        request.POST or None,
        # A signal is usually about the year that has just ended, published or not.
        initial={"year": timezone.localdate(clock.now()).year - 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            return formtokens.submit_once(
                request,
                lambda: actions.qualitative_signal_write(
                    organisation=organisation, author=user, data=_input(form)
                ),
                result_url=lambda signal: reverse(
                    "signals:signal", args=[organisation.slug, signal.pk]
                ),
            )
        except formtokens.Refused as refused:
            form.add_error(None, refused.message)
        except actions.SignalError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "signals/write.html",
        {
            "organisation": organisation,
            "form": form,
            "signals": selectors.signals_of_author(user=user, organisation=organisation),
        },
        status=400 if form.errors else 200,
    )


def _render_signal(
    request: HttpRequest,
    signal: QualitativeSignal,
    *,
    form: SignalForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    warnings = selectors.signal_warnings(signal=signal, today=timezone.localdate(clock.now()))
    k = selectors.k_threshold(signal.organisation)
    if form is None:
        form = _signal_form(
            request,
            initial={
                "year": signal.year,
                "period": signal.period,
                "text": signal.text,
                "melding": signal.melding_id,
            },
        )
    return render(
        request,
        "signals/signal.html",
        {
            "organisation": signal.organisation,
            "signal": signal,
            "form": form,
            "warnings": [w.message(k=k) for w in warnings],
            "release_form": ReleaseForm(initial={"confirmed": fingerprint(warnings)}),
            "error": error,
        },
        status=status,
    )


@member_view(Role.VP)
@require_http_methods(["GET", "POST"])
def signal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    user = _user(request)
    signal = selectors.signal_of_author(user=user, organisation=organisation, pk=pk)
    if request.method == "GET":
        return _render_signal(request, signal)
    form = _signal_form(request, request.POST)
    if not form.is_valid():
        # A released signal's page has no form to show the errors on: say why instead.
        error = (
            _("This signal has been released and can no longer be changed.")
            if signal.is_released
            else ""
        )
        return _render_signal(request, signal, form=form, error=error, status=400)
    try:
        actions.qualitative_signal_update(signal=signal, author=user, data=_input(form))
    except actions.SignalError as error:
        return _render_signal(request, signal, form=form, error=error.message, status=400)
    messages.success(
        request, _("The draft has been saved. Check the warnings before you release it.")
    )
    return redirect("signals:signal", organisation.slug, signal.pk)


@member_view(Role.VP)
@require_POST
def signal_release(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = request.organisation  # type: ignore[attr-defined]
    user = _user(request)
    signal = selectors.signal_of_author(user=user, organisation=organisation, pk=pk)
    form = ReleaseForm(request.POST)
    form.is_valid()
    confirmed = form.cleaned_data.get("confirmed") if form.cleaned_data.get("i_confirm") else None
    try:
        actions.qualitative_signal_release(signal=signal, author=user, confirmed=confirmed)
    except actions.SignalError as error:
        return _render_signal(request, signal, error=error.message, status=400)
    messages.success(request, _("The signal has been released to the coordinator."))
    return redirect("signals:write", organisation.slug)
