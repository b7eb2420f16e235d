"""Storage of shared workspaces: accounts, members and roles, maps as versioned documents.

A map is stored as a document in the core's file format with a revision log; the people
around it (accounts, members, share links, comments, votes) are relational tables.
The functions here are the library the web API is a thin face over.
"""

from journeyline.store.access import Actor, Role
from journeyline.store.database import Database, open_database, sqlite_url
from journeyline.store.workshop_tables import WorkshopRecord  # registers workshop mode's tables

__all__ = ["Actor", "Database", "Role", "WorkshopRecord", "open_database", "sqlite_url"]
