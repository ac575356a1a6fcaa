"""flask --app wsgi import-govuk"""

from __future__ import annotations

import click

from tracker.extensions import db
from tracker.intake import bp


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
    from tracker.intake import services

    source = services.make_dir_source(from_dir) if from_dir else services.make_api_source()
    prefix = "would change: " if dry_run else ""
    result = services.run_import(source, dry_run=dry_run, trigger="cli", echo=lambda line: click.echo(prefix + line))
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for line in result.errors:
        click.echo(f"error: {line}", err=True)
    if result.errors:
        click.echo(f"{len(result.errors)} items or pages could not be read (see the errors above).", err=True)
    if dry_run:
        click.echo("Dry run: nothing was written.")
    click.echo(result.closing_line)
