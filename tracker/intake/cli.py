"""flask --app wsgi import-govuk

Exit status: 0 when everything was read (or the run was skipped because another import
is running), 1 when any page or item could not be read or saved (the reasons are
printed), so that a scheduler can tell.
"""

from __future__ import annotations

import click

from tracker.extensions import db
from tracker.intake import bp
from tracker.intake.lock import one_import_at_a_time


@bp.cli.command("import-govuk")
@click.option("--dry-run", is_flag=True, help="Print what would change and write nothing.")
@click.option(
    "--from-dir",
    "from_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Read saved API responses from DIR instead of the network (layout: tracker/intake/sample_data/README.md).",
)
def import_govuk_command(dry_run: bool, from_dir: str | None) -> None:
    """Import open consultations and calls for evidence from GOV.UK."""
    from tracker.intake import importer, sources

    with one_import_at_a_time("cli") as lock:
        if not lock.acquired:
            assert lock.held_by is not None
            click.echo(f"Skipped: {lock.held_by.describe()}. Nothing was imported; run it again later.")
            return
        source = sources.make_dir_source(from_dir) if from_dir else sources.make_api_source()
        prefix = "would change: " if dry_run else ""
        result = importer.run_import(source, dry_run=dry_run, trigger="cli",
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
