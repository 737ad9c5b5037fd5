"""Helpers for browser tests in which several people work on one case.

Everyone has their own browser (a Playwright context: own cookies, own
session), as they would in life: the complainant at home, the handler at
HR, the VP in their office. Every page is watched for broken responses and
photographed at the end, as the `page` fixture of conftest.py does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from hoeksteen.people.models import User
from hoeksteen.testing.factories import confirmed_totp, totp_now

TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 800}


def artifact(request: pytest.FixtureRequest, label: str, suffix: str = ".png") -> Path:
    """test-artifacts/e2e/<test>-<label><suffix>, next to the harness's own screenshots."""
    folder = request.config.rootpath / "test-artifacts" / "e2e"
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.\-\[\]]+", "_", f"{request.node.name}-{label}")
    return folder / f"{name}{suffix}"


def snap(page: Page, request: pytest.FixtureRequest, label: str) -> None:
    """A full-page screenshot at a key moment, to look at afterwards."""
    page.screenshot(path=str(artifact(request, label)), full_page=True)


class People:
    """The other people in a test, each in a browser of their own."""

    def __init__(
        self,
        browser: Browser,
        live_server: LiveServer,
        request: pytest.FixtureRequest,
        *,
        sign_in: Callable[..., None],
        submit_code: Callable[[Page, str], None],
    ) -> None:
        self._browser = browser
        self._live_server = live_server
        self._request = request
        self._sign_in = sign_in
        self._submit_code = submit_code
        self._pages: dict[str, tuple[BrowserContext, Page]] = {}
        self.broken: list[str] = []

    def browser_for(self, name: str) -> Page:
        """A fresh browser for `name`, signed in as nobody."""
        context = self._browser.new_context(
            base_url=self._live_server.url,
            locale="nl-NL",
            timezone_id="Europe/Amsterdam",
            viewport=DESKTOP,
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on(
            "response",
            lambda response: (
                self.broken.append(f"{name}: {response.status} {response.url}")
                if response.status >= 500 or (response.status == 404 and "/static/" in response.url)
                else None
            ),
        )
        page.on("pageerror", lambda error: self.broken.append(f"{name}: script error: {error}"))
        self._pages[name] = (context, page)
        return page

    def signed_in(self, user: User, *, second_factor: bool = False) -> Page:
        """`user` in their own browser, through the login form (and the
        second step for handlers, committee members and coordinators)."""
        device = confirmed_totp(user) if second_factor else None
        page = self.browser_for(user.username)
        self._sign_in(page, user)
        if device is not None:
            expect(page).to_have_url(re.compile(r"/2fa/verify/"))
            self._submit_code(page, totp_now(device))
        expect(page).to_have_url(re.compile(r"/o/acme/$"))
        return page

    def close(self) -> None:
        for name, (context, page) in self._pages.items():
            try:
                page.screenshot(path=str(artifact(self._request, name)), full_page=True)
            finally:
                context.close()
        assert not self.broken, "A browser saw broken responses: " + "; ".join(self.broken)


def take_step(page: Page, step: str, **fields: str | bool) -> None:
    """Open a step of the case page, fill in its fields, send it, and check
    that it was saved.

    Fields are named `<step>-<field>` in the form; a bool ticks or unticks a
    checkbox, a string types into a text field, picks an option of a select
    (by value) or checks the radio button with that value.
    """
    details = page.locator(f"#step-{step}")
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    for field, value in fields.items():
        controls = details.locator(f"[name='{step}-{field}']")
        if isinstance(value, bool):
            controls.set_checked(value)
            continue
        kind = controls.first.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
        if kind.startswith("select"):
            controls.select_option(value)
        elif kind == "input:radio":
            details.locator(f"[name='{step}-{field}'][value='{value}']").check()
        else:
            controls.fill(value)
    with page.expect_navigation():
        details.locator("form button[type=submit]").click()
    expect_saved(page, step)


def expect_saved(page: Page, step: str) -> None:
    """The step was taken: back on the page with "Saved.", no error on it."""
    if "/stap/" in page.url:
        alerts = page.locator("main [role=alert], main .errorlist").all_inner_texts()
        raise AssertionError(f"Step {step!r} was refused: {alerts}")
    expect(page.locator("main .messages .message-success")).to_be_visible()
    expect(page.locator("main [role=alert].message-error")).to_have_count(0)


def read_pdf(page: Page, link: Locator, request: pytest.FixtureRequest, label: str) -> bytes:
    """Fetch the PDF a link points to with the browser's cookies, check it
    is a PDF and keep a copy next to the screenshots."""
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href is not None
    response = page.request.get(href)
    assert response.status == 200, f"{href}: {response.status}"
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF"), body[:20]
    artifact(request, label, ".pdf").write_bytes(body)
    return body


def letter_link(page: Page, kind_label: str) -> Locator:
    """The link to the letter of this kind in the case's "Letters" section."""
    return (
        page.locator("section[aria-labelledby=letters-heading] li")
        .filter(has_text=kind_label)
        .locator("a")
    )


def status_of(page: Page, path: str) -> int:
    """The status a person gets when they open `path` in their browser."""
    response = page.goto(path)
    assert response is not None
    return response.status
