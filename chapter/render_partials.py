"""How a block looks: its Jinja partial under ``templates/blocks/``, rendered without Flask.

The chapter is rendered once at start-up, and by tests that call ``render.load_chapter``
with no app at all, so the partials get their own environment instead of the app's. The
markup lives in the templates; Python only decides what a block is and hands over its
already-rendered inner HTML as ``Markup`` (autoescape escapes everything else).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@cache
def environment() -> Environment:
    """One environment per process: the partials are compiled once, on first use."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,  # a misspelt variable in a partial fails loudly
        trim_blocks=True,
        lstrip_blocks=True,
    )


def partial(template: str, /, **context: object) -> Markup:
    """One block's HTML: ``templates/blocks/<template>.html`` rendered with ``context``.

    Pass finished HTML as ``Markup``; plain strings are escaped."""
    html = environment().get_template(f"blocks/{template}.html").render(**context)
    return Markup(html)
