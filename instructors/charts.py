"""Plotly figures for the dashboard, as plain JSON-ready dicts built from QuestionStats.

The browser only draws them (static/js/dashboard.js picks colours from the page's CSS
variables for light and dark mode); every number comes from instructors/stats.py.
Okabe–Ito blue for the correct answer and (darkened) orange for wrong ones, and each bar's text says
"correct" or names the misconception, so colour is never the only cue.
"""

from __future__ import annotations

import textwrap

from instructors.stats import QuestionStats

CORRECT = "#0072B2"
WRONG = "#B87400"  # Okabe–Ito orange darkened to 3.6:1 on the page (bars are marks)
WRAP = 24  # characters per line of an answer's label


def _wrapped(text: str) -> str:
    return "<br>".join(textwrap.wrap(text, WRAP)) or text


def answer_figure(stats: QuestionStats) -> dict:
    """Horizontal bars: the share of students whose first answer was each answer."""
    answers = list(reversed(stats.answers))  # Plotly draws the first category at the bottom
    of = stats.attempted
    shares = [round(100 * a.share(of), 1) for a in answers]
    notes = [("correct" if a.correct else (a.misconception_text or "wrong")) for a in answers]
    labels = [f"{_wrapped(a.label_text)}<br><i>{_wrapped(n[:1].lower() + n[1:])}</i>"
              for a, n in zip(answers, notes, strict=True)]
    lines = sum(label.count("<br>") + 1 for label in labels)
    return {
        "data": [{
            "type": "bar",
            "orientation": "h",
            "x": shares,
            "y": labels,
            "text": [f"{s:g} % ({a.first})" for s, a in zip(shares, answers, strict=True)],
            # Inside a long bar (Plotly picks a contrasting colour), beside a short one.
            "textposition": ["inside" if share > 60 else "outside" for share in shares],
            "cliponaxis": False,
            "hovertemplate": "%{y}: %{text}<extra></extra>",
            "marker": {"color": [CORRECT if a.correct else WRONG for a in answers]},
        }],
        "layout": {
            "height": 70 + 17 * lines + 18 * len(answers),
            "margin": {"l": 10, "r": 70, "t": 10, "b": 40},
            "xaxis": {"range": [0, 100], "ticksuffix": " %", "fixedrange": True,
                      "tickvals": [0, 50, 100],
                      "title": {"text": f"first answers of {of} student{'s' if of != 1 else ''}"}},
            "yaxis": {"automargin": True, "fixedrange": True},
            "bargap": 0.3,
            "showlegend": False,
        },
    }
