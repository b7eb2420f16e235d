"""Headless Chromium, started in one place, for PNG screenshots and PDF printing.

Why Chromium and not WeasyPrint: the PNG and PDF must look exactly like the HTML map
people open (same SVG engine, same fonts, same emoji), Chromium also makes PNGs
(WeasyPrint makes none), and it prints named page sizes and repeated headers reliably.
Playwright drives Debian's own `chromium` package; nothing is downloaded, and every
network request from the page is refused, so a map never fetches anything.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
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
        "(sudo apt-get install chromium fonts-dejavu-core), or set JOURNEYLINE_CHROMIUM to a "
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


def open_page(
    browser: Browser, html: str, *, width: int = 1280, height: int = 800, scale: float = 1.0
) -> Page:
    """A page showing the given HTML, with the network refused."""
    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=scale)
    page.route("**/*", _refuse_network)
    page.set_content(html, wait_until="load")
    return page


def html_to_png(
    html: str, out: Path, *, selector: str, width: int, height: int, scale: float
) -> Path:
    """Screenshot the element matching `selector` (the whole map) into a PNG file."""
    with chromium() as browser:
        page = open_page(browser, html, width=width, height=height, scale=scale)
        page.locator(selector).screenshot(path=str(out), animations="disabled")
    return out


def html_to_pdf(html: str, out: Path) -> Path:
    """Print the HTML to PDF using the page sizes its CSS declares (@page rules)."""
    with chromium() as browser:
        page = open_page(browser, html)
        page.emulate_media(media="print")
        page.pdf(path=str(out), prefer_css_page_size=True, print_background=True)
    return out
