"""A double click on a submit button, in a real browser, against a real
gunicorn with two workers: the two POSTs it sends can be served at the same
moment, and still add one complaint and one message.

pytest-django's live server shares one SQLite connection between its
request threads, which two simultaneous requests cannot share: so this test
runs its own instance (tests/test_crash_safety.py does the same), on SQLite
in a file and on a fresh PostgreSQL database. PostgreSQL: the server of
DATABASE_URL when the suite runs on PostgreSQL, otherwise
HOEKSTEEN_CRASH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/hoeksteen).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from casework import snap
from playwright.sync_api import Browser, Locator, Page, Request, Route, expect

from hoeksteen.testing import live

DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/hoeksteen"
TIMEOUT_MS = 20_000

COUNTS = """
import json
from hoeksteen.complaints.models import Complaint, Message
print(json.dumps({
    "complaints": Complaint.objects.count(),
    "messages": list(Message.objects.values_list("body", flat=True)),
}))
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[live.Server]:
    """The demo organisation served by gunicorn with two workers."""
    if request.param == "sqlite":
        env = live.instance_env(tmp_path / "var", database_url=None)
        yield from _served(env, tmp_path)
        return
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = os.environ.get("HOEKSTEEN_CRASH_DATABASE_URL", DEFAULT_POSTGRES)
    postgres = live.PostgresServer.from_url(url, suffix="dblclick")
    try:
        postgres.admin().close()
    except psycopg.OperationalError as error:
        pytest.fail(f"No PostgreSQL at {postgres.host}:{postgres.port}: {error}")
    with postgres.database() as database_url:
        env = live.instance_env(tmp_path / "var", database_url=database_url)
        yield from _served(env, tmp_path)


def _served(env: dict[str, str], tmp_path: Path) -> Iterator[live.Server]:
    live.prepare(env)
    server = live.Server(env, workers=2, log=tmp_path / "gunicorn.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _counts(server: live.Server) -> dict[str, object]:
    counted: dict[str, object] = json.loads(live.ok(live.python_script(server.env, COUNTS)))
    return counted


def _posts(page: Page) -> list[str]:
    """The URLs of the POSTs the page sends, as they are sent."""
    sent: list[str] = []

    def note(request: Request) -> None:
        if request.method == "POST":
            sent.append(request.url)

    page.on("request", note)
    return sent


def _double_click(page: Page, button: Locator, posts: list[str]) -> None:
    """Two clicks the way a person double-clicks on a slow connection: the
    second while the answer to the first is still on its way.

    The first POST reaches the server and is answered there, but the answer
    is held back from the browser; then the second click sends the form
    again, and the browser drops the first navigation for the second, as it
    does for a real double click. (Two plain clicks depend on timing:
    Playwright's dblclick is folded into one submission, and a fast server
    may answer the first before a second click lands.)
    """
    answered: list[Route] = []

    def hold_the_first_answer(route: Route) -> None:
        if route.request.method != "POST" or answered:
            route.continue_()
            return
        route.fetch(max_redirects=0)  # the server gets and answers the first
        answered.append(route)  # the browser never sees that answer

    page.route("**/*", hold_the_first_answer)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    sent = len(posts)
    page.mouse.click(x, y)
    _wait_for(page, lambda: bool(answered), "the server to answer the first click")
    page.mouse.click(x, y)
    _wait_for(page, lambda: len(posts) == sent + 2, "the browser to send the form again")
    page.wait_for_load_state()
    page.unroute("**/*")


def _wait_for(page: Page, done: Callable[[], bool], what: str) -> None:
    for _ in range(500):
        if done():
            return
        page.wait_for_timeout(20)  # lets Playwright run the route handler
    raise AssertionError(f"waited 10 s for {what}")


def test_it_files_one_complaint_and_sends_one_message_on_a_double_click(
    browser: Browser,
    server: live.Server,
    request: pytest.FixtureRequest,
    dutch: Callable[[str], str],
) -> None:
    context = browser.new_context(base_url=server.base, locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        posts = _posts(page)

        # --- An anonymous complaint, the submit button double-clicked.
        page.goto(f"/o/{live.DEMO_SLUG}/klacht/nieuw/")
        page.locator("#id_subject_vp").select_option(index=1)
        page.locator("input[name=category][value=not_heard]").check()
        page.locator("#id_description").fill("Ik werd niet gehoord toen ik mijn verhaal deed.")
        page.locator("#id_desired_outcome").fill("Een gesprek.")
        _double_click(page, page.locator("main form button[type=submit]"), posts)

        expect(page).to_have_url(re.compile(r"/klacht/ontvangen/$"))
        receipt = page.locator(".receipt")
        expect(receipt).to_have_text(re.compile(r"^\d{4} \d{4} \d{4} \d{4}$"))
        code = receipt.inner_text().strip()
        # The browser shows the answer to the second click: the first one's result.
        expect(page.locator(".message-info")).to_contain_text(
            dutch("This complaint was already sent, and it was filed once. Do not send it again.")
        )
        assert _counts(server)["complaints"] == 1

        # --- With the code, a message, its button double-clicked too.
        page.goto(f"/o/{live.DEMO_SLUG}/mijn-klacht/")
        page.locator("#id_code").fill(code)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/klachten/[0-9a-f-]{36}/$"))
        step = page.locator("#step-message")
        step.locator("summary").click()
        step.locator("[name='message-body']").fill("Wanneer hoor ik iets?")
        _double_click(page, step.locator("button[type=submit]"), posts)

        # The browser keeps the form's #step-message on the redirect.
        expect(page).to_have_url(re.compile(r"/klachten/[0-9a-f-]{36}/#step-message$"))
        expect(page.locator("main")).to_contain_text("Wanneer hoor ik iets?")
        assert _counts(server)["messages"] == ["Wanneer hoor ik iets?"]
        expect(page.get_by_text("Wanneer hoor ik iets?")).to_have_count(1)
        expect(page.locator(".message-info")).to_contain_text(
            dutch("This form was already sent, and it was saved once.")
        )
        snap(page, request, "message-sent-once")
    finally:
        context.close()
