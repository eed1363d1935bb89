"""What the page itself shows of each figure before any script runs: its controls at the
server's defaults (rendered into the HTML, so Tab reaches them at once and nothing is
inserted later), which of them sit beside the chart and which behind "More settings", and
the room the chart takes at each width (the figure's ``heights``, the ones its layouts use,
written into the page as the CSS custom properties ``--plot-h-wide`` and ``--plot-h-narrow``).
``templates/blocks/figure.html`` reads this as ``figure_page(id)``.
"""

from __future__ import annotations

from collections.abc import Callable

from chapter.render_partials import environment


def _text(value) -> str:
    """A control's value as the page writes it: 1.0 as "1", −0.5 with a real minus."""
    text = f"{value:g}" if isinstance(value, float | int) else str(value)
    return text.replace("-", "−")


def _shown(control: dict, defaults: dict) -> bool:
    when = control.get("when")
    return not when or defaults.get(when["field"]) in when["options"]


def held_words(payload: dict) -> dict:
    """The longest of the steps' words and of the bold lines at the defaults, written hidden
    into the cell of the ones shown (``.widget-held`` in widgets.css; figure.js holds every
    step's once it draws): the room the longest takes is kept from the first paint, so
    nothing below moves, for the fewest bytes before the first interaction."""
    steps = payload.get("steps") or []
    return {"step": _longest([f"Step {k + 1} of {len(steps)}: {words}"
                              for k, words in enumerate(steps)]),
            "summary": _longest(payload.get("summaries") or [])}


def _longest(texts: list[str]) -> list[str]:
    return [max(texts, key=len)] if texts else []


def figure_page(figure, spec: dict, picture: dict | None = None,
                held: dict | None = None) -> dict:
    """The figure's controls for the template: each with its value, shown or hidden, main or
    secondary (the main ones in the order the figure lists them); its step buttons and
    presets; the chart's heights; the picture of its default state; its step words there."""
    defaults = {c["name"]: c["default"] for c in spec["controls"]}
    controls = [{**c, "value": c["default"], "text": _text(c["default"]),
                 "shown": _shown(c, defaults), "main": c["name"] in figure.main}
                for c in spec["controls"]]
    main = sorted((c for c in controls if c["main"]), key=lambda c: figure.main.index(c["name"]))
    return {"label": spec["label"], "main": main,  # in the figure's order
            "more": [c for c in controls if not c["main"]], "presets": spec["presets"],
            "training": figure.trains, "title": figure.label, "picture": picture,
            "heights": figure.heights._asdict(), "held": held or {"step": [], "summary": []}}


def register(lookup: Callable[[str], dict]) -> None:
    """Make ``figure_page(id)`` available to the block partials (rendered without Flask)."""
    environment().globals.setdefault("figure_page", lookup)
