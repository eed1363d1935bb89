"""The picture of each figure's default state: made once at start-up from the builder's own
figure JSON (``svg.py``), kept on disk under ``static/build/figures/`` named by a hash of what
it was made from (a restart or a second worker reads it instead of drawing it again), and
served from there as ``/static/figures/<file>`` (``web.assets`` serves a hashed file it finds
in the build folder, immutable). The page shows it inside the chart's slot: with scripts
off, in print, and while plotly.js loads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path

from chapter.figures import style, svg
from chapter.figures.figure import FigureError
from web import assets

ROOT = Path(__file__).resolve().parents[2]
CSS = (ROOT / "static" / "css" / "chapter.css", ROOT / "static" / "css" / "widgets.css")
SIZES = {"wide": (640, False), "narrow": (360, True)}  # px wide, the builder's narrow layout
VERSION = "9"  # bump when svg.py draws differently: the hash names a new file
_VAR = re.compile(r"(--[\w-]+)\s*:\s*([^;]+);")


def build_dir() -> Path:
    configured = os.environ.get("ASSET_BUILD_DIR")
    return (Path(configured) if configured else ROOT / "static" / "build") / "figures"


@cache
def theme_values() -> tuple[dict[str, str], dict[str, str]]:
    """The page's CSS variables, light and dark: the first ``:root`` block of each file, and
    the one inside its dark-scheme query."""
    light, dark = {}, {}
    for path in CSS:
        text = path.read_text(encoding="utf-8")
        media = text.find("@media (prefers-color-scheme: dark)")
        light.update(_block(text, text.find(":root")))
        if media >= 0:
            dark.update(_block(text, text.find(":root", media)))
    return light, dark


@cache
def variables() -> str:
    """The colour variables the pictures use, for both schemes, as a style sheet."""
    wanted = set(style.CSS_VARIABLES.values())
    light, dark = theme_values()

    def rules(values: dict) -> str:
        return ";".join(f"{k}:{v}" for k, v in sorted(values.items()) if k in wanted)
    return f":root{{{rules(light)}}}@media (prefers-color-scheme: dark){{:root{{{rules(dark)}}}}}"


def _block(text: str, start: int) -> dict[str, str]:
    if start < 0:
        return {}
    body = text[text.index("{", start) + 1:text.index("}", start)]
    return {k: v.strip() for k, v in _VAR.findall(body)}


def _made(figure_id: str, variant: str, figure: dict, title: str) -> str:
    """The picture's file name; drawn only when no file of that hash is on disk yet."""
    width, _ = SIZES[variant]
    source = json.dumps([VERSION, figure["data"], figure["layout"], width, variables()],
                        sort_keys=True).encode()
    name = f"{figure_id}-{variant}.{hashlib.sha256(source).hexdigest()[:12]}.svg"
    path = build_dir() / name
    if not path.is_file():
        body = svg.to_svg(figure, width, title, variables()).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{name}.{os.getpid()}.tmp")  # several workers may start at once
        tmp.write_bytes(body)
        tmp.replace(path)
    # Its .br and .gz beside it, so the hashed file is served compressed like any asset.
    assets.encode(path.read_bytes(), path)
    return name


def picture_for(figure) -> dict:
    """The template's picture of ``figure`` (a registry entry) at its defaults: a wide and a
    narrow file, their size, and the words that stand for it. A layout whose height is not
    the one the figure declares (and the page reserves) stops start-up."""
    files, payload = {}, None
    for variant, (_, narrow) in SIZES.items():
        built = figure.build(narrow=narrow)
        if built["figure"]["layout"]["height"] != figure.heights.at(narrow):
            raise FigureError(f"figure {figure.id!r}: its {variant} layout is "
                              f"{built['figure']['layout']['height']} px high, its heights say "
                              f"{figure.heights.at(narrow)} (the page reserves those)")
        payload = payload or built
        name = _made(figure.id, variant, built["figure"], figure.title)
        files[variant] = f"/static/figures/{name}"
    height = payload["figure"]["layout"]["height"]
    return {**files, "width": SIZES["wide"][0], "height": height,
            "alt": f"{figure.label} at its default settings. "
                   f"{payload['summary']}. {payload['description']}"}
