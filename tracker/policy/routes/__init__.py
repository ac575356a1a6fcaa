"""Views of the policy feature, by part: the asks, the engagement log, the panels' forms on the
response page, partner networks and the annual report. Thin: read the form, call a verb through
tracker.views.run, assemble pages from policy/queries.py."""

from tracker.policy.routes import asks, engagements, panels, partners, report  # noqa: F401
