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
- if it is a success that wrote rows, have written its audit entry with them
  (every write is an audited action in one transaction: rows without their
  entry are half a change);
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
from django.utils import translation
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hoeksteen.complaints.models import Complaint
from hoeksteen.complaints.workflow import State
from hoeksteen.organisations.models import Organisation
from hoeksteen.people.models import User
from hoeksteen.testing.factories import form_token_for
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
    """The response, or the exception a 500 would have been. In a savepoint of
    its own: a database error must not break the transaction the check reads in."""
    try:
        with transaction.atomic():
            response: HttpResponse = getattr(client, method)(path, **kwargs)
    except Exception as error:  # the test client re-raises what the view raised
        return f"500: {type(error).__name__}: {str(error)[:300]}"
    return response


def _problems(client: Client, response: HttpResponse | str, sent: list[str]) -> list[str]:
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
        problems = _problems(client, response, fz.sent_strings(data))
        status = response.status_code if isinstance(response, HttpResponse) else 500
        if 400 <= status < 500:
            sign_in = endpoint.name in ("people:login", "people:otp_verify", "people:otp_setup")
            writes = fz.unexplained_writes(before, after, sign_in=sign_in)
            if writes:
                problems.append(f"{status} but rows written: {writes}")
        elif status < 400 and (half := fz.unaudited_writes(before, after)):
            problems.append(f"{status}: rows written without their audit entry: {half}")
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


# --- a POST with nothing in it -------------------------------------------------------

# What an empty POST (a button pressed, or a request made by hand) may change,
# and why that is no irreversible step taken without asking. Everything else
# that ends, removes, withdraws, hands over or informs asks first: a form with
# a box to tick, typed reasons, or a page that asks (core.confirmation).
EMPTY_POST_MAY_CHANGE = {
    # The page the button is on asks first: "the old codes stop working at once".
    "people:recovery_codes",
    # Plans the year's conversations that are due; dates can be changed after.
    "quality:conversations_plan",
    # A routine mark on an agreed action, by its owner or a coordinator.
    "quality:action_done",
    # The button is on the page that checks the draft for what makes a case
    # recognisable and asks to read it once more; with warnings, a box must
    # be ticked (signals:release checks the warnings as they are now).
    "signals:release",
}


def test_it_takes_no_irreversible_step_on_an_empty_post(fuzzed: Fuzz) -> None:
    changed: dict[str, dict[str, int]] = {}
    for endpoint in fuzzed.endpoints:
        with transaction.atomic():
            client = fz.dutch_client(fuzzed.world, endpoint.actor)
            before = fz.snapshot()
            response = _send(client, "post", endpoint.path, data={})
            writes = fz.unexplained_writes(
                before, fz.snapshot(), sign_in=endpoint.name == "people:login"
            )
            transaction.set_rollback(True)
        assert not isinstance(response, str), f"{endpoint.id}: {response}"
        if writes:
            changed[endpoint.name] = writes
    assert set(changed) == EMPTY_POST_MAY_CHANGE, changed


# --- CSRF ----------------------------------------------------------------------------

TOKEN = "a" * 32  # an unmasked secret: accepted when cookie and field agree


def _valid_data(endpoint: fz.Endpoint) -> dict[str, str]:
    return {n: fz.valid_value(f) for n, f in endpoint.fields.items() if f.kind != "file"}


def _csrf_failures(fuzz: Fuzz, endpoint: fz.Endpoint, cookie: str | None, field: str | None) -> str:
    with transaction.atomic():
        client = fz.dutch_client(fuzz.world, endpoint.actor, enforce_csrf_checks=True)
        data = _valid_data(endpoint)
        if cookie is not None:
            client.cookies["csrftoken"] = cookie
        if field is not None:
            data["csrfmiddlewaretoken"] = field
        before = fz.snapshot()
        response = _send(client, "post", endpoint.path, data=data)
        writes = fz.changed(before, fz.snapshot())
        transaction.set_rollback(True)
    if isinstance(response, str):
        return response
    if response.status_code != 403 or fz.csrf_page_title() not in fz.body(response):
        return f"{response.status_code}, not the product's 403 page"
    return f"rows written: {writes}" if writes else ""


def test_it_refuses_a_missing_or_wrong_csrf_token_with_its_own_page(fuzzed: Fuzz) -> None:
    cases = {"no token": (None, None), "no field": (TOKEN, None), "wrong": (TOKEN, "b" * 32)}
    failures = [
        f"{endpoint.id} {label}: {problem}"
        for endpoint in fuzzed.endpoints
        for label, (cookie, field) in cases.items()
        if (problem := _csrf_failures(fuzzed, endpoint, cookie, field))
    ]
    assert not failures, "\n".join(failures)


# --- double submissions ------------------------------------------------------------


def _twice(
    fuzz: Fuzz,
    actor: str,
    path: str,
    data: dict[str, str] | None = None,
    client: Client | None = None,
) -> list[str]:
    """POST the same form twice: the first is a success, the second writes nothing."""
    client = client or fz.dutch_client(fuzz.world, actor)
    with transaction.atomic():
        first = _send(client, "post", path, data=data or {})
        before = fz.snapshot()
        second = _send(client, "post", path, data=data or {})
        writes = fz.unexplained_writes(before, fz.snapshot())
        transaction.set_rollback(True)
    problems: list[str] = []
    if isinstance(first, str) or first.status_code != 302:
        problems.append(f"the first POST is no success: {getattr(first, 'status_code', first)}")
    if isinstance(second, str) or second.status_code >= 500:
        return [*problems, f"the second POST: {second}"]
    if second.status_code == 400:
        problems += fz.error_page_problems(second)
    elif second.status_code not in (302, 404):  # 404: the first removed what it was about
        problems.append(f"the second POST answers {second.status_code}")
    if writes:
        problems.append(f"the second POST wrote {writes}")
    return problems


def _actor_of(fuzz: Fuzz, user_id: int) -> str:
    username = User.objects.get(pk=user_id).username
    return {"hr_handler": "handler"}.get(username, username)


def _case_step(complaint: Complaint, step: str) -> str:
    return f"/o/acme/klachten/{complaint.uid}/stap/{step}/"


def test_it_takes_a_double_submission_once(fuzzed: Fuzz) -> None:
    by_name = {e.name: e for e in fuzzed.endpoints}
    received = Complaint.objects.get(state=State.RECEIVED)
    not_informed = Complaint.objects.get(state=State.REVIEW, vp_informed_at__isnull=True)
    steps = {
        "acknowledge": (
            _actor_of(fuzzed, received.handler_id),
            _case_step(received, "acknowledge"),
            {},
        ),
        "inform-vp": (
            _actor_of(fuzzed, not_informed.handler_id),
            _case_step(not_informed, "inform-vp"),
            {"inform-vp-confirm": "on"},
        ),
    }
    failures = []
    for step, (actor, path, fields) in steps.items():
        client = fz.dutch_client(fuzzed.world, actor)
        data = fields | {"form_token": form_token_for(client)}
        failures += [f"{step}: {p}" for p in _twice(fuzzed, actor, path, data, client)]
    # Pages that ask first: the second sending of the confirmation.
    confirmed = {"practice:handover_end", "quality:training_record_remove"}
    for name in (
        "complaints:step/withdraw",
        "practice:step/close",
        "practice:handover_end",
        "practice:step_back",
        "quality:action_done",
        "quality:training_record_remove",
        "signals:release",
    ):
        endpoint = by_name[name]
        data = _valid_data(endpoint) | ({"confirmed": "yes"} if name in confirmed else {})
        failures += [f"{name}: {p}" for p in _twice(fuzzed, endpoint.actor, endpoint.path, data)]
    assert not failures, "\n".join(failures)


def test_it_files_a_double_clicked_complaint_once(fuzzed: Fuzz) -> None:
    intake = next(e for e in fuzzed.endpoints if e.id == "complaints:intake@anonymous")
    client = Client()
    page = client.get(intake.path).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', page)
    assert token is not None
    data = _valid_data(intake) | {"form_token": token.group(1)}
    with transaction.atomic():
        before = Complaint.objects.count()
        first = client.post(intake.path, data)
        second = client.post(intake.path, data)
        shown = client.get(second["Location"]) if second.status_code == 302 else second
        filed = Complaint.objects.count() - before
        transaction.set_rollback(True)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    with translation.override("nl"):
        already = translation.gettext(
            "This complaint was already sent, and it was filed once. Do not send it again."
        )
    assert already in fz.body(shown)
    assert filed == 1


def _with_files(endpoint: fz.Endpoint) -> dict[str, Any]:
    files = {n: fz.FILES["pdf"](FILE_LIMIT) for n, f in endpoint.fields.items() if f.kind == "file"}
    return _valid_data(endpoint) | files


# The forms that add a row: each must be among those the sweep below sees
# succeed, or the sweep would pass without trying them.
ADDING = {
    "complaints:intake",
    "complaints:step/message",
    "complaints:step/document",
    "complaints:step/hearing",
    "complaints:step/extend",
    "complaints:step/respond",
    "practice:register",
    "practice:step/consent",
    "practice:step_back",
    "quality:action_add",
    "quality:expertise",
    "quality:role_description",
    "signals:write",
}


def test_it_adds_nothing_when_any_form_with_a_token_is_sent_twice(fuzzed: Fuzz) -> None:
    """Every form the pages render with a one-time token, sent twice as it was
    rendered and filled in: when the first sending succeeds, the second
    writes nothing and is sent to the same page."""
    succeeded: set[str] = set()
    failures: list[str] = []
    for endpoint in (e for e in fuzzed.endpoints if "form_token" in e.fields):
        with transaction.atomic():
            client = fz.dutch_client(fuzzed.world, endpoint.actor)
            data = _with_files(endpoint)
            first = _send(client, "post", endpoint.path, data=data)
            before = fz.snapshot()
            second = _send(client, "post", endpoint.path, data=_with_files(endpoint))
            writes = fz.changed(before, fz.snapshot())
            transaction.set_rollback(True)
        if isinstance(first, str) or first.status_code != 302:
            continue
        succeeded.add(endpoint.name)
        if isinstance(second, str) or second.status_code != 302:
            failures.append(
                f"{endpoint.id}: the second answers {getattr(second, 'status_code', second)}"
            )
        elif second["Location"] != first["Location"]:
            failures.append(f"{endpoint.id}: the second leads to {second['Location']}")
        if writes:
            failures.append(f"{endpoint.id}: the second wrote {writes}")
    assert not failures, "\n".join(failures)
    assert succeeded >= ADDING, sorted(ADDING - succeeded)


# --- bodies too large, too many fields, bytes that are not UTF-8 --------------------


def _post_raw(fuzz: Fuzz, endpoint: fz.Endpoint, **kwargs: Any) -> HttpResponse | str:
    with transaction.atomic():
        # With CSRF checks on, as in production: the middleware reads the body first.
        client = fz.dutch_client(fuzz.world, endpoint.actor, enforce_csrf_checks=True)
        client.cookies["csrftoken"] = TOKEN
        response = _send(client, "post", endpoint.path, **kwargs)
        transaction.set_rollback(True)
    return response


def test_it_answers_a_body_too_large_or_with_too_many_fields_with_its_400_page(
    fuzzed: Fuzz,
) -> None:
    size = django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    count = django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    bodies = {
        "too large": {"csrfmiddlewaretoken": TOKEN, "x": "a" * (size + 1)},
        "too many fields": {"csrfmiddlewaretoken": TOKEN} | {f"f{i}": "1" for i in range(count)},
    }
    failures = []
    for endpoint in fuzzed.endpoints:
        for label, data in bodies.items():
            response = _post_raw(fuzzed, endpoint, data=data)
            if isinstance(response, str):
                failures.append(f"{endpoint.id} {label}: {response}")
            elif response.status_code != 400 or fz.bad_request_page_title() not in fz.body(
                response
            ):
                failures.append(f"{endpoint.id} {label}: {response.status_code}, not the 400 page")
    assert not failures, "\n".join(failures)


NOT_UTF8 = (
    b"csrfmiddlewaretoken=" + TOKEN.encode() + b"&text=\xff\xfe%FF%C0%AF&\xc3(=\x80&year=\xa0"
)


def test_it_reads_bytes_that_are_not_utf8_without_a_500(fuzzed: Fuzz) -> None:
    failures = []
    for endpoint in fuzzed.endpoints:
        response = _post_raw(
            fuzzed, endpoint, data=NOT_UTF8, content_type="application/x-www-form-urlencoded"
        )
        if isinstance(response, str) or response.status_code >= 500:
            failures.append(f"POST {endpoint.id}: {getattr(response, 'status_code', response)}")
    for name, path, actor in _get_pages(fuzzed):
        client = fz.dutch_client(fuzzed.world, actor)
        query = "year=%FF%FE&granularity=%C0%AF&next=%80%00&\xff=1"
        response = _send(client, "get", path, QUERY_STRING=query)
        if isinstance(response, str) or response.status_code >= 500:
            failures.append(f"GET {name}?{query}: {getattr(response, 'status_code', response)}")
    assert not failures, "\n".join(failures)


# --- query strings of every page, the JSON ones included ----------------------------

# The parameters pages read (request.GET in the views), sent every time, and
# a few more that none should trip over.
QUERY_KEYS = ("year", "granularity", "next")
OTHER_KEYS = ("page", "q", "lang", "format", "language")


def _get_pages(fuzz: Fuzz) -> list[tuple[str, str, str]]:
    """(URL name, path, actor) for every URL that answers a GET, as someone let in."""
    pages = []
    for name, route in sorted(routes().items()):
        actors = [a for a in fz.allowed(name) if MATRIX[name][a] == "ok"]
        if actors:
            pages.append((name, url_for(name, route, fuzz.world.params[actors[0]]), actors[0]))
    return pages


def _query_problems(fuzz: Fuzz, path: str, actor: str, query: dict[str, Any]) -> list[str]:
    with transaction.atomic():
        client = fz.dutch_client(fuzz.world, actor)
        before = fz.snapshot()
        response = _send(client, "get", path, data=query)
        writes = fz.unexplained_writes(before, fz.snapshot())
        transaction.set_rollback(True)
    if isinstance(response, str) or response.status_code >= 500:
        return [f"{getattr(response, 'status_code', response)}"]
    problems = [f"unescaped {m!r}" for m in fz.unescaped(response, fz.sent_strings(query))]
    if "json" in response.get("Content-Type", ""):
        try:
            json.loads(fz.body(response))
        except ValueError:
            problems.append("not JSON")
    if writes and response.status_code < 300:
        problems.append(f"a GET wrote {writes}")
    return problems


def _fuzz_query(
    fuzz: Fuzz, path: str, actor: str, queries: st.SearchStrategy[dict[str, Any]], examples: int
) -> None:
    @settings(FUZZ, max_examples=examples)
    @given(query=queries)
    def run(query: dict[str, Any]) -> None:
        problems = _query_problems(fuzz, path, actor, query)
        assert not problems, problems

    run()


def test_it_answers_hostile_query_strings_without_a_500(fuzzed: Fuzz) -> None:
    failures = []
    for name, path, actor in _get_pages(fuzzed):
        slow = fz.SKIP_CRAWL.search(path) is not None  # PDFs take a while to render
        values = fz.hostile(fuzzed.other_tenant_ids)
        keys = st.one_of(st.sampled_from(OTHER_KEYS), st.text(min_size=1, max_size=8))
        queries = st.tuples(
            st.fixed_dictionaries(dict.fromkeys(QUERY_KEYS, values)),
            st.dictionaries(keys, values, max_size=2),
        ).map(lambda pair: pair[1] | pair[0])

        try:
            _fuzz_query(fuzzed, path, actor, queries, 3 if slow else 6)
        except AssertionError as error:
            failures.append(f"{name}@{actor} GET {path}: {str(error)[:400]}")
    assert not failures, "\n".join(failures)
