from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """User name and password, refusing a user name longer than any account's.

    AuthenticationForm sets the field's max_length after the field is built, so
    Django never adds its validator: an over-long name would reach
    authenticate() and django-axes, whose 255-character column PostgreSQL then
    refuses with a 500 instead of a form error.
    """

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        assert isinstance(username, forms.CharField)
        if username.max_length is not None:
            username.validators.append(MaxLengthValidator(username.max_length))
        # No autofocus: keyboard and screen-reader users meet the skip link
        # and the page's heading first.
        username.widget.attrs.pop("autofocus", None)


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The six digits from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        return token.replace(" ", "").strip()
