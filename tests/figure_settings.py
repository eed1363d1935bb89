"""Settings worth checking for any registered figure, read from its schema: each parameter at
its ends (a number) or at each option (a menu, a flag), the others at their defaults. A new
figure is covered by the tests that use these without a line written for it."""

from __future__ import annotations

from chapter.figures.figure import Figure
from chapter.figures.params import Choice, Flag, Number


def _texts(spec) -> list[str]:
    if isinstance(spec, Number):
        return [f"{spec.low:g}", f"{spec.high:g}"]
    if isinstance(spec, Choice):
        return list(spec.options)
    assert isinstance(spec, Flag), spec
    return ["0", "1"]


def settings(figure: Figure) -> list[dict[str, str]]:
    """One query per parameter value: ``{"depth": "50"}``, ``{"mode": "network"}``, …"""
    return [{field: text} for field, spec in figure.schema.items() for text in _texts(spec)]


def query(values: dict[str, str]) -> str:
    return "&".join(f"{k}={v}" for k, v in values.items())
