"""Forms of the complaint procedure. They parse input; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hoeksteen.complaints.models import Category, Decision, MeasureKind
from hoeksteen.complaints.models.procedure import (
    HearingParty,
    ReviewAnswerValue,
    ReviewQuestion,
    SupportKind,
)
from hoeksteen.people.models import User

TEXT_MAX = 20_000


def _text(
    label: Any, *, required: bool = True, help_text: Any = "", rows: int = 5
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class VPChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class IntakeForm(forms.Form):
    subject_vp = VPChoiceField(
        label=_("Which confidential adviser is your complaint about?"),
        queryset=User.objects.none(),
        empty_label=_("Choose a confidential adviser"),
    )
    category = forms.ChoiceField(
        label=_("What is your complaint about?"),
        choices=Category.choices,
        widget=forms.RadioSelect,
    )
    description = _text(
        _("What happened?"),
        help_text=_("Describe in your own words what happened, and when. Take your time."),
        rows=8,
    )
    desired_outcome = _text(
        _("What would you like to happen?"),
        required=False,
        help_text=_("For example an apology, a conversation, an explanation, or a change."),
        rows=3,
    )
    vp_may_read_description = forms.BooleanField(
        label=_("The VP may read my description when they are asked to respond."),
        required=False,
        help_text=_(
            "If you leave this off, the VP hears what the complaint is about, "
            "but not in your words."
        ),
    )
    vp_may_know_identity = forms.BooleanField(
        label=_("The VP may know that the complaint is mine."),
        required=False,
        help_text=_("Not possible when you complain anonymously."),
    )
    anonymous = forms.BooleanField(
        label=_("Complain anonymously"),
        required=False,
        help_text=_(
            "You get a receipt code instead of an account. Only with that code can you follow "
            "your complaint; nobody can find out who you are from it."
        ),
    )
    contact_email = forms.EmailField(
        label=_("E-mail address for notices (optional)"),
        required=False,
        help_text=_(
            "We only send a short notice that something new is waiting, never the content. "
            "Leave empty to stay fully anonymous."
        ),
    )
    documents = MultipleFileField(
        label=_("Documents (optional)"),
        required=False,
        help_text="",  # set in __init__ from the configured limit
    )

    def __init__(self, *args: Any, vps: Any, signed_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject_vp"].queryset = vps  # type: ignore[attr-defined]
        self.fields["documents"].help_text = _(
            "PDF, photo (PNG or JPEG), Word, OpenDocument or plain text; at most %(mb)s MB each."
        ) % {"mb": f"{settings.ATTACHMENT_MAX_BYTES / (1024 * 1024):.3g}"}
        if not signed_in:
            # Without an account, a complaint is always anonymous.
            del self.fields["anonymous"]
            del self.fields["vp_may_know_identity"]


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Your receipt code"),
        max_length=40,
        help_text=_("The 16 digits you received when you filed the complaint."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )


class EmptyForm(forms.Form):
    pass


class ReasonForm(forms.Form):
    reason = _text(_("Reasons"))


class InformVPForm(forms.Form):
    """Informing the VP cannot be taken back: the box makes it a choice, not a click."""

    confirm = forms.BooleanField(
        label=_(
            "Yes, inform the VP now. They read the complaint as far as the complainant "
            "allowed; this cannot be taken back."
        ),
        error_messages={"required": _("Tick the box to confirm that the VP is informed now.")},
    )


class WithdrawForm(forms.Form):
    """Withdrawing ends the procedure for good: the box makes it a choice, not a click."""

    reason = _text(_("Reason (optional)"), required=False, rows=3)
    confirm = forms.BooleanField(
        label=_("Yes, I withdraw my complaint. The procedure stops and cannot be resumed."),
        error_messages={"required": _("Tick the box to confirm that you withdraw your complaint.")},
    )


class InvestigationForm(forms.Form):
    reason = _text(_("Why an independent investigation"))
    investigator = VPChoiceField(label=_("Investigator"), queryset=User.objects.none())

    def __init__(self, *args: Any, investigators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if investigators is not None:
            self.fields["investigator"].queryset = investigators  # type: ignore[attr-defined]


class InvestigatorForm(forms.Form):
    investigator = VPChoiceField(label=_("Investigator"), queryset=User.objects.none())

    def __init__(self, *args: Any, investigators: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if investigators is not None:
            self.fields["investigator"].queryset = investigators  # type: ignore[attr-defined]


class ResponseForm(forms.Form):
    body = _text(_("Your response"), rows=8)
    share_with_support = forms.BooleanField(
        label=_("Share this response with my support person"), required=False, initial=True
    )


class SupporterForm(forms.Form):
    supporter = VPChoiceField(label=_("Support person"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    shares_complaint = forms.BooleanField(
        label=_("Let them read the complaint as I was shown it"), required=False, initial=True
    )

    def __init__(self, *args: Any, supporters: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if supporters is not None:
            self.fields["supporter"].queryset = supporters  # type: ignore[attr-defined]


class HearingForm(forms.Form):
    party = forms.ChoiceField(label=_("Who was heard"), choices=HearingParty.choices)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    present = forms.CharField(label=_("Present"), max_length=300, required=False)
    record = _text(_("Record of the hearing"), rows=8)


class ReviewAnswerForm(forms.Form):
    question = forms.ChoiceField(label=_("Question"), choices=ReviewQuestion.choices)
    answer = forms.ChoiceField(label=_("Answer"), choices=ReviewAnswerValue.choices)
    evidence = _text(_("Evidence"), rows=3)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Extra days"), min_value=1, max_value=365)
    reason = _text(_("Reason for the extension"), rows=3)
    complainant_consented = forms.BooleanField(
        label=_("The complainant agreed in writing to a longer delay"), required=False
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[c for c in Decision.choices if c[0]], widget=forms.RadioSelect
    )
    reasons = _text(_("Reasons"), rows=8)
    objectivity_note = _text(_("How objectivity was safeguarded"), required=False, rows=3)
    transparency_note = _text(_("How the parties were kept informed"), required=False, rows=3)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    description = _text(_("What will be done"), rows=3)
    owner = forms.CharField(label=_("Who takes care of it"), max_length=200)
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))


class MeasureDoneForm(forms.Form):
    measure = forms.IntegerField(widget=forms.HiddenInput)
    note = _text(_("How it went"), required=False, rows=2)


class CloseForm(forms.Form):
    lessons = _text(
        _("What the organisation learns"),
        help_text=_(
            "About the clarity of the role, the expectations of employees, and how trust is kept."
        ),
    )


class ReflectionForm(forms.Form):
    communication = _text(_("What went wrong in the communication?"), required=False, rows=4)
    role_boundaries = _text(
        _("Did I guard the boundaries of my role well enough?"), required=False, rows=4
    )
    explained_in_time = _text(
        _("Did I explain in time what I can and cannot do?"), required=False, rows=4
    )


class MessageForm(forms.Form):
    body = _text(_("Your message"), rows=4)


class DocumentForm(forms.Form):
    document = forms.FileField(label=_("Document"))
