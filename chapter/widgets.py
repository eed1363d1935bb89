"""The chapter's figures: one entry per widget, referenced by id from the Markdown."""

from __future__ import annotations

# id → the figure's title, shown before its caption.
FIGURES: dict[str, str] = {
    "nudge": "Figure 1 — A nudge flowing through a composition",
    "backprop": "Figure 2 — Forward, then backward, through a two-layer network",
    "vanishing": "Figure 3 — Gradients shrinking through sigmoid versus ReLU layers",
}
