"""Views of the drafts feature: the response page and its forms, the editor, versions, the
submission and outcome forms, and the library.

Views are thin: read the form, call a verb through tracker.views.run (commit, flash, redirect,
or show why not), assemble pages from drafts/queries.py.
"""

from tracker.drafts.routes import comments, editing, history, questions, record, reuse, upload  # noqa: F401
