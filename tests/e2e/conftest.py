"""The browser-test harness: Playwright driving Debian's chromium against
pytest-django's live server.

- Every test in tests/e2e is marked `e2e`, so `make unit` (-m "not e2e")
  leaves them out and `make e2e` (-m e2e) runs only them.
- One chromium per session; a fresh context (cookies, storage) per test.
- The live server runs Django in a thread against the test database, so
  each test gets `transactional_db`: rows the test makes are committed and
  visible to the server, and flushed afterwards.
- The final page of every test is saved to test-artifacts/e2e/<test>.png
  (git-ignored), to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from hoeksteen.people.models import User
from hoeksteen.testing.factories import PASSWORD

# Playwright's own browser download needs a network; Debian's chromium is
# installed by `make chromium`. HOEKSTEEN_CHROMIUM points elsewhere if needed.
CHROMIUM = os.environ.get("HOEKSTEEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Long enough for a slow CI machine, short enough that a missing element
# fails the test quickly instead of hanging.
TIMEOUT_MS = 10_000

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # The sync API keeps an asyncio loop running on this thread, and Django
    # refuses ORM calls from a thread with a running loop. The test thread
    # only makes and reads rows between browser steps (never concurrently
    # with a request), so the check is lifted from the first browser test to
    # the end of the session (tests/ runs after src/, so after the unit tests).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    manager = sync_playwright().start()
    try:
        yield manager
    finally:
        manager.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No chromium at {CHROMIUM}; run `make chromium`.")
    # Playwright gives every launch a fresh, temporary user data dir.
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _artifact_path(request: pytest.FixtureRequest, suffix: str = "") -> Path:
    folder = request.config.rootpath / "test-artifacts" / "e2e"
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.\-\[\]]+", "_", request.node.name)
    return folder / f"{name}{suffix}.png"


def _open_page(
    browser: Browser,
    live_server: LiveServer,
    request: pytest.FixtureRequest,
    *,
    screenshot: Path,
    **context_options: object,
) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(
        base_url=live_server.url,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        **context_options,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    # A 500 or a missing stylesheet would not always fail the test's own
    # assertions; they fail it here.
    broken: list[str] = []
    page.on(
        "response",
        lambda response: (
            broken.append(f"{response.status} {response.url}")
            if response.status >= 500 or (response.status == 404 and "/static/" in response.url)
            else None
        ),
    )
    page.on("pageerror", lambda error: broken.append(f"script error: {error}"))
    try:
        yield page
    finally:
        try:
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            context.close()
    assert not broken, "The browser saw broken responses: " + "; ".join(broken)


@pytest.fixture
def page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A desktop-sized page; `page.goto("/login/")` goes to the live server."""
    yield from _open_page(
        browser, live_server, request, screenshot=_artifact_path(request), viewport=DESKTOP
    )


@pytest.fixture
def phone_page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A 390x844 touch phone (the size of a common iPhone), with mobile viewport rules."""
    suffix = "-phone" if "page" in request.fixturenames else ""
    yield from _open_page(
        browser,
        live_server,
        request,
        screenshot=_artifact_path(request, suffix),
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """Type a username and password into the login form and submit it.

    Where the browser lands next (the organisation, the second step, the
    authenticator set-up) is for the test to assert.
    """

    def sign_in_(page: Page, user: User | str, *, password: str = PASSWORD) -> None:
        username = user if isinstance(user, str) else user.username
        page.goto("/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("main form button[type=submit]").click()

    return sign_in_


@pytest.fixture
def submit_code() -> Callable[[Page, str], None]:
    """Type a code into the second-step or set-up form and submit it."""

    def submit_code_(page: Page, code: str) -> None:
        page.locator("input[name=token]").fill(code)
        page.locator("main form button[type=submit]").click()

    return submit_code_


@pytest.fixture
def dutch() -> Callable[[str], str]:
    """`dutch(message)`: the message as the server shows it in Dutch.

    It comes from the same catalogue the server uses, so a test can find text
    without hard-coding a translation that is still being written: the test
    keeps passing when the Dutch wording changes, and fails when the English
    message id does.
    """

    def dutch_(message: str) -> str:
        with translation.override("nl"):
            return translation.gettext(message)

    return dutch_


@pytest.fixture
def horizontal_overflow() -> Callable[[Page], int]:
    """`horizontal_overflow(page)`: CSS pixels the page is wider than the window."""

    def overflow_(page: Page) -> int:
        page.wait_for_load_state("load")
        overflow: int = page.evaluate(
            "() => document.scrollingElement.scrollWidth - window.innerWidth"
        )
        return max(overflow, 0)

    return overflow_


AXE_SCRIPT = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe() -> Callable[[Page], list[dict[str, object]]]:
    """Run axe-core on the page; return the WCAG 2.1 A/AA violations (empty is good).

    axe-core is the npm package in tests/e2e/package.json, installed by `make e2e`.
    """

    def check(page: Page) -> list[dict[str, object]]:
        # Evaluated through the DevTools protocol, which the page's CSP
        # (no inline scripts) does not apply to.
        page.evaluate(AXE_SCRIPT.read_text())
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
            })"""
        )
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
            }
            for v in result["violations"]
        ]

    return check
