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
    issuer_type: str


def on_govuk(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == "gov.uk" or host.endswith(".gov.uk")


def on_parliament(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == "parliament.uk" or host.endswith(".parliament.uk")


HOW: dict[str, str] = {Source.GOVUK: "Imported from GOV.UK", Source.COMMITTEES: "Imported from a Parliament select committee",
                       Source.FEED: "Imported from an Atom or RSS feed"}


def facts(consultation: Consultation) -> Facts:
    url = consultation.url or ""
    govuk, parliament = on_govuk(url), on_parliament(url)
    how = HOW.get(consultation.source, "Logged by hand")
    by = f" by {consultation.created_by.name}" if consultation.created_by else ""
    if parliament:
        link_key, link_text = "On Parliament's website", "View the call for evidence on the committee's page"
    elif govuk:
        link_key, link_text = "On GOV.UK", "View the consultation on GOV.UK"
    else:
        link_key, link_text = "On GOV.UK" if not url else "Link", "View the consultation"
    return Facts(
        link_key=link_key,
        link_text=link_text,
        decision=Decision(consultation.decision).label if consultation.decision else None,
        source=f"{how}{by} on {format_uk(consultation.created_at, '%-d %B %Y')}",
        issuer_type=consultation.issuer_type_label,
    )
