"""What a sweep request costs in a worker: the worst cold build of each figure (the median of
three, the cache emptied before each), a cached hit, and a worker's memory under a flood of
distinct sweeps (in process, the app's own test client).

    python -m benchmarks sweeps
"""

from __future__ import annotations

import random
import resource
import tempfile
import time

from chapter.figures import FIGURES
from chapter.sweep_cache import DEFAULT_BUDGET, EncodedCache
from tests.apps import make_app

HEAVY = {"vanishing": "mode=network&width=64&depth=50&activation=sigmoid&compare=relu"}
MORE = {"vanishing": ("mode=network",)}  # its real network at the defaults: every slider


def _cpu_ms(client, url: str) -> tuple[float, int]:
    started = time.process_time()
    response = client.get(url, headers={"Accept-Encoding": "br"})
    return (time.process_time() - started) * 1000, response.status_code


def _cold_ms(app, client, url: str, runs: int = 3) -> float:
    """The median CPU of ``runs`` cold builds of one sweep (the cache emptied before each)."""
    costs = []
    for _ in range(runs):
        app.extensions["sweep_cache"] = EncodedCache(DEFAULT_BUDGET)
        cost, status = _cpu_ms(client, url)
        assert status == 200, url
        costs.append(cost)
    return sorted(costs)[runs // 2]


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run() -> list[tuple]:
    folder = tempfile.mkdtemp()
    app = make_app(folder, NEW_SWEEPS_PER_MINUTE=1_000_000)
    client = app.test_client()
    worst: dict[str, tuple[float, str]] = {}  # figure → (ms of CPU, url) of its dearest
    for name, figure in FIGURES.items():
        for slider in figure.sliders:
            for state in ("", HEAVY.get(name, ""), *MORE.get(name, ())):
                when = figure.schema[slider].when
                extra = f"&{when[0]}={when[1][0]}" if when and when[0] not in state else ""
                url = f"/api/widgets/{name}?sweep={slider}{extra}&{state}"
                cost = _cold_ms(app, client, url)
                worst[name] = max(worst.get(name, (0.0, "")), (cost, url))
    cost, worst_url = max(worst.values())
    hits = [_cpu_ms(client, worst_url)[0] for _ in range(20)]
    rows = [("sweeps", f"worst cold sweep of {name}, ms of CPU ({url.split('?')[1]})",
             f"{ms:.0f}", "≤ 100; ≤ 30 (a vectorised pass)") for name, (ms, url) in worst.items()]
    rows += [("sweeps", f"worst cold sweep, ms of CPU ({worst_url.split('?')[0]})",
              f"{cost:.0f}", "≤ 100 (issue target; ≤ 30 with a vectorised builder)"),
             ("sweeps", "cached sweep, ms of CPU (median of 20)",
              f"{sorted(hits)[10]:.2f}", "≤ 2")]
    before = _rss_mib()
    rng = random.Random(7)
    for _ in range(150):  # distinct heavy sweeps: each a new key
        url = (f"/api/widgets/vanishing?mode=network&width={rng.randint(2, 64)}"
               f"&depth={rng.randint(1, 50)}&seed={rng.randint(0, 9999)}&sweep=depth")
        client.get(url, headers={"Accept-Encoding": "br"})
    cache = app.extensions["sweep_cache"]
    rows.append(("sweeps", "peak RSS growth over 150 distinct heavy sweeps, MiB",
                 f"{_rss_mib() - before:.0f} (cache {cache.size / 2**20:.1f} of "
                 f"{cache.budget / 2**20:.0f} MiB)", "bounded by the cache budget"))
    return rows


if __name__ == "__main__":
    for row in run():
        print(*row, sep="  |  ")
