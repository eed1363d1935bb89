"""Figure 1's layout: the inner and the outer stage side by side above the shrinking-Δx
panel, or stacked on a phone with that panel on top, in the panels ``nudge_labels.frame``
places.

Every frame of a sweep sits in the same panels (``nudge.sweep_frames``), so what depends on
the panels and the composition alone — the titles, the Δx axis — is made once (``panels``)
and shared by the frames' layouts; what moves with the swept value (the ranges, the gap
axis, the note of a gapless panel) is made for each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from chapter.figures import style
from chapter.figures.figure import Heights
from chapter.figures.nudge_frames import State
from chapter.figures.nudge_labels import Frame

HEIGHTS = Heights(wide=640, narrow=900)


@dataclass(frozen=True)
class Panels:
    """The panels' places (``frame``) and the parts of the layout that depend on nothing
    else: the three panels' titles, the x axes' tick spacing, the Δx axis."""

    frame: Frame
    titles: tuple[dict, dict, dict]
    few: dict
    xaxis3: dict


def panels(s: State, frame: Frame) -> Panels:
    """The layout's parts in ``frame`` that no value along a sweep changes."""
    narrow, dom, left = s.narrow, frame.domains, frame.margin["l"]
    titles = (
        _title(f"Inner stage {s.formula('inner_formula', True)}", dom["g"], narrow, left),
        _title(f"Outer stage {s.formula('outer_formula', True)}", dom["f"], narrow, left),
        _title("The gap as Δx shrinks" if narrow else
               "Shrinking Δx: the quotient's gap to f′(u)·g′(x)", dom["s"], narrow, left),
    )
    # x tick labels a little lower, clear of the y tick label at a panel's corner; on a phone
    # one per 48 px at most (labels such as −4.95 are 40 px), so none turns or meets the next.
    few = {"ticklabelstandoff": 6,
           **({"nticks": max(2, int(frame.widths["g"] // 48))} if narrow else {})}
    # a phone's Δx ticks every 2 decades (3 in a panel narrowed by long tick labels), upright
    decades = ({"dtick": 2 if frame.widths["s"] >= 120 else 3, "tickangle": 0} if narrow
               else {})
    return Panels(frame, titles, few,
                  style.axis("Δx (log scale)", dom["s"][0], "y3", type="log",
                             range=[-5.2, 0.4], **decades))


def layout(s: State, ranges: dict, shrink: dict, panels: Panels) -> dict:
    """g and f side by side above the shrinking-Δx panel; stacked when narrow, with the
    shrinking-Δx panel on top, so the two stages sit right above the step buttons and the
    sliders: on a phone both stages are on screen with the slider that moves them. The
    margins and the gap between the stages hold their tick labels (nudge_labels.frame)."""
    frame, few = panels.frame, panels.few
    dom = frame.domains
    annotations = list(panels.titles)
    if shrink["exact"]:
        annotations.append({"text": _note(s), "xref": "x3 domain", "yref": "y3 domain",
                            "x": 0.5, "y": 0.5, "showarrow": False,
                            "font": {"color": style.MUTED}})
    # Log ranges fixed here: an axis with nothing to autorange on (an exact line) breaks.
    drawn = ranges["gaps"]  # the smallest and largest gap drawn (finite, above 0)
    gap_range = ([float(np.log10(drawn[0])) - 0.3, float(np.log10(drawn[1])) + 0.3]
                 if drawn else [-6.0, 0.0])
    return style.layout(
        HEIGHTS.at(s.narrow), margin=frame.margin,
        xaxis=style.axis("x", dom["g"][0], "y", range=ranges["xs"], **few),
        yaxis=style.axis("u", dom["g"][1], "x", range=ranges["g"]),
        xaxis2=style.axis("u", dom["f"][0], "y2", range=ranges["us"], **few),
        yaxis2=style.axis("y", dom["f"][1], "x2", range=ranges["f"]),
        xaxis3=panels.xaxis3,
        yaxis3=style.axis("gap (log)", dom["s"][1], "x3", type="log", range=gap_range,
                          **_decade_ticks(gap_range)),
        annotations=annotations,
    )


def _title(text: str, domain, narrow: bool, margin_l: int) -> dict:
    """A panel's title: on a phone from the chart's left edge, over the tick labels' column
    and raised clear of a tick label at the panel's top, so a long title stays whole."""
    title = style.panel_title(text, domain[0], domain[1][1])
    if narrow:
        title.update(x=0, xanchor="left", xshift=4 - margin_l, yshift=11)
    return title


def _note(s: State) -> str:
    """What the shrinking-Δx panel says when it draws no gap, true of the setting: a
    straight composition, σ(0·x) (flat, though σ itself curves), or rounding."""
    if s.line:
        return ("Gap is 0 for every Δx:<br>y is a straight line." if s.narrow else
                "Gap is 0 for every Δx: a straight line has no curvature.")
    if s.flat:
        return ("Gap is 0 for every Δx:<br>w = 0, so y is 0.5 for all x." if s.narrow else
                "Gap is 0 for every Δx: with w = 0, y is 0.5 for every x.")
    return ("Gap below rounding<br>for every Δx." if s.narrow else
            "Gap below rounding for every Δx.")


def _decade_ticks(view: list[float]) -> dict:
    """Over two decades or more, a gap tick at powers of ten only (at most five, so none at
    the middle of the six decades a gapless panel shows, where its note is): plotly.js's own
    2s and 5s between them would crowd a short panel's labels."""
    span = view[1] - view[0]
    return {"dtick": max(1, math.ceil(span / 4))} if span >= 2 else {}
