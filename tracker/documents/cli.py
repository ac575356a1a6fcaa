"""flask --app wsgi read-documents PATH_OR_URL [--json]

Reads one GOV.UK consultation from GOVUK_API_BASE_URL and prints what it found: its documents
(read, or skipped and why), its questions and its ways to respond. Writes nothing. Exit status 1
when the consultation itself could not be read.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import click
from flask import current_app

from tracker.documents import bp
from tracker.documents.reader import Reader, Reading, make_fetcher

_GOVUK_HOSTS = {"www.gov.uk", "gov.uk"}


def govuk_path(value: str) -> str:
    """/government/consultations/<slug> from the path itself or its gov.uk address."""
    value = value.strip()
    if value.startswith("/") and not value.startswith("//"):
        return urlsplit(value).path
    parts = urlsplit(value)
    api_host = (urlsplit(current_app.config["GOVUK_API_BASE_URL"]).hostname or "").lower()
    if parts.scheme in ("http", "https") and (parts.hostname or "").lower() in _GOVUK_HOSTS | {api_host} \
            and parts.path.startswith("/") and parts.path != "/":
        return parts.path
    raise click.BadParameter("give a GOV.UK path such as /government/consultations/<slug>, or its "
                             "https://www.gov.uk/... address", param_hint="PATH_OR_URL")


def _print(reading: Reading) -> None:
    click.echo(f"Documents ({len(reading.documents)}):")
    for document in reading.documents:
        click.echo(f"  {document.status:8} {document.title}\n           {document.url}\n           {document.reason}")
    click.echo(f"\nQuestions ({len(reading.questions)}):")
    for question in reading.questions:
        lines = question.text.splitlines() or [""]
        click.echo(f"  {question.number}. {lines[0]}")
        for line in lines[1:]:
            click.echo(f"     {line}")
        if question.options:
            click.echo(f"     Options: {' / '.join(question.options)}")
        where = f", {question.source_where}" if question.source_where else ""
        click.echo(f"     From: {question.source_title}{where}")
    click.echo("\nWays to respond:")
    for key, value in (reading.ways_to_respond or {}).items():
        click.echo(f"  {key}: {value}")
    if not reading.ways_to_respond:
        click.echo("  none given")


@bp.cli.command("read-documents")
@click.argument("path_or_url")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: questions, ways_to_respond, documents.")
def read_documents_command(path_or_url: str, as_json: bool) -> None:
    """Read a GOV.UK consultation's documents and print its questions (writes nothing)."""
    path = govuk_path(path_or_url)
    reading = Reader(make_fetcher()).govuk(path)
    if reading.problem:
        raise click.ClickException(f"could not read it: {reading.problem}")
    if as_json:
        click.echo(json.dumps(reading.as_json(), indent=2, ensure_ascii=False))
    else:
        _print(reading)
