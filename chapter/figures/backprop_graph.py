"""Figure 2's graph laid out: where each node and word sits, wide (left to right) and narrow
(top to bottom, for a phone), and the flow arrows along its edges. ``backprop.py`` writes the
words; this module only places them."""

from __future__ import annotations

import functools
import itertools

from chapter.figures import style

# The narrow graph is laid out for the narrowest chart, a 320 px phone's (~278 px wide:
# widgets.css lets it into the card's padding): one unit across is ~26 px there, so the chain
# sits ~114 px from the left edge; its words on its right (up to ~153 px: "× 2(ŷ−t) ≈
# −2.8×10⁻¹²", "∂L/∂W₁ ≈ −1.5×10⁻¹²³") have the rest, and the words on its left (up to ~101
# px: "W₂ ≈ −534.515", ∂L/∂W₂'s "≈ −4.5×10⁻²⁵⁸") stop short of the chain's arrows. A wider
# chart spreads them further apart (tests/test_figures_backprop_narrow.py). Vertically (~45
# px a unit): each input's value ``under`` its node (the target's ``below`` the last row),
# ∂L/∂W₂'s two lines ``over`` W₂; the nodes are 30 px, a step's pulse around one 32 px.
NARROW = {"x": (-4.25, 6.1), "node": 30, "pulse": 32, "under": 0.58, "below": 0.8,
          "over": 0.74, "margin": {"l": 2, "r": 4, "t": 28, "b": 8}, "loss_left": 0.28}


@functools.cache  # two layouts, shared by every figure and sweep frame: read, never changed
def geometry(narrow: bool) -> dict:
    """Where everything sits. The graph runs W₁ → z → h → ŷ → L (the path ∂L/∂W₁ takes back);
    x, W₂ and the target t feed in from the side. Wide: left to right. Narrow: top to bottom,
    the chain's words on its right, each input's value under it and ∂L/∂W₂ above W₂ on its
    left (see NARROW)."""
    gap = 1.15 if narrow else 1.0

    def at(along: float, across: float) -> tuple[float, float]:
        return (across, -along * gap) if narrow else (along, -across)

    chain = [at(i, 0) for i in range(5)]
    side = {k: at(i, -2.3 if narrow else -1.25) for k, i in (("x", 1), ("W₂", 3), ("t", 4))}
    geo = {"chain": chain, "side": side, "sep": " " if narrow else "<br>",
           "node": NARROW["node"] if narrow else 34, "pulse": NARROW["pulse"] if narrow else 40,
           "residual": "ŷ−t" if narrow else "ŷ − t"}  # narrow: 8 px more for its longest line
    if narrow:
        geo.update(
            fwd=[(0.68, y + 0.24) for _, y in chain], grad=[(0.68, y - 0.24) for _, y in chain],
            edge=[(0.36, -(i + 0.5) * gap) for i in range(4)],
            anchor="middle right", xr=list(NARROW["x"]),
            yr=[-4 * gap - NARROW["below"], 0.45],
            side_labels=[(px, py - NARROW["under"]) for px, py in side.values()],
            side_anchor="middle center", dw2=(side["W₂"][0], side["W₂"][1] + NARROW["over"]),
            dw2_anchor="middle center")
    else:
        geo.update(
            fwd=[(px, -0.45) for px, _ in chain], grad=[(px, -1.6) for px, _ in chain],
            edge=[(i + 0.5, -0.95) for i in range(4)], anchor="middle center",
            xr=[-0.55, 4.55], yr=[-2.05, 1.85],
            side_labels=[(px, py + 0.32) for px, py in side.values()],
            side_anchor="top center", dw2=(side["W₂"][0] - 0.55, side["W₂"][1]),
            dw2_anchor="middle center")
    return geo


@functools.cache  # the geometry's alone: made once per layout, read, never changed
def flow_arrows(narrow: bool) -> tuple[dict, ...]:
    """Arrowheads along each edge of W₁ → z → h → ŷ → L: forward (blue) on one side, pointing
    to the loss; backward (vermilion) on the other, pointing back to W₁."""
    geo, arrows = geometry(narrow), []
    for a, b in itertools.pairwise(geo["chain"]):
        for forward, side in ((True, 1), (False, -1)):
            tail, head = (a, b) if forward else (b, a)
            off = (side * 0.14, 0) if narrow else (0, side * 0.14)

            def at(t, tail=tail, head=head, off=off):
                return (tail[0] + (head[0] - tail[0]) * t + off[0],
                        tail[1] + (head[1] - tail[1]) * t + off[1])
            (x0, y0), (x1, y1) = at(0.3), at(0.7)
            arrows.append({
                "x": round(x1, 3), "y": round(y1, 3), "ax": round(x0, 3), "ay": round(y0, 3),
                "xref": "x", "yref": "y", "axref": "x", "ayref": "y", "text": "",
                "showarrow": True, "arrowhead": 2, "arrowsize": 0.9 if narrow else 1.2,
                "arrowwidth": 2,
                "arrowcolor": style.BLUE if forward else style.VERMILION,
                "name": "forward" if forward else "backward"})
    return tuple(arrows)
