"""Bad input: hostile values in every form and query string never give a 500.

Every URL that takes a POST (tests/fuzz_forms_world.py finds them in the URL
configuration and the product's step tables) is posted to by an actor the
access matrix lets in, with hypothesis-drawn values for the fields of the form
the product renders: markup, SQL meta-characters, control characters and NUL,
long strings, wrong types, other tenants' ids, missing, duplicated and extra
fields, and bad files. Every answer must:

- be below 500;
- if it is a 4xx, have written nothing (a page re-rendered with its errors may
  record that personal data was viewed, a failed sign-in its attempt), and a
  400 must say what is wrong, in Dutch;
- never send back sent markup unescaped, nor does the page a success leads to.

Then: CSRF tokens missing or wrong, double submissions, bodies too large or
with too many fields, bytes that are not UTF-8, and the query strings of every
page (the JSON ones included). The world is built once for the module; every
request runs in a savepoint that is rolled back.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hoeksteen.complaints.models import Complaint
from hoeksteen.complaints.workflow import State
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from tests import fuzz_forms_world as fz
from tests.access_matrix_world import World, build_world
from tests.test_access_matrix import MATRIX, routes, url_for

FILE_LIMIT = 64 * 1024  # ATTACHMENT_MAX_BYTES here: "huge" files stay cheap
EXAMPLES = 8
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # Without shrinking a failure is reported as drawn; derandomized, it repeats.
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=list(HealthCheck),
)


@dataclasses.dataclass
class Fuzz:
    world: World
    endpoints: list[fz.Endpoint]
    get_only: list[str]
    other_tenant_ids: tuple[int, ...]


@pytest.fixture(scope="module")
def fuzz(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fuzz]:
    media: Path = tmp_path_factory.mktemp("private")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            RECEIPT_HASH_TIME_COST=1,
            RECEIPT_HASH_MEMORY_KIB=64,
            ATTACHMENT_MAX_BYTES=FILE_LIMIT,
        ),
        transaction.atomic(),
    ):
        cache.clear()
        world = build_world()
        other = Organisation.objects.get(slug="other")
        outsider = User.objects.get(username="outsider")
        endpoints, get_only = fz.discover(world)
        yield Fuzz(world, endpoints, get_only, (other.pk, outsider.pk))
        transaction.set_rollback(True)


@pytest.fixture
def fuzzed(fuzz: Fuzz, db: None) -> Fuzz:
    """The module's world, inside this test's own transaction."""
    return fuzz


# --- one request ------------------------------------------------------------------


def _send(client: Client, method: str, path: str, **kwargs: Any) -> HttpResponse | str:
    """The response, or the exception a 500 would have been."""
    try:
        response: HttpResponse = getattr(client, method)(path, **kwargs)
    except Exception as error:  # the test client re-raises what the view raised
        return f"500: {type(error).__name__}: {error}"
    return response


def _problems(
    endpoint: fz.Endpoint, client: Client, response: HttpResponse | str, sent: list[str]
) -> list[str]:
    if isinstance(response, str):
        return [response]
    status = response.status_code
    if status >= 500:
        return [f"{status}"]
    problems = [f"{status}: unescaped {m!r}" for m in fz.unescaped(response, sent)]
    if status == 400:
        problems += fz.error_page_problems(response)
    if 300 <= status < 400 and fz.resolves(response["Location"].split("?")[0]):
        # A success: the page it leads to shows what was saved.
        shown = _send(client, "get", response["Location"])
        if isinstance(shown, str) or shown.status_code >= 500:
            return [f"{status}, then GET {response['Location']}: {shown}"]
        problems += [f"saved, then shown unescaped {m!r}" for m in fz.unescaped(shown, sent)]
    return problems


def post_and_check(fuzz: Fuzz, endpoint: fz.Endpoint, data: dict[str, Any]) -> list[str]:
    with transaction.atomic():
        cache.clear()
        client = fz.dutch_client(fuzz.world, endpoint.actor)
        before = fz.snapshot()
        response = _send(client, "post", endpoint.path, data=fz.materialise(data, FILE_LIMIT))
        after = fz.snapshot()
        problems = _problems(endpoint, client, response, fz.sent_strings(data))
        if isinstance(response, HttpResponse) and 400 <= response.status_code < 500:
            sign_in = endpoint.name in ("people:login", "people:otp_verify", "people:otp_setup")
            writes = fz.unexplained_writes(before, after, sign_in=sign_in)
            if writes:
                problems.append(f"{response.status_code} but rows written: {writes}")
        transaction.set_rollback(True)
    return problems


def fuzz_endpoint(fuzz: Fuzz, endpoint: fz.Endpoint) -> str | None:
    """Hypothesis over one endpoint; the falsifying example, or None."""

    @FUZZ
    @given(data=fz.request_strategy(endpoint, fuzz.other_tenant_ids))
    def run(data: dict[str, Any]) -> None:
        problems = post_and_check(fuzz, endpoint, data)
        assert not problems, problems

    try:
        run()
    except AssertionError as error:
        notes = "; ".join(getattr(error, "__notes__", []))
        return f"{endpoint.id} POST {endpoint.path}: {str(error)[:600]} {notes[:1500]}"
    return None


# --- the tests ----------------------------------------------------------------------


def test_it_finds_the_post_endpoints_and_their_fields(fuzzed: Fuzz) -> None:
    names = {e.name.split("/")[0] for e in fuzzed.endpoints}
    # The POST-only URLs of the matrix, and the forms of the main flows.
    post_only = {n for n, rule in MATRIX.items() if any(v.startswith("405") for v in rule.values())}
    assert post_only <= names, sorted(post_only - names)
    by_name = {e.name: e for e in fuzzed.endpoints}
    assert {"subject_vp", "description", "form_token", "documents"} <= set(
        by_name["complaints:intake"].fields
    )
    assert "message-body" in by_name["complaints:step/message"].fields
    assert "edit-notes" in by_name["practice:step/edit"].fields
    # Every other POST URL has fields, or is known to take none.
    fieldless = [e.id for e in fuzzed.endpoints if not e.fields and e.name not in FIELDLESS]
    assert not fieldless, f"POST endpoints without fields found: {fieldless}"


# POST URLs with nothing to fill in: a button, a step with an empty form, or a
# page that answers a POST as a GET.
FIELDLESS = {
    "people:logout",
    "people:recovery_codes",
    "people:otp_setup",  # every actor has a second factor: it sends them to verify
    "practice:handover_end",
    "quality:action_done",
    "quality:conversations_plan",
    "quality:training_record_remove",
    "complaints:step/acknowledge",
    "complaints:step/inform-vp",
    "complaints:step/request-formal",
    "complaints:received",
    "complaints:list",
    "practice:log",
    "home",
    "organisations:home",
}


def test_it_answers_hostile_form_input_without_a_500_a_write_or_raw_markup(
    fuzzed: Fuzz,
) -> None:
    failures = [f for e in fuzzed.endpoints if (f := fuzz_endpoint(fuzzed, e))]
    assert not failures, f"{len(failures)} endpoints fail:\n" + "\n".join(failures)
