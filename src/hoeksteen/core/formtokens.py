"""One-time form tokens: a form sent twice is acted on once.

A double click, a resent form or an impatient reload would otherwise add a
second message, document, hearing or complaint. Every form that adds
something carries a token (`{% form_token %}` in the template); the view
acts through `submit_once`, which records the token as used in the same
transaction as the action. A second sending of the same rendered form adds
nothing: it is sent to the page the first one led to, with a note.

The trap is two sendings at the same moment (two gunicorn workers, a double
click the browser sends twice). Keeping used tokens in the session cannot
stop that: both requests read the session before either writes it. So the
use is a row with the token as its primary key, inserted before acting: the
second insert waits for the first transaction (PostgreSQL's unique index;
SQLite's one writer) and then fails, or, if the first rolled back, goes
ahead in its place.

Tokens are signed, bound to the session by a secret kept in it and valid
for as long as a session lasts (SESSION_COOKIE_AGE), so the used ones can
be forgotten after that (the tick's `core.forget_used_form_tokens`).
Issuing one writes nothing but, once per session, that secret.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.backends.base import SessionBase
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from hoeksteen.core import clock
from hoeksteen.core.models import UsedFormToken

T = TypeVar("T")

FIELD = "form_token"
SESSION_KEY = "hoeksteen_form_key"
_SALT = "hoeksteen.core.formtokens"


class Refused(Exception):
    """The form came without a token of this session, or with one too old."""

    def __init__(self) -> None:
        self.message = _(
            "This form could not be sent: it was opened too long ago or in another "
            "session. Check what you filled in and send it again."
        )
        super().__init__(self.message)


class AlreadySent(Exception):
    """The token was used: by an earlier sending, or one at the same moment."""

    def __init__(self, result_url: str) -> None:
        self.result_url = result_url or "/"
        super().__init__(self.result_url)


def max_age() -> int:
    """How long a token stays valid, in seconds: as long as a session."""
    return int(settings.SESSION_COOKIE_AGE)


def _signer(session: SessionBase) -> signing.TimestampSigner:
    secret = session.get(SESSION_KEY)
    if not isinstance(secret, str):
        secret = secrets.token_urlsafe(32)
        session[SESSION_KEY] = secret
    return signing.TimestampSigner(salt=f"{_SALT}:{secret}")


def issue_for(session: SessionBase) -> str:
    """A fresh token for a form shown in this session."""
    return _signer(session).sign(secrets.token_urlsafe(16))


def issue(request: HttpRequest) -> str:
    return issue_for(request.session)


def _used_key(request: HttpRequest) -> str | None:
    """The key the form's token is recorded under, if this session issued it in time."""
    token = request.POST.get(FIELD, "")
    if not token or SESSION_KEY not in request.session:
        return None
    try:
        return _signer(request.session).unsign(token, max_age=max_age())
    except signing.BadSignature:  # SignatureExpired is one too
        return None


def _first_result(key: str) -> str | None:
    found: str | None = (
        UsedFormToken.objects.filter(token=key).values_list("result_url", flat=True).first()
    )
    return found


def _already_sent_answer(request: HttpRequest, result_url: str, note: str | None) -> HttpResponse:
    messages.info(request, note or _("This form was already sent, and it was saved once."))
    return redirect(result_url or "/")


def answer_if_sent(request: HttpRequest, *, already: str | None = None) -> HttpResponse | None:
    """For a POST whose token was used already: the page of the first
    sending's result, with `already` (or a general note); otherwise None.

    Called before anything else in a view, so a second sending is answered
    the same way even when the first one took away what the form was about
    (a melding handed over, a record removed).
    """
    key = _used_key(request)
    if key is None:
        return None
    result_url = _first_result(key)
    if result_url is None:
        return None
    return _already_sent_answer(request, result_url, already)


def submit_once(
    request: HttpRequest,
    act: Callable[[], T],
    *,
    result_url: Callable[[T], str] | str,
    saved: str | None = None,
    already: str | None = None,
) -> HttpResponse:
    """Act on this POST's form once, and send the person to the result.

    `act` runs in one transaction with the token's use; `result_url` is the
    page to show afterwards (or a function of what `act` returned). Returns
    that redirect, with `saved` as a success message. A token used already,
    however close in time, gets the first sending's result page with
    `already` (or a general note) instead, and `act` does not run.

    Raises Refused for a missing, foreign or expired token, before acting;
    whatever `act` raises rolls the use back, so the form can be sent again.
    """
    key = _used_key(request)
    if key is None:
        raise Refused
    try:
        with transaction.atomic():
            try:
                # A savepoint of its own: a failed insert must not end the
                # transaction the first sending's result is read in.
                with transaction.atomic():
                    UsedFormToken.objects.create(token=key, used_at=clock.now())
            except IntegrityError:
                raise AlreadySent(_first_result(key) or "") from None
            outcome = act()
            url = result_url(outcome) if callable(result_url) else result_url
            UsedFormToken.objects.filter(token=key).update(result_url=url)
    except AlreadySent as sent:
        return _already_sent_answer(request, sent.result_url, already)
    if saved:
        messages.success(request, saved)
    return redirect(url)


def forget_used(*, now: dt.datetime) -> int:
    """Forget the used tokens that are no longer valid anyway; return how many."""
    # A minute's slack for clocks of other processes.
    cutoff = now - dt.timedelta(seconds=max_age() + 60)
    deleted: int = UsedFormToken.objects.filter(used_at__lt=cutoff).delete()[0]
    return deleted
