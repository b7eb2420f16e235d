"""Which addresses a map may show: user text is data, never markup or script."""

from __future__ import annotations

import re

_IMAGE_DATA = re.compile(
    r"^data:image/(png|jpeg|jpg|gif|webp|svg\+xml|avif)(;[a-z0-9=.+-]+)*,", re.IGNORECASE
)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)


def safe_url(value: str | None) -> str | None:
    """The address when it is safe to draw as an image: a data:image URI, https:, or relative.

    Anything else (javascript:, vbscript:, data:text/html, http:, protocol-relative '//')
    returns None, and the renderer shows initials or a note instead.
    """
    if not value:
        return None
    url = value.strip()
    probe = re.sub(r"[\x00-\x20\x7f]", "", url)
    if not probe or probe.startswith("//") or probe.startswith("\\"):
        return None
    if _IMAGE_DATA.match(probe):
        return url if url == probe else None
    scheme = _SCHEME.match(probe)
    if scheme:
        return url if scheme.group(1).lower() == "https" and url == probe else None
    if re.search(r"[\s<>\"']", url):
        return None
    return url


def is_emoji_avatar(value: str) -> bool:
    """True for a short avatar made of symbols (an emoji), not a name or an address."""
    text = value.strip()
    return 0 < len(text) <= 8 and not any(c.isascii() and (c.isalnum() or c in "/:.") for c in text)
