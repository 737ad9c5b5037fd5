"""One-time form tokens: what the tick forgets, and what a page carries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template import Context, Template
from django.test import RequestFactory

from hoeksteen.core import formtokens
from hoeksteen.core.models import UsedFormToken
from hoeksteen.outbox.tick import run_tick

NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def test_it_forgets_used_tokens_only_once_no_token_of_their_age_is_valid(
    settings: Any, db: None
) -> None:
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    UsedFormToken.objects.create(token="old", used_at=NOON - age - dt.timedelta(minutes=2))
    UsedFormToken.objects.create(token="recent", used_at=NOON - age + dt.timedelta(minutes=2))

    # Tokens are refused after SESSION_COOKIE_AGE (complaints'
    # test_it_refuses_a_form_token_older_than_a_session...), so a use older
    # than that guards nothing any more.
    done = run_tick(now=NOON)

    assert done["core.forget_used_form_tokens"] == 1
    assert list(UsedFormToken.objects.values_list("token", flat=True)) == ["recent"]


def _session() -> Any:
    from django.contrib.sessions.backends.db import SessionStore

    return SessionStore()


def test_it_puts_a_fresh_token_in_every_form_it_renders(db: None) -> None:
    request = RequestFactory().get("/")
    request.session = _session()
    template = Template("{% load formtokens %}{% form_token %}|{% form_token %}")

    first, second = template.render(Context({"request": request})).split("|")

    assert first.startswith('<input type="hidden" name="form_token" value="')
    assert first != second
    assert formtokens.SESSION_KEY in request.session
