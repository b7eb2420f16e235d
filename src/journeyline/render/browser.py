"""Headless Chromium, started in one place, for PNG screenshots and PDF printing.

Why Chromium and not WeasyPrint: the PNG and PDF must look exactly like the HTML map
people open (same SVG engine, same fonts, same emoji), Chromium also makes PNGs
(WeasyPrint makes none), and it prints named page sizes and repeated headers reliably.
Playwright drives Debian's own `chromium` package; nothing is downloaded, and every
network request from the page is refused, so a map never fetches anything.

Starting Chromium costs a second or more, so `chromium_session()` keeps one browser
for every PNG and PDF rendered inside its block; outside one, each file starts its own.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journeyline.errors import JourneylineError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class BrowserUnavailable(JourneylineError):
    """PNG and PDF need Chromium, and it is not installed (or cannot start)."""


def chromium_path() -> Path:
    """Where Chromium is: $JOURNEYLINE_CHROMIUM, else Debian's /usr/bin/chromium (or a known path)."""
    configured = os.environ.get("JOURNEYLINE_CHROMIUM")
    if configured:
        path = Path(configured)
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise BrowserUnavailable(
            f"JOURNEYLINE_CHROMIUM points at {configured}, which is not an executable file"
        )
    for candidate in CANDIDATES:
        if os.access(candidate, os.X_OK):
            return Path(candidate)
    found = shutil.which("chromium")
    if found:
        return Path(found)
    raise BrowserUnavailable(
        "PNG and PDF export need Chromium, which is not installed. Install Debian's package "
        "(sudo apt-get install chromium fonts-dejavu-core fonts-noto-color-emoji), or set "
        "JOURNEYLINE_CHROMIUM to a "
        "Chromium executable; HTML and SVG export work without it."
    )


def _refuse_network(route: Any) -> None:
    url: str = route.request.url
    if url.startswith(("data:", "about:", "blob:")):
        route.continue_()
    else:
        route.abort()


@contextmanager
def chromium() -> Iterator[Browser]:
    """A headless Chromium for the duration of the block."""
    executable = chromium_path()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:  # pragma: no cover - playwright is a dependency
        raise BrowserUnavailable(
            "PNG and PDF export need the 'playwright' Python package"
        ) from error
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=str(executable), headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else "unknown error"
            raise BrowserUnavailable(f"Chromium at {executable} did not start: {first}") from error
        try:
            yield browser
        finally:
            browser.close()


DOCUMENT_URL = "https://journeyline.invalid/map.html"
"""Where a rendered document is served from inside the browser (never on the network).

Navigating to a fulfilled request parses the page in the browser's streaming parser:
about 1.6 times as fast as `page.set_content` for a multi-megabyte map.
"""


def _serve(html: str) -> Callable[[Any], None]:
    """A route handler that answers DOCUMENT_URL with `html` and refuses everything else."""
    body = html.encode("utf-8")

    def handle(route: Any) -> None:
        if route.request.url == DOCUMENT_URL:
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)
        else:
            _refuse_network(route)

    return handle


def open_page(
    browser: Browser,
    html: str,
    *,
    width: int = 1280,
    height: int = 800,
    scale: float = 1.0,
    print_media: bool = False,
) -> Page:
    """A page showing the given HTML (loaded to its `load` event), with the network refused.

    `print_media` lays the page out for print from the start (a page about to be printed
    is then not laid out twice).
    """
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
    page.route("**/*", _serve(html))
    if print_media:
        page.emulate_media(media="print")
    page.goto(DOCUMENT_URL, wait_until="load")
    return page


class ChromiumSession:
    """One headless Chromium shared by every PNG and PDF rendered while the session is open.

    Chromium is started on first use (a session that only writes HTML and SVG never
    starts it) and closed when the session ends. Each render gets a fresh page.
    """

    def __init__(self) -> None:
        self._stack = ExitStack()
        self._browser: Browser | None = None

    @property
    def browser(self) -> Browser:
        """The session's Chromium, started now if it is not running yet."""
        if self._browser is None:
            self._browser = self._stack.enter_context(chromium())
        return self._browser

    @property
    def started(self) -> bool:
        return self._browser is not None

    def png(
        self, html: str, out: Path, *, selector: str, width: int, height: int, scale: float
    ) -> Path:
        """Screenshot the element matching `selector` (the whole map) into a PNG file."""
        page = open_page(self.browser, html, width=width, height=height, scale=scale)
        try:
            page.locator(selector).screenshot(path=str(out), animations="disabled")
        finally:
            page.close()
        return out

    def pdf(self, html: str, out: Path) -> Path:
        """Print the HTML to PDF using the page sizes its CSS declares (@page rules)."""
        page = open_page(self.browser, html, print_media=True)
        try:
            page.pdf(path=str(out), prefer_css_page_size=True, print_background=True)
        finally:
            page.close()
        return out

    def close(self) -> None:
        self._browser = None
        self._stack.close()


_active: ContextVar[ChromiumSession | None] = ContextVar("journeyline_chromium", default=None)


@contextmanager
def chromium_session() -> Iterator[ChromiumSession]:
    """Share one Chromium across every PNG/PDF rendered inside the block.

    `render_to_file` (and `html_to_png`/`html_to_pdf`) called inside the block use it
    instead of starting and stopping Chromium for each file:

        with chromium_session():
            for journey in workspace.maps:
                render_to_file(workspace, journey, f"{journey.id}.pdf")
    """
    session = ChromiumSession()
    token = _active.set(session)
    try:
        yield session
    finally:
        _active.reset(token)
        session.close()


def active_session() -> ChromiumSession | None:
    """The session of the enclosing `chromium_session()` block, if any."""
    return _active.get()


@contextmanager
def _session(session: ChromiumSession | None) -> Iterator[ChromiumSession]:
    """The given session, else the active one, else a one-off session for this call."""
    current = session or active_session()
    if current is not None:
        yield current
        return
    one_off = ChromiumSession()
    try:
        yield one_off
    finally:
        one_off.close()


def html_to_png(
    html: str,
    out: Path,
    *,
    selector: str,
    width: int,
    height: int,
    scale: float,
    session: ChromiumSession | None = None,
) -> Path:
    """Screenshot the element matching `selector` (the whole map) into a PNG file."""
    with _session(session) as current:
        return current.png(html, out, selector=selector, width=width, height=height, scale=scale)


def html_to_pdf(html: str, out: Path, *, session: ChromiumSession | None = None) -> Path:
    """Print the HTML to PDF using the page sizes its CSS declares (@page rules)."""
    with _session(session) as current:
        return current.pdf(html, out)
