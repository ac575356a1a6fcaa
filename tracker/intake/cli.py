"""flask --app wsgi import-govuk, flask --app wsgi import-committees, flask --app wsgi import-feed N

Exit status, so that a scheduler can tell: 0 when every page of the open lists was read, as many
items as the source declared, and every item was imported or had failed the same way on an
earlier run (known bad, already reported: listed again, on the runs page too, but not news); also
0 when the run was skipped because another import of the same source is running. 1 when a page
could not be read, the count disagrees with the declared total (the run is incomplete), or an item
failed for the first time, differently, or changed since (the reasons are printed).
"""

from __future__ import annotations

from collections.abc import Callable

import click

from tracker.extensions import db
from tracker.intake import bp, lock
from tracker.intake.adapter import SourceAdapter

_DRY_RUN = click.option("--dry-run", is_flag=True, help="Print what would change and write nothing.")


def _from_dir(layout: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    return click.option(
        "--from-dir",
        "from_dir",
        type=click.Path(exists=True, file_okay=False),
        help=f"Read saved API responses from DIR instead of the network (layout: {layout}).",
    )


def _import(adapter: Callable[[], SourceAdapter], lock_name: str, dry_run: bool) -> None:
    """The one way both commands run an import: under its source's lock, then the closing line."""
    from tracker.intake import importer

    with lock.one_import_at_a_time("cli", name=lock_name) as held:
        if not held.acquired:
            assert held.held_by is not None
            click.echo(f"Skipped: {held.held_by.describe()}. Nothing was imported; run it again later.")
            return
        prefix = "would change: " if dry_run else ""
        result = importer.run_import(adapter(), dry_run=dry_run, trigger="cli",
                                     echo=lambda line: click.echo(prefix + line))
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    for line in result.errors:
        click.echo(f"error: {line}", err=True)
    for line in result.known_bad:
        click.echo(f"known bad, already reported: {line}")
    if dry_run:
        click.echo("Dry run: nothing was written.")
    click.echo(result.closing_line)
    click.echo(result.incomplete or f"Complete: {_read(result.listed, result.declared)}.")
    if result.exit_status:
        count = len(result.errors)
        reasons = ["the import is incomplete (see above)"] if result.incomplete else []
        if count:
            reasons.append(f"{count} item{'s' if count != 1 else ''} or page{'s' if count != 1 else ''} "
                           "could not be read or saved (see the errors above)")
        message = " and ".join(reasons)
        raise click.ClickException(f"{message[0].upper()}{message[1:]}; what was read was imported.")


def _read(listed: int, declared: int | None) -> str:
    if declared is None:
        return f"read {listed} listed items, to the end of the list (the source declared no total)"
    return f"read {listed} of {declared} listed items"


@bp.cli.command("import-govuk")
@_DRY_RUN
@_from_dir("tracker/intake/sample_data/README.md")
def import_govuk_command(dry_run: bool, from_dir: str | None) -> None:
    """Import open consultations and calls for evidence from GOV.UK."""
    from tracker.intake import sources

    def adapter() -> SourceAdapter:
        return sources.adapter_for(sources.make_dir_source(from_dir) if from_dir else sources.make_api_source())

    _import(adapter, lock.NAME, dry_run)


@bp.cli.command("import-committees")
@_DRY_RUN
@_from_dir("tracker/intake/sample_data/committees/README.md")
def import_committees_command(dry_run: bool, from_dir: str | None) -> None:
    """Import select committees' calls for evidence from UK Parliament's Committees API."""
    from tracker.intake import sources

    def adapter() -> SourceAdapter:
        return sources.make_committees_dir_source(from_dir) if from_dir else sources.make_committees_api_source()

    _import(adapter, lock.COMMITTEES, dry_run)


@bp.cli.command("import-feed")
@_DRY_RUN
@click.argument("feed_id", type=int)
def import_feed_command(dry_run: bool, feed_id: int) -> None:
    """Import the entries of one Atom or RSS feed (its number is in its address on /intake/feeds)."""
    from tracker.intake.feeds import FeedAdapter
    from tracker.models.intake import FeedSource

    feed = db.session.get(FeedSource, feed_id) if 0 < feed_id < 2**31 else None
    if feed is None:
        raise click.ClickException(f"There is no feed {feed_id}: the feeds are listed on /intake/feeds.")
    _import(lambda: FeedAdapter(feed), feed.lock_name, dry_run)
