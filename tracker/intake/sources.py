"""Where an import reads from (the GOV.UK API, or saved responses) and GOV.UK's public addresses."""

from __future__ import annotations

from flask import current_app

from tracker.intake.govuk import ApiSource, DirSource, GovukClient


def make_api_source() -> ApiSource:
    config = current_app.config
    client = GovukClient(
        config["GOVUK_API_BASE_URL"],
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
    return ApiSource(client, page_size=int(config["GOVUK_PAGE_SIZE"]))


def make_dir_source(path: str) -> DirSource:
    return DirSource(path)


def document_types() -> list[str]:
    raw = current_app.config["GOVUK_DOCUMENT_TYPES"]
    return [t.strip() for t in raw.split(",") if t.strip()]


def public_url(base_path: str) -> str:
    return current_app.config["GOVUK_API_BASE_URL"].rstrip("/") + base_path
