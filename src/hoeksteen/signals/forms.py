"""Forms of the signals pages: they parse input, nothing more."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoeksteen.signals.actions import TEXT_MAX_LENGTH
from hoeksteen.signals.counting import is_published
from hoeksteen.signals.models import SignalPeriod
from hoeksteen.signals.suppression import Granularity

YEARS_BACK = 10

GRANULARITY_CHOICES = [
    (Granularity.QUARTER.value, _("Per quarter")),
    (Granularity.HALF.value, _("Per half year")),
    (Granularity.YEAR.value, _("Per year")),
]


def default_year(today: dt.date) -> int:
    """The newest year whose figures are published (in January, the year
    before last: the last one is published on 1 February)."""
    last = today.year - 1
    return last if is_published(last, today) else last - 1


class ReportForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    granularity = forms.ChoiceField(label=_("Figures"), choices=GRANULARITY_CHOICES)

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = range(today.year, today.year - YEARS_BACK, -1)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]


class SignalForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    period = forms.ChoiceField(label=_("Period"), choices=SignalPeriod.choices)
    text = forms.CharField(
        label=_("Your signal"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What you notice across meldingen: themes, patterns, what the organisation could "
            "do. No names, no departments with few meldingen, no recent single events."
        ),
    )
    melding = forms.TypedChoiceField(
        label=_("Is this signal about one melding?"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Only then choose it. A signal about one melding needs the melder's confirmed "
            "consent to share an anonymised description with the coordinator."
        ),
    )

    def __init__(
        self, *args: Any, today: dt.date, meldingen: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        years = range(today.year, today.year - YEARS_BACK, -1)
        self.fields["year"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["melding"].choices = [  # type: ignore[attr-defined]
            ("", _("No, it is about several meldingen")),
            *meldingen,
        ]


class ReleaseForm(forms.Form):
    confirmed = forms.CharField(required=False, widget=forms.HiddenInput)
    i_confirm = forms.BooleanField(
        label=_(
            "I have read the warnings. The signal cannot be traced to a melder or to anyone "
            "else, or the melder agreed to exactly this."
        ),
        required=False,
    )
