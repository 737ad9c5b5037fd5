"""Guessing receipt codes: limits per address, per organisation and for the
whole instance. Limits are set small; the others stay out of reach."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from hoeksteen.complaints.tests.fixtures_http import (  # noqa: F401 (autouse fixture)
    file_complaint,
    http_isolation,
    receipt_from,
)
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User

OUT_OF_REACH = (10_000, 900)


@pytest.fixture(autouse=True)
def limits(settings: Any) -> dict[str, tuple[int, int]]:
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, OUT_OF_REACH)
    rate_limits: dict[str, tuple[int, int]] = settings.RATE_LIMITS
    return rate_limits


def _from(address: str) -> Client:
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def _try(address: str, code: str, slug: str = "acme") -> int:
    return int(_from(address).post(f"/o/{slug}/mijn-klacht/", {"code": code}).status_code)


@pytest.fixture
def code(subject_vp: User, hr_handler: User) -> str:
    owner = _from("10.9.9.9")
    file_complaint(owner, subject_vp)
    found = receipt_from(owner.get("/o/acme/klacht/ontvangen/"))
    assert found is not None
    return found


def test_it_limits_wrong_codes_per_address(limits: dict[str, tuple[int, int]], code: str) -> None:
    limits["receipt.client"] = (3, 900)
    assert [_try("10.0.0.1", f"{n:016d}") for n in range(3)] == [400, 400, 400]

    assert _try("10.0.0.1", code) == 429
    assert _try("10.0.0.2", code) == 302


def test_it_limits_wrong_codes_per_organisation(
    limits: dict[str, tuple[int, int]], code: str, other_org: Organisation
) -> None:
    limits["receipt.organisation"] = (3, 900)
    assert [_try(f"10.0.0.{n}", f"{n:016d}") for n in range(3)] == [400, 400, 400]

    assert _try("10.0.1.1", code) == 429
    assert _try("10.0.1.1", "0" * 16, slug=other_org.slug) == 400


def test_it_limits_wrong_codes_on_the_whole_instance(
    limits: dict[str, tuple[int, int]], code: str, other_org: Organisation
) -> None:
    limits["receipt.global"] = (3, 900)
    assert _try("10.0.0.1", "0" * 16, slug=other_org.slug) == 400
    assert _try("10.0.0.2", "1" * 16, slug=other_org.slug) == 400
    assert _try("10.0.0.3", "2" * 16) == 400

    assert _try("10.0.1.1", code) == 429


def test_it_does_not_count_the_right_code_as_a_guess(
    limits: dict[str, tuple[int, int]], code: str
) -> None:
    limits["receipt.global"] = (2, 900)
    assert _try("10.0.0.1", "0" * 16) == 400
    assert _try("10.0.0.2", code) == 302
    assert _try("10.0.0.3", "1" * 16) == 400
    assert _try("10.0.0.4", code) == 429


def test_it_says_how_long_to_wait_in_dutch_and_english(
    limits: dict[str, tuple[int, int]], code: str
) -> None:
    limits["receipt.client"] = (1, 2 * 3600)  # two hours, not the default quarter
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        assert _try("10.0.0.1", "0" * 16) == 400
        english = _from("10.0.0.1").post("/o/acme/mijn-klacht/", {"code": code})
        dutch = Client(REMOTE_ADDR="10.0.0.1").post("/o/acme/mijn-klacht/", {"code": code})

        assert english.status_code == dutch.status_code == 429
        assert "wait 120 minutes and try again" in english.content.decode()
        assert "Wacht voor uw veiligheid 120 minuten" in dutch.content.decode()
        assert english["Retry-After"] == "7200"

        clock.shift(dt.timedelta(hours=2) - dt.timedelta(seconds=59))
        english = _from("10.0.0.1").post("/o/acme/mijn-klacht/", {"code": code})
        dutch = Client(REMOTE_ADDR="10.0.0.1").post("/o/acme/mijn-klacht/", {"code": code})
        assert "wait 1 minute and try again" in english.content.decode()
        assert "Wacht voor uw veiligheid 1 minuut" in dutch.content.decode()
