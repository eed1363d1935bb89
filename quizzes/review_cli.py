"""``flask review due LEARNER`` and ``flask review due ALL``: spaced review now, not tomorrow.

An operator's command (it needs the server's shell, as ``flask classes create`` does), so an
instructor can try the review loop without waiting a day or editing the database: every review
item of one learner (their id, as the dashboard's CSV shows it), or of everyone, comes due now.
It changes no answer, score or state; the next review is scheduled as usual after it.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from store import StoreUnavailable
from store import review as review_store

review_cli = AppGroup("review", help="Spaced review: make reviews due now, to try it.")


@review_cli.command("due")
@click.argument("learner")
def due_command(learner: str) -> None:
    """Make LEARNER's review items due now (ALL: everyone's)."""
    who = None if learner == "ALL" else learner
    try:
        moved = review_store.make_due(current_app.extensions["store"], who)
    except StoreUnavailable as exc:
        raise click.ClickException(f"The database cannot be reached: {exc}") from None
    whose = "every learner's" if who is None else f"learner {who}'s"
    if not moved:
        click.echo(f"No review items for {'any learner' if who is None else who}: a question "
                   "comes into review when it is answered right.")
        return
    click.echo(f"{moved} review item{'s' if moved != 1 else ''} of {whose} now due.")
