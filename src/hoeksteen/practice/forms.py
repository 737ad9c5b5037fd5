from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from hoeksteen.practice.models import (
    ConsentForm,
    ContactKind,
    Department,
    HandoverKind,
    MeldingCategory,
    Outcome,
    Recipient,
    Referral,
)

TEXT_MAX = 20_000


class MeldingForm(forms.Form):
    first_contact_on = forms.DateField(
        label=_("Date of the first conversation"), widget=forms.DateInput(attrs={"type": "date"})
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=MeldingCategory.objects.none())
    contact_kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactKind.choices)
    department = forms.ModelChoiceField(
        label=_("Department (optional)"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("Only a coarse part of the organisation; leave empty when in doubt."),
    )
    melder_reference = forms.CharField(
        label=_("Your reference for the melder (optional)"),
        max_length=40,
        required=False,
        help_text=_("Initials or a pseudonym that means something to you. Never a full name."),
    )
    referral = forms.ChoiceField(label=_("Referred to"), choices=Referral.choices)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only what you need to support the melder. Kept encrypted, for you alone."),
    )
    role_explained = forms.BooleanField(
        label=_("I explained my role and its limits in the first conversation"),
        required=False,
        help_text=_("“I do nothing without your consent.” Give the melder the leaflet."),
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = MeldingCategory.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, is_active=True
        )
        self.fields["department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        )


class ConsentRecordForm(forms.Form):
    recipient = forms.ChoiceField(label=_("With whom"), choices=Recipient.choices)
    form = forms.TypedChoiceField(
        label=_("In which form"), choices=ConsentForm.choices, coerce=int, widget=forms.RadioSelect
    )
    scope = forms.CharField(
        label=_("What may be shared"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In the melder's words where possible."),
    )


class SharingForm(forms.Form):
    recipient = forms.ChoiceField(label=_("With whom"), choices=Recipient.choices)
    form = forms.TypedChoiceField(
        label=_("In which form"), choices=ConsentForm.choices, coerce=int, widget=forms.RadioSelect
    )
    what = forms.CharField(
        label=_("What you share"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class HandoverForm(forms.Form):
    successor = forms.TypedChoiceField(label=_("Successor"), coerce=int, choices=())
    kind = forms.ChoiceField(
        label=_("How long"), choices=HandoverKind.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Handover note"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, successors: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"].choices = [  # type: ignore[attr-defined]
            (u.pk, u.get_full_name() or u.username) for u in successors
        ]


class StepBackForm(HandoverForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class CloseMeldingForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How it ended"), choices=[c for c in Outcome.choices if c[0]]
    )
    closed_on = forms.DateField(
        label=_("Closed on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class MelderAccountForm(forms.Form):
    username = forms.CharField(
        label=_("The melder's user name"),
        max_length=150,
        help_text=_("Only when the melder wants to confirm consent in the portal themselves."),
    )


class IdForm(forms.Form):
    # A hidden field: its errors must name what the person chose, not the field.
    id = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose one of the consents of this melding."),
            "invalid": _("Choose one of the consents of this melding."),
        },
    )
