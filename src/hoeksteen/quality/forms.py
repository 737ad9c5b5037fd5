"""Forms parse input for the actions; they decide nothing themselves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hoeksteen.people.models import User
from hoeksteen.quality.actions import TEXT_MAX
from hoeksteen.quality.models import ActivityKind, Answer


def _text(
    label: StrOrPromise, *, required: bool = True, rows: int = 5, help_text: StrOrPromise = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _date(
    label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = ""
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class RoleDescriptionForm(forms.Form):
    tasks = _text(
        _("Tasks"), help_text=_("What the VP does for employees and for the organisation.")
    )
    responsibilities = _text(
        _("Responsibilities"),
        help_text=_("What the VP answers for: confidentiality, consent, the LVV code."),
    )
    limits = _text(
        _("Limits: what the VP does not do"),
        help_text=_(
            "For example: no mediation, no investigation, nothing without the melder's consent."
        ),
    )
    first_conversation = _text(
        _("What the VP explains in every first conversation"),
        help_text=_("In the words the VP uses. It is printed on the leaflet."),
    )


class ConversationForm(forms.Form):
    scheduled_on = _date(_("Planned on"))
    held_on = _date(
        _("Held on (optional)"),
        required=False,
        help_text=_("Fill this in once the conversation took place."),
    )
    reachability = _text(
        _("Reachability"),
        required=False,
        rows=3,
        help_text=_("Could employees reach the VP in time, and the VP the organisation?"),
    )
    collaboration = _text(
        _("Collaboration"),
        required=False,
        rows=3,
        help_text=_("With HR, management, the company doctor and the other VPs."),
    )
    role_clarity = _text(
        _("Clarity of the role"),
        required=False,
        rows=3,
        help_text=_("Do employees and managers know what the VP does and does not do?"),
    )
    figures = _text(
        _("Figures"),
        required=False,
        rows=3,
        help_text=_("Only counts, as in the signals report: never a single melding."),
    )
    experiences = _text(_("Experiences"), required=False, rows=3)
    dilemmas = _text(
        _("Dilemmas"),
        required=False,
        rows=3,
        help_text=_("Described so that no melder or case can be recognised."),
    )


class AgreedActionForm(forms.Form):
    description = _text(_("What was agreed"), rows=2)
    owner = forms.ModelChoiceField(label=_("Who does it"), queryset=User.objects.none())
    due_on = _date(_("Due on"))

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class ChecklistItemForm(forms.Form):
    answer = forms.ChoiceField(label=_("Answer"), choices=Answer.choices, widget=forms.RadioSelect)
    explanation = _text(_("Explanation (optional)"), required=False, rows=2)
    evidence = _text(
        _("Evidence (optional)"),
        required=False,
        rows=2,
        help_text=_("Where it shows: a document, a record, a date."),
    )
    improvement = _text(_("Improvement action (optional)"), required=False, rows=2)


class TrainingRecordForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ActivityKind.choices, widget=forms.RadioSelect
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        min_value=Decimal("0.5"),
        max_value=Decimal(200),
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    attended_on = _date(_("Date"))
    description = _text(
        _("Description"),
        rows=2,
        help_text=_("The course, the intervision group or the activity. Never a melder or a case."),
    )


class LVVRegistrationForm(forms.Form):
    registered_on = _date(_("Registered with the LVV on"))
    certificate_expires_on = _date(_("Certificate expires on"))


class NormForm(forms.Form):
    cycle_years = forms.IntegerField(
        label=_("Length of the cycle (years)"), min_value=1, max_value=10
    )
    total_hours = forms.IntegerField(label=_("Hours in total"), min_value=0, max_value=1000)
    training_hours = forms.IntegerField(
        label=_("Of which at least training"), min_value=0, max_value=1000
    )
    intervision_hours = forms.IntegerField(
        label=_("Of which at least intervision"), min_value=0, max_value=1000
    )
    other_hours = forms.IntegerField(
        label=_("Of which at least other development"), min_value=0, max_value=1000
    )
