"""The web app: the REST API over `journeyline.store`, built by `create_app(settings)`."""

from journeyline.web.app import create_app
from journeyline.web.settings import SETTINGS, Settings

__all__ = ["SETTINGS", "Settings", "create_app"]
