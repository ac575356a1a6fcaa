"""Pages that gather several features: the room above them all.

A feature shows its own pages; a page that shows panels of several features lives here, so that no
feature imports a sibling to draw its page. The consultation page, the response page (and the
forms drawn on it, with the questions found in the consultation's documents), the submission and
outcome forms, the library, the dashboard and the list's downloads each call the query functions
of the features whose panels they show and pass plain data to their templates. They keep the
endpoints of the feature whose page they are (``consultations.detail``, ``drafts.response``):
importing this package attaches them to those blueprints, so it is imported before the blueprints
are registered (tracker/__init__.py).
"""

from tracker.pages import (  # noqa: F401
    consultation,
    conversation,
    dashboard,
    downloads,
    library,
    outcome,
    response,
    submission,
)
