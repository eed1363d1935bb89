"""Page throughput: GET / under gunicorn beside its references, all measured in one run.

Four targets, each hit by wrk for the same time and concurrency, in alternating rounds so a
noisy neighbour hurts them all alike:
  static   the page's bytes as a file served by nginx (the physical limit)
  constant a Flask route returning those same bytes as a constant, same gunicorn (the floor)
  page     the chapter's GET / under gunicorn, 2 sync workers
  cached   GET / through deploy/nginx.conf's proxy_cache in front of that gunicorn
Requests carry no Accept-Encoding, so every target sends the same 67 KB; one more round asks
for brotli, as browsers do. Target: page no more than 1.3× slower than constant.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import urllib.request
from pathlib import Path

from benchmarks import servers, wrk

SECONDS = 5
ROUNDS = 2
CONNECTIONS = 16
TARGET_RATIO = 1.3


def _fetch(url: str, headers: dict[str, str] | None = None) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read(), dict(response.headers)


def run() -> list[tuple[str, str, str, str]]:
    with tempfile.TemporaryDirectory(prefix="seeingml-bench-") as tmp:
        tmp_path = Path(tmp)
        env = servers.app_env(tmp_path)
        with servers.gunicorn("app:create_app()", env) as app_server:
            page, _ = _fetch(app_server.url + "/")
            body_file = tmp_path / "page.html"
            body_file.write_bytes(page)
            constant_env = dict(env, CONSTANT_BODY_FILE=str(body_file))
            with servers.gunicorn("benchmarks.constant_app:app", constant_env) as constant, \
                    servers.nginx(app_server.port, extra=(
                        f"    location = /page.html {{ root {tmp_path}; }}\n")) as front:
                targets = {
                    "static": front.url + "/page.html",
                    "constant": constant.url + "/",
                    "page": app_server.url + "/",
                    "cached": front.url + "/",
                }
                same = {name: _fetch(url)[0] == page for name, url in targets.items()}
                front_rows = check_front(front.url, page)
                _fetch(front.url + "/")
                cache_status = _fetch(front.url + "/")[1].get("X-Cache-Status", "?")
                results: dict[str, list[wrk.WrkResult]] = {name: [] for name in targets}
                for _ in range(ROUNDS):
                    for name, url in targets.items():
                        results[name].append(wrk.run(url, SECONDS, CONNECTIONS))
                br = wrk.run(app_server.url + "/", SECONDS, CONNECTIONS,
                             headers={"Accept-Encoding": "br"})
                tiny = wrk.run(constant.url + "/tiny", SECONDS, CONNECTIONS)

    rps = {name: statistics.mean(r.requests_per_s for r in runs) for name, runs in results.items()}
    errors = sum(r.errors for runs in results.values() for r in runs) + br.errors + tiny.errors
    ratio = rps["constant"] / rps["page"]
    label = f"GET / {len(page) / 1024:.0f} KB, wrk {CONNECTIONS} conns, {ROUNDS}×{SECONDS}s"
    rows = [
        ("throughput", f"static file via nginx ({label})", f"{rps['static']:,.0f} req/s", ""),
        ("throughput", "constant route, gunicorn 2 workers", f"{rps['constant']:,.0f} req/s", ""),
        ("throughput", "chapter page, gunicorn 2 workers", f"{rps['page']:,.0f} req/s", ""),
        ("throughput", f"chapter page via nginx proxy_cache (X-Cache-Status {cache_status})",
         f"{rps['cached']:,.0f} req/s", ""),
        ("throughput", "page slowdown vs constant route", f"{ratio:.2f}×",
         f"≤ {TARGET_RATIO}× {'ok' if ratio <= TARGET_RATIO else 'MISSED'}"),
        ("throughput", "cached page vs static file", f"{rps['static'] / rps['cached']:.2f}×", ""),
        ("throughput", "chapter page, brotli (9 KB), gunicorn",
         f"{br.requests_per_s:,.0f} req/s", ""),
        ("throughput", "constant 2-byte route, gunicorn", f"{tiny.requests_per_s:,.0f} req/s", ""),
        ("throughput", "p99 latency page / constant / cached",
         " / ".join(f"{max(r.p99_ms for r in results[n]):.1f}"
                    for n in ("page", "constant", "cached")) + " ms", ""),
        ("throughput", "errors (socket + non-2xx), bodies identical",
         f"{errors}, {'yes' if all(same.values()) else same}", "0"),
    ]
    return rows + front_rows


def check_front(base: str, page: bytes) -> list[tuple[str, str, str, str]]:
    """deploy/nginx.conf does what it says: which requests it answers itself."""
    def status(path: str, **headers: str) -> tuple[str, str]:
        _, h = _fetch(base + path, headers)
        return h.get("X-Cache-Status", "-"), h.get("Content-Encoding", "identity")

    css = re.search(rb'href="(/static/css/chapter\.[0-9a-f]{12}\.css)"', page).group(1).decode()
    widget = "/api/widgets/nudge?x=1.5"
    status(widget)
    checks = {
        "GET / anonymous, again": status("/"),
        "GET / with a session cookie": status("/", Cookie="session=abc"),
        f"GET {widget}, again": status(widget, **{"Accept-Encoding": "gzip"}),
        "hashed CSS, Accept-Encoding br": ("from disk", status(css, **{
            "Accept-Encoding": "br"})[1]),
    }
    return [("nginx front", name, f"cache {cache}, {encoding}", "")
            for name, (cache, encoding) in checks.items()]
