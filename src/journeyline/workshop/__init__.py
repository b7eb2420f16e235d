"""Workshop mode: the facilitated mapping session run inside Journeyline.

The practice (4–8 people, about 90 minutes, a facilitator and a scribe) as an agenda with
a shared timer, sticky notes by kind, groups, dot-voting rounds, and the conversion of
the session's notes into map elements. These modules hold the rules and know no database
or transport; `journeyline.store.workshops` keeps them, `web/api/workshops.py` serves them.
"""
