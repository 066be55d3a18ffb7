"""Real-browser journeys: the distribution's Chromium driven by Playwright against Django's live server.

Nothing is downloaded: ``make system-packages`` installs Chromium (apt) and axe-core (npm, from
package-lock.json into node_modules); the tests fail with a clear message when either is missing.
The journeys run in the SQLite pass only (the PostgreSQL pass skips them with a reason).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connections
from django.urls import reverse
from freezegun import freeze_time

from tests.clock import DEMO_NOW

BASE_DIR = Path(settings.BASE_DIR)
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = BASE_DIR / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}
PASSWORD = "mot-de-passe-de-test"  # tests.factories.UserFactory
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the package. Playwright's sync API keeps an asyncio loop running in this
    thread while the browser lives, which Django takes for async code: DJANGO_ALLOW_ASYNC_UNSAFE is
    set for exactly that time, and the loop stops after the last browser test (package scope), so
    the other tests keep Django's check."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium est introuvable : installez-le avec « make system-packages » (apt-get install chromium).")
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core est introuvable ({AXE_JS}) : lancez « npm ci --no-audit --no-fund » "
                    "(make test le fait).")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    held = {alias: connections[alias] for alias in connections}
    playwright = sync_playwright().start()
    # While a loop runs in a thread, Django keeps that thread's connections per asyncio context
    # (asgiref's Local): the tests would get fresh connection objects, not the one the test database
    # was serialized on when created, and serialized_rollback would have nothing to put back after a
    # test empties the database. The loop's context is given the thread's own connections.
    for alias, connection in held.items():
        connections[alias] = connection
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def policy_watching_page(browser, **context_options):
    """A page in a new context (French, 15 s timeouts) that records in ``page.violations`` what the
    Content-Security-Policy refused, as its console reports it. Close its ``page.context`` after use."""
    context = browser.new_context(locale="fr-FR", **context_options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.violations.append(message.text))
    return page


class AccessibilityError(AssertionError):
    pass


def axe_violations(page) -> list[dict]:
    """Runs axe-core (served from node_modules, no CDN) on the page; returns its serious and critical
    violations."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [violation for violation in result["violations"] if violation["impact"] in BLOCKING_IMPACTS]


def describe(violations: list[dict], path: str) -> str:
    lines = [f"axe-core : {len(violations)} violation(s) grave(s) sur {path}"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']} : {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])} — {node['failureSummary'].splitlines()[-1].strip()}")
    return "\n".join(lines)


class Journey:
    """A person's visit through the pages. ``check()`` audits the current page with axe-core (and
    saves a screenshot when named); ``finish()`` fails when a page reached was never audited."""

    def __init__(self, page, base_url: str, downloads: Path):
        self.page = page
        self.downloads = downloads
        self.base_url = base_url
        self.reached: list[str] = []
        self.audited: set[str] = set()
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and frame.url.startswith(self.base_url):
            self.reached.append(urlsplit(frame.url).path)

    clock = None

    def travel(self, to) -> None:
        """Moves the server's clock to ``to`` (an aware datetime), from where it runs on: the only thing
        a journey does outside the pages, for the days between two steps. Sessions last hours: log in
        again after a jump of days (``switch``)."""
        if self.clock is not None:
            self.clock.stop()
        self.clock = freeze_time(to, tick=True, ignore=["playwright", "asyncio", "greenlet"])
        self.clock.start()

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def check(self, screenshot: str = "", *, at: str = "", again: bool = False) -> None:
        """Audits the page once per path (axe takes a second or two here); ``again`` or a screenshot
        audits a path already seen, for a page whose content changed with the journey. The screenshot
        (1280×800) goes to docs/screenshots/<screenshot>.png."""
        page = self.page
        page.wait_for_load_state("load")
        path = urlsplit(page.url).path
        if path in self.audited and not (again or screenshot):
            return
        started = time.monotonic()
        violations = axe_violations(page)
        if violations:
            raise AccessibilityError(describe(violations, path))
        self.audited.add(path)
        if os.environ.get("BROWSER_TIMINGS"):
            print(f"axe {path} {time.monotonic() - started:.2f}s")
        if screenshot:
            # Deterministic framing: the top of the page, or of the section ``at``.
            if at:
                page.locator(at).first.evaluate("element => element.scrollIntoView({block: 'start'})")
            else:
                page.evaluate("() => window.scrollTo(0, 0)")
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{screenshot}.png"), full_page=False)

    def login(self, username: str) -> None:
        """Logs in with the keyboard alone: Tab to each field, type, Enter."""
        self.goto(reverse("login"))
        self.check()
        page = self.page
        page.locator("#id_username").focus()
        assert_focus_visible(page)
        page.keyboard.type(username)
        page.keyboard.press("Tab")
        assert_focus_visible(page)
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "/connexion/" not in url)
        self.check()

    def switch(self, username: str) -> None:
        """Logs out with the header's button, then in as ``username``: the next person's turn."""
        self.submit(self.page.get_by_role("button", name="Se déconnecter"))
        self.login(username)

    def submit(self, control, *, to: str = "") -> None:
        """Clicks ``control`` and waits for the page it leads to (path ``to`` when given); when the
        form comes back instead, fails with the messages and field errors the person reads. A disabled
        button fails at once with the reason the page gives for it."""
        if control.is_disabled():
            reason = control.get_attribute("aria-describedby")
            said = self.page.locator(f"#{reason}").inner_text() if reason else ""
            raise AssertionError(f"« {control.inner_text()} » est désactivé : {said}")
        with self.page.expect_navigation(timeout=30_000):
            control.click()
        if to:
            self.expect_path(to)

    def download(self, control) -> Path:
        """Clicks a download link; returns the file the browser received (kept in the test's folder)."""
        with self.page.expect_download(timeout=30_000) as received:
            control.click()
        download = received.value
        assert download.failure() is None, download.failure()
        target = self.downloads / download.suggested_filename
        download.save_as(target)
        return target

    def expect_path(self, path: str) -> None:
        self.page.wait_for_load_state("load")
        current = urlsplit(self.page.url).path
        if current != path:
            shown = self.page.locator(".messages, .message--error, .error").all_inner_texts()
            raise AssertionError(f"attendu {path}, affiché {current} : {shown}")

    def finish(self) -> None:
        missing = sorted(set(self.reached) - self.audited)
        assert not missing, f"pages atteintes sans contrôle d'accessibilité : {missing}"


def open_suggestions(page, field_id: str, letters: str) -> list[str]:
    """Types ``letters`` in the search field ``field_id`` and waits for the suggestions to the whole text;
    returns their texts (label, then hint)."""
    from playwright.sync_api import expect

    field = page.locator(f"#{field_id}")
    field.focus()
    field.fill("")
    page.keyboard.type(letters, delay=40)
    expect(field).to_have_attribute("aria-expanded", "true")
    options = page.locator(f"#{field_id}__listbox [role=option]")
    expect(options.first).to_contain_text(letters, ignore_case=True)
    return [seen(option) for option in options.all()]


def choose_suggestion(page, field_id: str, letters: str, label: str) -> None:
    """With the keyboard alone: ``letters`` typed, Down until the suggestion ``label`` is highlighted,
    Enter to choose it."""
    shown = open_suggestions(page, field_id, letters)
    position = next((index for index, text in enumerate(shown) if text.startswith(label)), None)
    assert position is not None, f"« {label} » n'est pas suggéré pour « {letters} » : {shown}"
    for _ in range(position + 1):
        page.keyboard.press("ArrowDown")
    assert page.locator(f"#{field_id}").get_attribute("aria-activedescendant") == f"{field_id}__option--{position}"
    page.keyboard.press("Enter")


def assert_focus_visible(page) -> None:
    """The focused element shows a visible outline (or box shadow) and is not the page body."""
    state = page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {tag: el.tagName, outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
                shadow: style.boxShadow !== 'none', focusVisible: el.matches(':focus-visible')};
    }""")
    assert state["tag"] != "BODY", "aucun élément n'a le focus"
    assert state["focusVisible"] and (state["outline"] or state["shadow"]), f"focus invisible : {state}"


@pytest.fixture
def journey(browser, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The app's Content-Security-Policy forbids inline scripts; the test injects axe-core as one,
    # so this context (and only it) bypasses the policy.
    context = browser.new_context(viewport=VIEWPORT, locale="fr-FR", timezone_id="Europe/Paris",
                                  accept_downloads=True, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # The server's clock starts on the suite's fixed day and runs (the journeys' dates, deadlines and the
    # stored thresholds then agree on any machine date); Playwright and its event loop keep the real clock
    # for their timeouts.
    journey = Journey(page, live_server.url, tmp_path)
    journey.travel(DEMO_NOW)
    try:
        yield journey
    finally:
        journey.clock.stop()
        context.close()


def menu(page):
    """The main navigation: the home page links to the same places from its to-dos."""
    return page.get_by_role("navigation", name="Navigation principale")


def seen(locator) -> str:
    """The text a person reads in ``locator``, with no-break spaces as plain spaces."""
    return locator.inner_text().replace("\u00a0", " ").replace("\u202f", " ")


def tab_to(page, selector: str, *, limit: int = 60) -> None:
    """Presses Tab until ``selector`` has the focus, checking the focus is visible on the way."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            assert_focus_visible(page)
            return
    raise AssertionError(f"{selector} n'est pas atteignable au clavier en {limit} tabulations")
