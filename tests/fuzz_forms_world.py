"""What the form fuzzer (tests/test_fuzz_forms.py) needs besides the tests.

- the endpoints: every URL of the access matrix that does not answer an
  empty POST with 405, each posted to as an actor the matrix lets in; the
  `<step>` URLs once per step of the product's own step tables;
- their fields, read from the forms the product renders (a crawl of every
  page each actor may open), or from the step's form class when the world's
  state offers no form for that step;
- strategies for hostile values, and the checks every answer must pass.

The world is tests/access_matrix_world.py: one organisation with a complaint
in every interesting state and the VP's practice, another organisation whose
ids are "other tenants' objects".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.forms.widgets import ChoiceWidget
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation
from hypothesis import strategies as st

from hoeksteen.access.complaint_rules import CaseRole
from hoeksteen.audit.models import AuditEntry
from hoeksteen.complaints.models import Complaint
from hoeksteen.complaints.views.steps import STEPS as CASE_STEPS
from hoeksteen.complaints.views.steps import Step
from hoeksteen.practice.views import STEPS as PRACTICE_STEPS
from hoeksteen.testing.factories import form_token_for
from tests.access_matrix_world import World
from tests.test_access_matrix import ACTORS, MATRIX, routes, url_for

# --- who posts ------------------------------------------------------------------

# The first of these the matrix lets in posts to a URL: a public page is tried
# as a visitor, the rest as the person whose work it is.
PREFERRED = ("anonymous", "subject_vp", "coordinator", "handler", "complainant")
# Pages worth posting to as a second kind of person too.
ALSO_AS = {"complaints:intake": ("complainant",), "complaints:receipt": ("complainant",)}
CASE_ACTOR = {
    CaseRole.HANDLER: "handler",
    CaseRole.SUBJECT_VP: "subject_vp",
    CaseRole.COMPLAINANT: "complainant",
    CaseRole.INVESTIGATOR: "committee",
}
SKIP_CRAWL = re.compile(r"\.(pdf|csv|svg|json)$")


def allowed(name: str) -> list[str]:
    """The actors the matrix lets use a URL, the preferred first."""
    rule = MATRIX[name]
    return [a for a in dict.fromkeys((*PREFERRED, *ACTORS)) if rule[a] in ("ok", "405")]


def dutch_client(world: World, actor: str, **kwargs: Any) -> Client:
    """The actor's session, with no language asked for: the product's default."""
    client = Client(**kwargs)
    client.cookies = world.client(actor).cookies
    return client


# --- reading forms from pages -----------------------------------------------------


@dataclasses.dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, radio, checkbox, hidden, date, number, file, ...
    value: str = ""
    options: list[str] = dataclasses.field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, Field]]] = []
        self._fields: dict[str, Field] | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action", ""), self._fields))
            return
        if self._fields is None or not a.get("name"):
            if tag == "option" and self._select is not None and "value" in a:
                self._option(a)
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            field = self._fields.setdefault(name, Field(name, kind))
            if kind in ("radio", "checkbox"):
                field.options.append(a.get("value", "on"))
                if "checked" in a:
                    field.value = a.get("value", "on")
            else:
                field.value = a.get("value", "")
        elif tag == "button" and "value" in a:
            self._fields.setdefault(name, Field(name, "button")).options.append(a["value"])
        elif tag == "select":
            self._select = self._fields.setdefault(name, Field(name, "select"))
        elif tag == "textarea":
            self._textarea = self._fields.setdefault(name, Field(name, "textarea"))
        elif tag == "option" and self._select is not None:
            self._option(a)

    def _option(self, a: dict[str, str]) -> None:
        assert self._select is not None
        self._select.options.append(a["value"])
        if "selected" in a:
            self._select.value = a["value"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


def post_forms(page_path: str, html: str) -> Iterable[tuple[str, dict[str, Field]]]:
    """(the path a form posts to, its fields) for every POST form on a page."""
    parser = _FormParser()
    parser.feed(html)
    for action, fields in parser.forms:
        fields.pop("csrfmiddlewaretoken", None)
        yield urlsplit(urljoin(page_path, action)).path, fields


def fields_of_form_class(form: forms.Form) -> dict[str, Field]:
    """The fields a form class would render, for a step the world does not offer."""
    found: dict[str, Field] = {}
    for bound in form:
        widget = bound.field.widget
        name = bound.html_name
        if isinstance(widget, forms.HiddenInput):
            found[name] = Field(name, "hidden", "1")
        elif isinstance(widget, forms.FileInput):
            found[name] = Field(name, "file")
        elif isinstance(widget, forms.CheckboxInput):
            found[name] = Field(name, "checkbox", "on", ["on"])
        elif isinstance(widget, forms.Textarea):
            found[name] = Field(name, "textarea")
        elif isinstance(widget, ChoiceWidget):
            options = [str(v) for v, _label in bound.field.choices if str(v)]
            found[name] = Field(name, "select", options[0] if options else "", options)
        elif isinstance(widget, forms.DateInput):
            found[name] = Field(name, "date")
        elif isinstance(widget, forms.NumberInput):
            found[name] = Field(name, "number")
        else:
            found[name] = Field(name, "text")
    return found


# Forms no page of the world renders (no consent waits for the melder's
# confirmation there): their fields, as the product's template names them.
UNRENDERED = {
    "practice:my_consents": {
        "id": Field("id", "hidden", "1"),
        "do": Field("do", "button", "", ["confirm", "withdraw"]),
    },
}


# --- the endpoints ----------------------------------------------------------------


@dataclasses.dataclass
class Endpoint:
    name: str  # URL name, with the step: "complaints:step/document"
    actor: str
    path: str
    fields: dict[str, Field]

    @property
    def id(self) -> str:
        return f"{self.name}@{self.actor}"


def _step_actor(step: Step) -> str:
    roles = step.roles
    return next(CASE_ACTOR[role] for role in CASE_ACTOR if role in roles)


def _targets(world: World) -> list[tuple[str, str, str, Callable[[], dict[str, Field]] | None]]:
    """(label, actor, path, fields from the form class) per URL that takes a POST."""
    targets: list[tuple[str, str, str, Callable[[], dict[str, Field]] | None]] = []
    for name, route in sorted(routes().items()):
        if name == "complaints:step":
            for step_name, step in CASE_STEPS.items():
                actor = _step_actor(step)
                params = world.params[actor] | {"step": step_name}
                uid = params["uid"]

                def from_class(step: Step = step, prefix: str = step_name, uid: str = uid) -> Any:
                    complaint = Complaint.objects.get(uid=uid)
                    form = step.form(**step.form_kwargs(complaint), prefix=prefix)
                    return fields_of_form_class(form)

                path = url_for(name, route, params)
                targets.append((f"{name}/{step_name}", actor, path, from_class))
            continue
        if name == "practice:step":
            for step_name in PRACTICE_STEPS:
                actor = "subject_vp"
                params = world.params[actor] | {"step": {name: step_name}}
                path = url_for(name, route, params)
                targets.append((f"{name}/{step_name}", actor, path, None))
            continue
        candidates = [a for a in allowed(name) if a in PREFERRED] or allowed(name)[:1]
        for actor in candidates:
            targets.append((name, actor, url_for(name, route, world.params[actor]), None))
    return targets


def _crawl(world: World, actors: set[str]) -> dict[tuple[str, str], dict[str, Field]]:
    """Every POST form on every page each actor may open: (actor, action path) -> fields."""
    found: dict[tuple[str, str], dict[str, Field]] = {}
    for actor in sorted(actors):
        client = dutch_client(world, actor)
        # The session's secret for one-time form tokens, kept: a page that
        # made it inside a rolled-back request would carry tokens no later
        # request accepts.
        form_token_for(client)
        for name, route in sorted(routes().items()):
            if MATRIX[name][actor] != "ok" or SKIP_CRAWL.search(route) or name == "set_language":
                continue
            path = url_for(name, route, world.params[actor])
            response = rolled_back(lambda path=path, client=client: client.get(path))
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for action, fields in post_forms(path, response.content.decode()):
                merged = found.setdefault((actor, action), {})
                for field_name, field in fields.items():
                    merged.setdefault(field_name, field)
    return found


def rolled_back(request: Callable[[], HttpResponse]) -> HttpResponse:
    """A request that changes nothing for the next: finding a form must not submit it."""
    with transaction.atomic():
        response = request()
        transaction.set_rollback(True)
    return response


def discover(world: World) -> tuple[list[Endpoint], list[str]]:
    """The endpoints that take a POST, with their fields; and the URL names that
    answer an empty POST with 405 (checked by the caller to take no POST)."""
    targets = _targets(world)
    crawled = _crawl(world, {actor for _label, actor, _path, _f in targets})
    endpoints: list[Endpoint] = []
    get_only: list[str] = []
    first: dict[str, int | None] = {}  # label -> index in endpoints; None: takes no POST
    for label, actor, path, from_class in targets:
        shown = crawled.get((actor, path))
        if label in first:
            # Another actor the matrix lets in: fuzzed as well if ALSO_AS names
            # them; or instead, if the first actor is shown no form.
            index = first[label]
            if index is None or shown is None:
                continue
            if actor in ALSO_AS.get(label, ()):
                endpoints.append(Endpoint(label, actor, path, shown))
            elif not endpoints[index].fields:
                endpoints[index] = Endpoint(label, actor, path, shown)
            continue
        if rolled_back(lambda a=actor, p=path: dutch_client(world, a).post(p)).status_code == 405:
            get_only.append(label)
            first[label] = None
            continue
        fields = shown if shown is not None else (from_class() if from_class else None)
        if fields is not None and from_class is not None and shown is None:
            # A step form the world's pages do not show: its page would carry
            # a one-time token, which the form class does not know of.
            token = form_token_for(world.client(actor))
            fields = {**fields, "form_token": Field("form_token", "hidden", token)}
        first[label] = len(endpoints)
        endpoints.append(Endpoint(label, actor, path, fields or UNRENDERED.get(label, {})))
    return endpoints, sorted(set(get_only))


def resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


# --- hostile values ----------------------------------------------------------------

# Reflected unescaped, each of these would run in the reader's browser.
MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
)
SQL = ("' OR 1=1 --", "1; DROP TABLE people_user; --", "%", "%%_", "\\", "\\'", '"', "`")
CONTROL = ("\x00", "a\x00b", "\x01\x02\x1b[31m\x7f", "\r\n\r\n", "\u202e\u200b\ufeff", "\t")
UNICODE = (
    "Zoë ☃ \U0001d518\U0001d52b\U0001d526 مرحبا 中文",
    "e\u0301\u0301\u0301",
    "\uffff",
    "\U0001f9d1\u200d\U0001f91d\u200d\U0001f9d1",
)
WRONG_TYPES = (
    "abc",
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "inf",
    "2026-02-30",
    "31-12-2026",
    "9999-12-31",
    "0001-01-01",
    "nonexistent",
    "",
    " ",
)
LONG = ("x" * 20_001, "9" * 400, "<b>" * 3000)

_chars = st.characters(exclude_categories=("Cs",))


def hostile(other_tenant_ids: tuple[int, ...]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(MARKUP),
        st.sampled_from(SQL + CONTROL + UNICODE + WRONG_TYPES + LONG),
        st.sampled_from([str(pk) for pk in other_tenant_ids] or ["-1"]),
        st.text(_chars, max_size=30),
        st.tuples(st.sampled_from(MARKUP), st.text(_chars, max_size=10)).map("".join),
    )


# Files are drawn as names and made at request time: an upload is read once.
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
FILES: dict[str, Callable[[int], SimpleUploadedFile]] = {
    "pdf": lambda _limit: SimpleUploadedFile("verslag.pdf", PDF, "application/pdf"),
    "empty": lambda _limit: SimpleUploadedFile("leeg.pdf", b"", "application/pdf"),
    "exe as pdf": lambda _limit: SimpleUploadedFile("x.pdf", b"MZ\x90\x00" * 64, "application/pdf"),
    "html": lambda _limit: SimpleUploadedFile(
        '<script>alert(1)</script>".html', MARKUP[0].encode(), "text/html"
    ),
    "odd name": lambda _limit: SimpleUploadedFile("../../\x00é\u202e.pdf", PDF, "application/pdf"),
    "huge": lambda limit: SimpleUploadedFile("groot.pdf", PDF + b"0" * limit, "application/pdf"),
}


def valid_value(field: Field) -> str:
    """A value the form would take, as far as the page tells."""
    if field.kind in ("radio", "checkbox", "select", "button"):
        options = [o for o in field.options if o]
        fallback = "" if field.kind == "select" else "on"
        return field.value or (options[0] if options else fallback)
    if field.value.strip():
        return field.value.strip()
    return {
        "date": "2026-03-02",
        "number": "2",
        "email": "melder@example.org",
    }.get(field.kind, "Een rustige, gewone zin.")


MISSING = object()


def field_strategy(field: Field, other_tenant_ids: tuple[int, ...]) -> st.SearchStrategy[Any]:
    if field.kind == "file":
        return st.sampled_from([MISSING, *FILES]).map(lambda f: f if f is MISSING else ("file", f))
    bad = hostile(other_tenant_ids)
    return st.one_of(
        st.just(valid_value(field)),
        st.just(valid_value(field)),
        bad,
        st.just(MISSING),
        st.lists(st.one_of(bad, st.just(valid_value(field))), min_size=2, max_size=3),
    )


def request_strategy(
    endpoint: Endpoint, other_tenant_ids: tuple[int, ...]
) -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        name: field_strategy(field, other_tenant_ids) for name, field in endpoint.fields.items()
    }
    extra = st.dictionaries(st.text(_chars, min_size=1, max_size=12), hostile(()), max_size=2)
    return st.tuples(st.fixed_dictionaries(fields), extra).map(
        lambda pair: {k: v for k, v in (pair[1] | pair[0]).items() if v is not MISSING}
    )


def materialise(data: dict[str, Any], file_limit: int) -> dict[str, Any]:
    """Turn drawn file names into fresh uploads."""
    return {
        k: FILES[v[1]](file_limit) if isinstance(v, tuple) and v[:1] == ("file",) else v
        for k, v in data.items()
    }


def sent_strings(data: dict[str, Any]) -> list[str]:
    values: list[str] = []
    for value in data.values():
        values.extend(value if isinstance(value, list) else [value])
    return [v for v in values if isinstance(v, str)]


# --- the checks ---------------------------------------------------------------------

# Rows a failed request may leave: the "viewed" entries of the page re-rendered
# with its errors (personal data was shown), and for a failed sign-in the
# attempt the lockout counts. Sessions change with every form (fresh tokens).
IGNORED_MODELS = {"sessions.session"}
READ_ACTIONS = {
    "complaint.viewed",
    "melding.viewed",
    "quality.conversation.viewed",
    "privacy.exported",  # someone downloaded their own data
    "signals.reported",
}
# A wrong second-factor code is recorded for the security officer.
FAILED_SIGN_IN_ACTIONS = {"auth.2fa_failed"}
# The guessing limits count attempts in their own table (core.ratelimit).
SIGN_IN_MODELS = {"axes.accessattempt", "core.attemptcounter"}


def snapshot() -> dict[str, int]:
    counts = {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in IGNORED_MODELS and model._meta.managed
    }
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    counts["audit last pk"] = last or 0
    return counts


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {
        k: after[k] - before[k] for k in before if after[k] != before[k] and k != "audit last pk"
    }


def unexplained_writes(
    before: dict[str, int], after: dict[str, int], *, sign_in: bool = False
) -> dict[str, int]:
    """Row changes of a failed request beyond reads recorded in the audit trail."""
    diff = changed(before, after)
    new_actions = set(
        AuditEntry.objects.filter(pk__gt=before["audit last pk"]).values_list("action", flat=True)
    )
    if new_actions <= READ_ACTIONS | (FAILED_SIGN_IN_ACTIONS if sign_in else set()):
        diff.pop("audit.auditentry", None)
        diff.pop("audit.auditchainhead", None)
    if sign_in:
        for label in SIGN_IN_MODELS:
            diff.pop(label, None)
    return diff


# Written without an audit entry of their own by design: the sign-in lockout's
# attempts and the guessing limits' counters, the outbox (queued in the
# audited action's transaction), the cache.
UNAUDITED = {
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "core.attemptcounter",
}


def unaudited_writes(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    """Rows a success wrote with no audit entry beside them: half of a change.
    Every write goes through an action that audits in the same transaction."""
    diff = changed(before, after)
    if after["audit last pk"] != before["audit last pk"]:
        return {}
    return {k: v for k, v in diff.items() if k not in UNAUDITED}


_ERRORS = re.compile(
    r'<ul class="errorlist"[^>]*>(.*?)</ul>|class="message message-error"[^>]*>(.*?)</(?:div|p)>',
    re.S,
)
_TAGS = re.compile(r"<[^>]+>")
# Words of an English sentence that Dutch does not use: an error in one of
# these is an untranslated message.
_ENGLISH = re.compile(
    r"\b(the|this|enter|select|ensure|please|must|choose|valid|field|cannot|should|your|you)\b",
    re.I,
)


def error_texts(html: str) -> list[str]:
    return [" ".join(_TAGS.sub(" ", a or b).split()) for a, b in _ERRORS.findall(html) if (a or b)]


def bad_request_page_title() -> str:
    with translation.override("nl"):
        return translation.gettext("The request could not be handled")


def csrf_page_title() -> str:
    with translation.override("nl"):
        return translation.gettext("The form has expired")


def is_html(response: HttpResponse) -> bool:
    return "text/html" in response.get("Content-Type", "")


def body(response: HttpResponse) -> str:
    if getattr(response, "streaming", False):
        return ""
    return response.content.decode("utf-8", errors="replace")


def unescaped(response: HttpResponse, sent: Iterable[str]) -> list[str]:
    """Sent markup that comes back as markup."""
    if not is_html(response):
        return []
    text = body(response)
    return sorted({m for s in sent for m in MARKUP if m in s and m in text})


def error_page_problems(response: HttpResponse) -> list[str]:
    """A 400 must say what is wrong, in Dutch."""
    if not is_html(response):
        return []
    text = body(response)
    if bad_request_page_title() in text:
        return []
    errors = error_texts(text)
    if not errors:
        return ["400 without an error message"]
    problems = [f"error not in Dutch: {e!r}" for e in errors if _ENGLISH.search(e)]
    if 'lang="nl"' not in text:
        problems.append("page not in Dutch")
    return problems
