"""Where an import reads from (the GOV.UK or Committees API, or saved responses), each source's
adapter for the one import pipeline, and their public addresses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import current_app

from tracker.intake.adapter import Listed, SourceAdapter
from tracker.intake.committees import CommitteesAdapter, CommitteesApi, CommitteesDir
from tracker.intake.govuk import (
    ApiSource,
    Facts,
    GovukClient,
    Source,
    fingerprint,
    parse_facts,
)
from tracker.intake.paging import Listing
from tracker.intake.saved import DirSource
from tracker.models.intake import IntakeItem, ItemSource


def _client(base_url: str) -> GovukClient:
    """The polite JSON client (User-Agent, rate limit, retries): the GOV.UK settings serve both APIs."""
    config = current_app.config
    return GovukClient(
        base_url,
        user_agent=(
            f"KeyCitiesTracker/1.0 (+{config['BASE_URL']}; consultation tracker of the "
            f"{config['NETWORK_NAME']} network)"
        ),
        per_second=float(config["GOVUK_REQUESTS_PER_SECOND"]),
        timeout=(float(config["GOVUK_CONNECT_TIMEOUT"]), float(config["GOVUK_READ_TIMEOUT"])),
        max_retries=int(config["GOVUK_MAX_RETRIES"]),
        backoff=float(config["GOVUK_RETRY_BACKOFF_SECONDS"]),
        max_wait=float(config["GOVUK_MAX_RETRY_WAIT_SECONDS"]),
    )


def make_api_source() -> ApiSource:
    return ApiSource(_client(current_app.config["GOVUK_API_BASE_URL"]),
                     page_size=int(current_app.config["GOVUK_PAGE_SIZE"]))


def make_dir_source(path: str) -> DirSource:
    return DirSource(path)


def make_committees_api_source() -> CommitteesAdapter:
    config = current_app.config
    api = CommitteesApi(_client(config["COMMITTEES_API_BASE_URL"]), page_size=int(config["COMMITTEES_PAGE_SIZE"]))
    return CommitteesAdapter(api, site_url=config["COMMITTEES_SITE_URL"])


def make_committees_dir_source(path: str) -> CommitteesAdapter:
    return CommitteesAdapter(CommitteesDir(path), site_url=current_app.config["COMMITTEES_SITE_URL"])


def document_types() -> list[str]:
    raw = current_app.config["GOVUK_DOCUMENT_TYPES"]
    return [t.strip() for t in raw.split(",") if t.strip()]


def public_url(base_path: str) -> str:
    return current_app.config["GOVUK_API_BASE_URL"].rstrip("/") + base_path


def item_url(item: IntakeItem) -> str:
    """The item's public page: on GOV.UK, the committee business page on Parliament's site, or
    the link of a feed's entry (kept whole)."""
    if item.source == ItemSource.FEED:
        return item.base_path
    if item.source == ItemSource.COMMITTEES:
        return current_app.config["COMMITTEES_SITE_URL"].rstrip("/") + item.base_path
    return public_url(item.base_path)


class GovukAdapter(SourceAdapter):
    """GOV.UK: the Search API's pages per document type, then the Content API per changed result."""

    key = ItemSource.GOVUK
    label = "GOV.UK"
    gone_message = "The page was removed from GOV.UK"

    def __init__(self, source: Source) -> None:
        self.source = source
        self.name = source.name

    @property
    def requests_made(self) -> int:
        return self.source.requests_made

    def listings(self) -> Iterator[Listing]:
        for document_type in document_types():
            yield from self.source.search_pages(document_type)

    def identify(self, result: dict[str, Any]) -> Listed:
        content_id = result.get("content_id")
        link = result.get("link")
        where = str(content_id or link or "a search result")[:120]
        if not isinstance(content_id, str) or not content_id or not isinstance(link, str) or not link.startswith("/"):
            return Listed(None, "", where, "no content_id or link in the search result")
        return Listed(content_id, link, where)

    def fingerprint(self, result: dict[str, Any]) -> str:
        return fingerprint(result)

    def facts(self, locator: str, result: dict[str, Any]) -> Facts:
        return parse_facts(result, self.source.content(locator))

    def locator(self, item: IntakeItem) -> str:
        return item.base_path


def adapter_for(source: Source | SourceAdapter) -> SourceAdapter:
    """A GOV.UK source (the tests' and the CLI's) in its adapter; an adapter as it is."""
    return source if isinstance(source, SourceAdapter) else GovukAdapter(source)
