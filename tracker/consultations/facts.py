"""The consultation page's facts in words, decided here so the page only lays them out."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from tracker.models import Consultation, Decision, Source
from tracker.timeutil import format_uk


@dataclass(frozen=True)
class Facts:
    link_key: str
    link_text: str
    decision: str | None
    source: str


def on_govuk(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == "gov.uk" or host.endswith(".gov.uk")


def facts(consultation: Consultation) -> Facts:
    govuk = on_govuk(consultation.url or "")
    how = "Imported from GOV.UK" if consultation.source == Source.GOVUK else "Logged by hand"
    by = f" by {consultation.created_by.name}" if consultation.created_by else ""
    return Facts(
        link_key="On GOV.UK" if govuk or not consultation.url else "Link",
        link_text="View the consultation on GOV.UK" if govuk else "View the consultation",
        decision=Decision(consultation.decision).label if consultation.decision else None,
        source=f"{how}{by} on {format_uk(consultation.created_at, '%-d %B %Y')}",
    )
