"""`make bench`: run every benchmark, then print one table.

    python -m benchmarks [NAME ...]     # e.g. `python -m benchmarks throughput weight`

Each ``benchmarks/bench_<name>.py`` exposes ``run()`` returning rows of
``(benchmark, measure, value, target)``. Everything runs on loopback, bounded in time, and
stops the servers it started. The table is also written to artifacts/bench.txt.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["throughput", "weight", "api", "widgets", "lighthouse"]


def discover() -> list[str]:
    found = sorted(p.stem.removeprefix("bench_") for p in Path(__file__).parent.glob("bench_*.py"))
    return [n for n in ORDER if n in found] + [n for n in found if n not in ORDER]


def table(rows: list[tuple[str, ...]]) -> str:
    header = ("benchmark", "measure", "value", "target")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
    line = "  ".join("-" * w for w in widths)
    out = [line, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)), line]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join([*out, line])


def main(names: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    rows: list[tuple[str, ...]] = []
    failed = 0
    for name in names or discover():
        started = time.monotonic()
        print(f"· {name} …", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.bench_{name}")
            rows += [tuple(str(c) for c in r) for r in module.run()]
        except Exception as error:  # one broken benchmark must not hide the others' figures
            failed += 1
            traceback.print_exc()
            rows.append((name, "failed", type(error).__name__, str(error)[:60]))
        print(f"  {name}: {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    rows.append(("machine", "load average after the run (1/5/15 min)",
                 f"{load} on {os.cpu_count()} cores", "figures are noisy if ≫ cores"))
    text = table(rows)
    print(text)
    (ROOT / "artifacts").mkdir(exist_ok=True)
    (ROOT / "artifacts" / "bench.txt").write_text(
        f"{time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}\n{text}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
