"""`python -m hoeksteen demo` prints where the demo is served."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("bind", "url"),
    [
        (None, "http://127.0.0.1:8000/"),
        ("127.0.0.1:8123", "http://127.0.0.1:8123/"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000/"),
    ],
)
def test_it_prints_the_address_the_server_is_bound_to(
    bind: str | None, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if bind is None:
        monkeypatch.delenv("HOEKSTEEN_BIND", raising=False)
    else:
        monkeypatch.setenv("HOEKSTEEN_BIND", bind)
    out = io.StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()
    assert f"Sign in at {url} with" in printed
    assert f"Organisation page: {url}o/" in printed
