"""Widget endpoints at their largest parameters: server time per request, and JSON size.

    .venv/bin/python -m benchmarks.bench_widgets        # this table alone
    .venv/bin/python -m benchmarks widgets              # as part of `make bench`

Each case is requested many times through the Flask test client, so the time is the server's
own (routing, validation, the maths, building and serialising the figure), without a network.
Targets from the issue: well under 20 ms per request, JSON under 150 KB.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

CALLS = 300
TARGET_MS = 20.0
TARGET_KB = 150.0

# The settings that make each widget do the most work (depth, width, steps, frames, text).
CASES = {
    "nudge": "fn=exp_square&x=5&w=5&dx=2&narrow=1",
    "nudge sigmoid": "fn=sigmoid&x=-5&w=5&dx=0.01",
    "backprop": "x=5&w1=5&w2=5&target=-5&eta=2&steps=50&narrow=1",
    "vanishing chain": "depth=50&activation=sigmoid&compare=relu&weight=5&x=5&residual=1",
    "vanishing network": ("depth=50&activation=tanh&compare=relu&mode=network&width=64"
                          "&init=xavier&residual=1&narrow=1"),
}


def measure(client, path: str, calls: int = CALLS) -> dict:
    response = client.get(path)  # warm: imports, caches, the network's seeded weights
    assert response.status_code == 200, (path, response.status_code, response.data[:200])
    wall, cpu = [], []
    for _ in range(calls):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    wall.sort()
    cpu.sort()
    body = response.data

    def p(values, q):
        return values[int(q * (len(values) - 1))]

    # CPU time is the work itself; wall time also counts waiting for a busy machine's cores.
    return {"p50": statistics.median(wall), "p99": p(wall, 0.99),
            "cpu50": statistics.median(cpu), "cpu99": p(cpu, 0.99),
            "kb": len(body) / 1024, "gzip_kb": len(gzip.compress(body, 6)) / 1024}


def run() -> list[tuple[str, str, str, str]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from app import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "INSTANCE_PATH": folder,
                          "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite"})
        client = app.test_client()
        rows = []
        for name, query in CASES.items():
            m = measure(client, f"/api/widgets/{name.split()[0]}?{query}")
            rows.append((f"widget {name}", f"server ms p50 / p99 ({CALLS} calls)",
                         f"{m['p50']:.2f} / {m['p99']:.2f}", f"< {TARGET_MS:g} ms"))
            rows.append((f"widget {name}", "server CPU ms p50 / p99",
                         f"{m['cpu50']:.2f} / {m['cpu99']:.2f}", f"< {TARGET_MS:g} ms"))
            rows.append((f"widget {name}", "JSON KB (gzip)",
                         f"{m['kb']:.1f} ({m['gzip_kb']:.1f})", f"< {TARGET_KB:g} KB"))
    return rows


if __name__ == "__main__":
    import os

    print("load average before the run:", " ".join(f"{x:.1f}" for x in os.getloadavg()),
          f"on {os.cpu_count()} cores")
    for row in run():
        print(f"{row[0]:<26} {row[1]:<34} {row[2]:>16}   target {row[3]}")
