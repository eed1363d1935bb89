"""``flask classes create "…"`` and ``flask classes list``: classes from a terminal.

They use the database ``DATABASE_URL`` names, like the app. The instructor link is printed
once, when the class is made: only its hash is stored, so it cannot be shown again.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from instructors import keys as logic
from store import classes as class_store

classes_cli = AppGroup("classes", help="Classes: create one, or list them.")

BASE_URL_HELP = "The site's address, to print whole links (default: SITE_URL, else none)."


def _link(base: str, path: str) -> str:
    return f"{base.rstrip('/')}{path}" if base else path


@classes_cli.command("create")
@click.argument("name")
@click.option("--base-url", default="", help=BASE_URL_HELP)
def create_command(name: str, base_url: str) -> None:
    """Create a class called NAME and print its student link and instructor link."""
    try:
        clean = logic.clean_name(name, "name", logic.CLASS_NAME_MAX, "a name for the class")
    except logic.BadName as exc:
        raise click.BadParameter(exc.message, param_hint="NAME") from None
    base = base_url or current_app.config.get("SITE_URL", "")
    key = logic.new_key()
    record = class_store.create_class(current_app.extensions["store"], clean,
                                      logic.new_token(), logic.hash_key(key))
    click.echo(f"Class: {record.name}")
    click.echo(f"Student link (share it):    {_link(base, f'/join/{record.token}')}")
    click.echo(f"Instructor link (secret):   {_link(base, f'/teach/{record.token}/{key}')}")
    click.echo("Save the instructor link now: it cannot be shown again.")


@classes_cli.command("list")
def list_command() -> None:
    """List every class: when it was made, its students, its name and its student link."""
    rows = class_store.list_classes(current_app.extensions["store"])
    if not rows:
        click.echo("No classes yet. Make one with: flask classes create \"Name\"")
        return
    for record, count in rows:
        made = record.created_at.strftime("%Y-%m-%d")
        click.echo(f"{made}  {count:>4} student{'s' if count != 1 else ' '}  "
                   f"/join/{record.token}  {record.name}")
