"""The largest sweeps on the wire: every slider of every figure swept at random settings (the
other sliders anywhere on their grids, every menu and box at random, a phone's panels or a
wide screen's), each the brotli bytes the API sends, against the 150 KB a sweep may be.

    python -m benchmarks sweep_bytes                      # as part of `make bench`
    python -m benchmarks.bench_sweep_bytes --settings 80  # more settings a slider

The test client asks for each sweep once (a new key every time, the per-address limit lifted),
so every figure is the API's own answer, built and encoded as a reader's would be.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from urllib.parse import urlencode

from chapter.figures import FIGURES
from chapter.figures.params import Choice, Flag, Number
from chapter.figures.sweep import grid
from tests.apps import make_app

SETTINGS = 30  # random settings for each slider of each figure
TARGET_KB = 150.0
SEED = 23


def _setting(schema: dict, rng: random.Random) -> dict:
    """One setting a reader's controls can reach: each slider on its grid, each menu and box
    at one of its values."""
    params = {}
    for field, spec in schema.items():
        if isinstance(spec, Number):
            params[field] = rng.choice(grid(spec, 10**6)) if spec.label else spec.default
        elif isinstance(spec, Choice):
            params[field] = rng.choice(spec.options)
        elif isinstance(spec, Flag):
            params[field] = rng.choice(("0", "1"))
    return params


def largest(settings: int = SETTINGS, seed: int = SEED) -> list[tuple[int, str]]:
    """Every sweep asked for, as (brotli bytes, url), largest first."""
    app = make_app(tempfile.mkdtemp(), NEW_SWEEPS_PER_MINUTE=10**9)
    client, rng, sizes = app.test_client(), random.Random(seed), []
    for name, figure in FIGURES.items():
        for slider in figure.sliders:
            for i in range(settings + 1):
                params = {} if i == 0 else _setting(figure.schema, rng)  # the defaults first
                url = f"/api/widgets/{name}?{urlencode({**params, 'sweep': slider})}"
                response = client.get(url, headers={"Accept-Encoding": "br"})
                assert response.status_code == 200, (url, response.data[:200])
                sizes.append((len(response.data), url))
    return sorted(sizes, reverse=True)


def run(settings: int = SETTINGS) -> list[tuple]:
    sizes = largest(settings)
    over = [size for size, _ in sizes if size > TARGET_KB * 1024]
    rows = [("sweep bytes", f"largest sweep of {len(sizes)}, KB brotli ({url.split('?')[1]})",
             f"{size / 1024:.1f}", f"≤ {TARGET_KB:g}") for size, url in sizes[:3]]
    rows.append(("sweep bytes", f"sweeps over {TARGET_KB:g} KB", f"{len(over)} of {len(sizes)}",
                 "0"))
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--settings", type=int, default=SETTINGS)
    for row in run(parser.parse_args().settings):
        print(*row, sep="  |  ")
