"""What the page itself shows of each figure before any script runs: its controls at the
server's defaults (rendered into the HTML, so Tab reaches them at once and nothing is
inserted later), which of them sit beside the chart and which behind "More settings", and
the room the chart takes at each width (the figure's ``heights``, the ones its layouts use,
written into the page as the CSS custom properties ``--plot-h-wide`` and ``--plot-h-narrow``).
``templates/blocks/figure.html`` reads this as ``figure_page(id)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from chapter.figures.params import parse_params
from chapter.figures.sweep import applies, grid
from chapter.render_partials import environment


def _text(value) -> str:
    """A control's value as the page writes it: 1.0 as "1", −0.5 with a real minus."""
    text = f"{value:g}" if isinstance(value, float | int) else str(value)
    return text.replace("-", "−")


def _shown(control: dict, defaults: dict) -> bool:
    when = control.get("when")
    return not when or defaults.get(when["field"]) in when["options"]


def reachable(figure) -> Iterator[dict]:
    """What the figure answers where a reader takes it with one press and one drag: at the
    defaults and at each preset, and at every frame of a drag on each slider from there (the
    sweep's grid, each frame with its steps' words)."""
    for values in ({}, *(values for _, values in figure.presets)):
        params = parse_params(figure.schema, values)
        yield figure.build(**params)
        for name in figure.sliders:
            spec = figure.schema[name]
            if applies(spec, params):
                yield from (figure.sweep_frames(params, name, grid(spec)) if figure.sweep_frames
                            else (figure.build(**{**params, name: v}, sweeping=True)
                                  for v in grid(spec)))


def held_words(defaults: dict, reached: Iterable[dict]) -> dict:
    """The words written hidden into the cell of the ones shown (``.widget-held`` in
    widgets.css; controls.js holds every step's beside them once it draws), each as (text,
    reached): the longest of the steps' words and of the bold lines at the defaults, and, where
    longer, the longest among ``reached`` (the figure's ``reachable`` answers). The room the
    longest takes is kept from the first paint, so nothing below moves as the step changes or
    a slider is dragged, for the fewest bytes before the first interaction. A phone's held
    view leaves the reached copy out (widgets.css): its screen is kept for the slider."""
    steps, summaries = _words([defaults])
    far_steps, far_summaries = _words(reached)
    return {"step": _held(steps, far_steps), "summary": _held(summaries, far_summaries)}


def _words(payloads: Iterable[dict]) -> tuple[list[str], list[str]]:
    steps, summaries = [], []
    for payload in payloads:
        words = payload.get("steps") or []
        steps += [f"Step {k + 1} of {len(words)}: {w}" for k, w in enumerate(words)]
        summaries += payload.get("summaries") or []
    return steps, summaries


def _held(near: list[str], far: list[str]) -> list[tuple[str, bool]]:
    held = [(max(near, key=len), False)] if near else []
    farthest = max(far, key=len, default="")
    if len(farthest) > max((len(text) for text, _ in held), default=0):
        held.append((farthest, True))
    return held


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
