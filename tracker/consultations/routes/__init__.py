"""Views of the consultations feature: the list, the consultation's page, and the forms of its life.

Views are thin: read the form, call a service through tracker.views.run (commit, flash, redirect,
or show why not), assemble pages from each feature's query functions.
"""

from tracker.consultations.routes import listing, page, steps  # noqa: F401
