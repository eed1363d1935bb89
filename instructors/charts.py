"""Plotly figures for the dashboard, as plain JSON-ready dicts built from QuestionStats.

The browser only draws them (static/js/dashboard.js picks colours from the page's CSS
variables for light and dark mode); every number comes from instructors/classes.py.
Okabe–Ito blue for the correct answer and orange for wrong ones, and each bar's text says
"correct" or names the misconception, so colour is never the only cue.
"""

from __future__ import annotations

import textwrap

from instructors.classes import QuestionStats

CORRECT = "#0072B2"
WRONG = "#E69F00"
WRAP = 26  # characters per line of an answer's label


def _wrapped(text: str) -> str:
    return "<br>".join(textwrap.wrap(text, WRAP)) or text


def answer_figure(stats: QuestionStats) -> dict:
    """Horizontal bars: the share of students whose first answer was each answer."""
    answers = list(reversed(stats.answers))  # Plotly draws the first category at the bottom
    of = stats.attempted
    shares = [round(100 * a.share(of), 1) for a in answers]
    notes = [("correct" if a.correct else (a.misconception_text or "wrong")) for a in answers]
    return {
        "data": [{
            "type": "bar",
            "orientation": "h",
            "x": shares,
            "y": [_wrapped(a.label_text) for a in answers],
            "text": [f"{s:g} % ({a.first}) · {n}" for s, a, n in zip(
                shares, answers, notes, strict=True)],
            "textposition": "auto",
            "hovertemplate": "%{text}<extra></extra>",
            "marker": {"color": [CORRECT if a.correct else WRONG for a in answers]},
        }],
        "layout": {
            "height": 70 + 46 * len(answers),
            "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
            "xaxis": {"range": [0, 100], "ticksuffix": " %", "fixedrange": True,
                      "title": {"text": f"first answers of {of} student{'s' if of != 1 else ''}"}},
            "yaxis": {"automargin": True, "fixedrange": True},
            "bargap": 0.3,
            "showlegend": False,
        },
    }
