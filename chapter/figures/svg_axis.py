"""One axis of a picture (svg.py): where its domain sits on the canvas, a value's position
on it (linear or log), and its ticks as Plotly would place them."""

from __future__ import annotations

import math


class Axis:
    """One axis: where its domain sits on the canvas, and a value's position on it."""

    def __init__(self, key: str, spec: dict, frame: tuple[float, float, float, float]):
        self.key, self.spec = key, spec
        self.letter = key[0]
        self.log = spec.get("type") == "log"
        left, top, width, height = frame
        d0, d1 = spec.get("domain", [0, 1])
        if self.letter == "x":
            self.p0, self.p1 = left + d0 * width, left + d1 * width
        else:  # y grows upwards
            self.p0, self.p1 = top + (1 - d0) * height, top + (1 - d1) * height
        self.range = list(spec.get("range") or [0, 1])

    def pos(self, value) -> float | None:
        if value is None or isinstance(value, str):
            return None
        v = float(value)
        if self.log:
            if v <= 0:
                return None
            v = math.log10(v)
        r0, r1 = self.range
        if not (math.isfinite(v) and r1 != r0):
            return None
        return self.p0 + (v - r0) / (r1 - r0) * (self.p1 - self.p0)

    def ticks(self) -> list[tuple[float, str]]:
        """(value, label) pairs: Plotly-like nice steps, or powers of ten on a log axis."""
        r0, r1 = sorted(self.range)
        if self.log:
            lo, hi = math.ceil(r0 - 1e-9), math.floor(r1 + 1e-9)
            step = max(1, math.ceil((hi - lo + 1) / 8))
            return [(10.0 ** k, "1" if k == 0 else "10" if k == 1 else f"10<sup>{k}</sup>"
                     .replace("-", "−")) for k in range(lo, hi + 1) if (k - lo) % step == 0]
        # At most ``nticks`` where the axis asks for that few (plotly.js's own rule).
        step = self.spec.get("dtick") or _nice((r1 - r0) / min(6, self.spec.get("nticks") or 6))
        first = math.ceil(r0 / step - 1e-9)
        values = [(first + i) * step for i in range(int((r1 - r0) / step + 1e-9) + 2)]
        decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
        return [(v, f"{v:.{decimals}f}".replace("-", "−")) for v in values
                if r0 - 1e-9 <= v <= r1 + 1e-9]


def _nice(raw: float) -> float:
    if raw <= 0 or not math.isfinite(raw):
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw * 0.999)
