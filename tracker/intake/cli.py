"""flask --app wsgi import-govuk, flask --app wsgi import-committees

Exit status: 0 when everything was read (or the run was skipped because another import of
the same source is running), 1 when any page or item could not be read or saved (the reasons
are printed), so that a scheduler can tell.
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
    if dry_run:
        click.echo("Dry run: nothing was written.")
    click.echo(result.closing_line)
    if result.errors:
        count = len(result.errors)
        raise click.ClickException(
            f"{count} item{'s' if count != 1 else ''} or page{'s' if count != 1 else ''} could not be read or "
            "saved (see the errors above); the rest was imported."
        )


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
