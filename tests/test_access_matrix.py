"""The access matrix: every named URL x every actor -> the expected outcome.

The URLs come from the URL configuration (the admin has its own tests). A URL
name without a row in MATRIX fails `test_every_url_has_a_rule`, naming it.
The world the requests run in is built in tests/access_matrix_world.py.

Outcomes:
  "ok"      2xx, or a redirect within the page's flow: not to /login/, and
            not to /2fa/ unless from a /2fa/ page
  "login"   a redirect to /login/
  "404"     not found
  "405"     GET not allowed; an empty POST then answers 4xx (never 5xx, never success)
  "405>404" GET not allowed; an empty POST then answers 404 (the row is not theirs)
A URL that answers 405 to some actor is POST-only: every actor also sends it
an empty POST, which must answer the same as the GET for "login" and "404".
Every request runs in a savepoint that is rolled back, so no request changes
the world for the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver

from hoeksteen.complaints.tests.fixtures_http import http_isolation  # noqa: F401 (autouse)
from tests.access_matrix_world import World, build_world

# --- the actors ---------------------------------------------------------------

ANONYMOUS = ("anonymous", "anon_receipt", "anon_wrong_receipt")
EMPLOYEES = ("employee", "complainant")
VPS = ("subject_vp", "subject_vp_before", "colleague_vp", "other_vp")
HANDLERS = ("handler", "conflicted_handler")
COMMITTEE = ("committee", "committee_other")
COORDINATORS = ("coordinator",)
SUPPORT = ("supporter", "supporter_other")
MEMBERS = EMPLOYEES + VPS + HANDLERS + COMMITTEE + COORDINATORS + SUPPORT
OUTSIDERS = ("outsider",)  # the coordinator of organisation "other"
ACTORS = ANONYMOUS + MEMBERS + OUTSIDERS

# Who holds a role in the case whose uid is in their URL (see the world).
CASE_ROLES = ("anon_receipt", "complainant", "subject_vp", "handler", "committee", "supporter")
# The subject VP owns the melding, conversation, training record and signal;
# the handover is between subject_vp and other_vp (who holds the melding now).
OWNERS = ("subject_vp", "subject_vp_before")


def everyone(outcome: str = "ok") -> dict[str, str]:
    return dict.fromkeys(ACTORS, outcome)


def signed_in(outcome: str = "ok", anonymous: str = "login") -> dict[str, str]:
    return dict.fromkeys(ANONYMOUS, anonymous) | dict.fromkeys(MEMBERS + OUTSIDERS, outcome)


def members(*groups: Iterable[str], outcome: str = "ok") -> dict[str, str]:
    """`member_view(roles)`: the given acme actors get `outcome`; other signed-in
    users 404; anonymous visitors are sent to sign in."""
    allowed = {actor for group in groups for actor in group}
    rule = dict.fromkeys(ANONYMOUS, "login") | dict.fromkeys(MEMBERS + OUTSIDERS, "404")
    return rule | dict.fromkeys(allowed, outcome)


def own(
    *groups: Iterable[str], owners: Iterable[str] = OWNERS, post: bool = False
) -> dict[str, str]:
    """A page of one row behind `member_view(roles)`: the owners see it, other
    holders of the role pass the gate but the row is not theirs."""
    if post:
        return members(*groups, outcome="405>404") | dict.fromkeys(owners, "405")
    return members(*groups, outcome="404") | dict.fromkeys(owners, "ok")


def case(*, post: bool = False) -> dict[str, str]:
    """A page of complaint C (A for anonymous actors, D for subject_vp_before):
    not behind member_view; 404 for anyone without a role in that case."""
    if post:  # require_POST comes first: everyone gets 405, the empty POST tells
        return everyone("405>404") | dict.fromkeys(CASE_ROLES, "405")
    return everyone("404") | dict.fromkeys(CASE_ROLES, "ok")


MEMBER = (MEMBERS,)
VP_OR_COORDINATOR = (VPS, COORDINATORS)

MATRIX: dict[str, dict[str, str]] = {
    # --- public
    "home": signed_in(),  # sends a visitor to sign in, a member to their organisation
    "healthz": everyone(),
    "readyz": everyone(),
    # Prometheus metrics: absent (404) unless HOEKSTEEN_METRICS_TOKEN is set, then
    # only with that bearer token; core/tests/test_metrics.py checks the token.
    "metrics": everyone("404"),
    "set_language": everyone(),
    "people:login": everyone(),
    # Single sign-on is off unless configured (tests/test_oidc_sign_in.py turns
    # it on): then these pages do not exist, for anyone.
    "people:oidc_authenticate": everyone("404"),
    "people:oidc_callback": everyone("404"),
    "complaints:intake": everyone(),
    "complaints:received": everyone(),
    "complaints:receipt": everyone(),
    "quality:regulation": everyone(),
    # --- accounts
    "people:logout": everyone("405"),
    "people:otp_setup": signed_in(),
    "people:otp_verify": signed_in(),
    "people:recovery_codes": signed_in(),
    # --- the organisation, every member
    "organisations:home": members(*MEMBER),
    "complaints:list": members(*MEMBER),
    "privacy:my_data": members(*MEMBER),
    "privacy:my_data_json": members(*MEMBER),
    "privacy:my_data_pdf": members(*MEMBER),
    "practice:my_consents": members(*MEMBER),
    # --- one complaint
    "complaints:case": case(),
    "complaints:step": case(post=True),
    # C's acknowledgment letter goes to the complainant: not to the VP or supporter.
    "complaints:letter": case() | {"subject_vp": "404", "supporter": "404"},
    # C's document was added by the handler and not shown to the VP.
    "complaints:document": case() | {"subject_vp": "404", "supporter": "404"},
    # --- signals
    "signals:page": members(*VP_OR_COORDINATOR),
    "signals:chart": members(*VP_OR_COORDINATOR),
    "signals:csv": members(*VP_OR_COORDINATOR),
    "signals:annual_report": members(*VP_OR_COORDINATOR),
    "signals:write": members(VPS),
    "signals:signal": own(VPS),
    "signals:release": own(VPS, post=True),
    # --- the VP's practice
    "practice:log": members(VPS),
    "practice:register": members(VPS),
    "practice:leaflet": members(VPS),
    "practice:step_back": members(VPS, outcome="405"),
    "practice:handover_end": own(VPS, owners=(*OWNERS, "other_vp"), post=True),
    "practice:melding": own(VPS),
    "practice:step": own(VPS, post=True),
    "practice:consent_letter": own(VPS),
    # --- privacy
    "privacy:overview": members(COORDINATORS),
    # --- quality: the coordinator's
    "quality:dashboard": members(COORDINATORS),
    "quality:role_description": members(COORDINATORS),
    "quality:organisation_checklist": members(COORDINATORS),
    "quality:expertise_overview": members(COORDINATORS),
    "quality:norm": members(COORDINATORS, outcome="405"),
    "quality:conversations_plan": members(COORDINATORS, outcome="405"),
    "quality:action_add": members(COORDINATORS, outcome="405"),
    # --- quality: the coordinator's and the VP's
    "quality:conversations": members(*VP_OR_COORDINATOR),
    "quality:conversation": own(*VP_OR_COORDINATOR, owners=OWNERS + COORDINATORS),
    "quality:action_done": own(*VP_OR_COORDINATOR, owners=OWNERS + COORDINATORS, post=True),
    # --- quality: the VP's own
    "quality:vp_checklist": members(VPS),
    "quality:expertise": members(VPS),
    "quality:lvv": members(VPS, outcome="405"),
    "quality:training_record": own(VPS),
    "quality:training_record_remove": own(VPS, post=True),
}

# POST-only views where an empty POST is a whole request, a button without
# fields: for the actors with "405" it may redirect within the flow.
EMPTY_POST_SUCCEEDS = {
    "people:logout",  # signs out, then /login/
    "practice:handover_end",  # ends the temporary step-back
    "practice:step_back",  # an invalid form redirects to the log with an error message
    "quality:action_done",
    "quality:conversations_plan",
    "quality:training_record_remove",
    "signals:release",  # a draft without traceability warnings needs no confirmation
}


# --- the URL configuration ------------------------------------------------------


def _patterns(
    resolver: URLResolver, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns == "admin":
                continue  # the admin has its own gate, tested in access/tests
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or ""
            yield name, prefix + str(entry.pattern)


def routes() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, route in _patterns(get_resolver()):
        assert name, f"an unnamed URL pattern cannot have a rule: {route}"
        found.setdefault(name, route)
    return found


_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def url_for(name: str, route: str, params: dict[str, Any]) -> str:
    def fill(match: re.Match[str]) -> str:
        value = params.get(match.group(1))
        if isinstance(value, dict):
            value = value.get(name)
        assert value is not None, f"{name}: no value for <{match.group(1)}> in the world"
        return str(value)

    return "/" + _PARAM.sub(fill, route).lstrip("^").rstrip("$")


# --- outcomes -----------------------------------------------------------------


def outcome(response: HttpResponse, path: str) -> str:
    status = response.status_code
    if status >= 500:
        return f"5xx ({status})"
    if 300 <= status < 400:
        location = response["Location"]
        if location.startswith("/login/"):
            return "login"
        if location.startswith("/2fa/") and not path.startswith("/2fa/"):
            return f"2fa ({location})"
        return "ok"
    if 200 <= status < 300:
        return "ok"
    if status in (404, 405):
        return str(status)
    return f"{status}"


def _request(world: World, actor: str, method: str, path: str) -> HttpResponse:
    client = world.client(actor)
    with transaction.atomic():
        response: HttpResponse = getattr(client, method)(path)
        transaction.set_rollback(True)
    return response


def check(world: World, matrix: dict[str, dict[str, str]]) -> list[str]:
    """Every (URL, actor) against the matrix; the failures, one line each."""
    failures: list[str] = []
    post_only = {
        name for name, rule in matrix.items() if any(v.startswith("405") for v in rule.values())
    }
    for name, route in sorted(routes().items()):
        rule = matrix[name]
        for actor in ACTORS:
            expected = rule[actor]
            path = url_for(name, route, world.params[actor])
            got = outcome(_request(world, actor, "get", path), path)
            if got != expected.split(">")[0]:
                failures.append(f"{name} {actor}: GET {path} -> {got}, expected {expected}")
                continue
            if name not in post_only:
                continue
            response = _request(world, actor, "post", path)
            got = outcome(response, path)
            status = response.status_code
            if expected in ("login", "404") and got != expected:
                failures.append(f"{name} {actor}: POST {path} -> {got}, expected {expected}")
            elif expected == "405>404" and status != 404:
                failures.append(f"{name} {actor}: empty POST {path} -> {status}, expected 404")
            elif expected == "405" and not 400 <= status < 500:
                if name in EMPTY_POST_SUCCEEDS and got in ("ok", "login"):
                    continue
                failures.append(f"{name} {actor}: empty POST {path} -> {got}, expected 4xx")
    return failures


# --- the tests ----------------------------------------------------------------


def test_every_url_has_a_rule() -> None:
    names = set(routes())
    missing = sorted(names - set(MATRIX))
    assert not missing, f"URL names without a rule in the access matrix: {missing}"
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"rules in the access matrix for URL names that no longer exist: {stale}"
    incomplete = {name: sorted(set(ACTORS) - set(rule)) for name, rule in MATRIX.items()}
    incomplete = {name: actors for name, actors in incomplete.items() if actors}
    assert not incomplete, f"rules without an outcome for some actors: {incomplete}"


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def test_every_url_answers_every_actor_as_the_matrix_says(world: World) -> None:
    failures = check(world, MATRIX)
    assert not failures, f"{len(failures)} outcomes differ:\n" + "\n".join(failures)
