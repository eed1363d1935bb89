"""Run wrk (bounded by its duration) and read requests/s and latency percentiles from it."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


@dataclass
class WrkResult:
    requests_per_s: float
    requests: int
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors plus non-2xx/3xx responses

    def row(self) -> dict:
        return {"rps": self.requests_per_s, "p50_ms": self.p50_ms, "p99_ms": self.p99_ms,
                "requests": self.requests, "errors": self.errors}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse(output: str) -> WrkResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return WrkResult(rps, requests, p50, p99, errors + (int(non2xx.group(1)) if non2xx else 0))


def run(url: str, seconds: int = 5, connections: int = 16, threads: int = 2,
        headers: dict[str, str] | None = None, method: str = "GET", body: str | None = None,
        content_type: str = "application/json", lua: str = "") -> WrkResult:
    """``lua``: extra wrk script appended after method, body and content type (e.g. a
    ``request`` function that rotates cookies)."""
    assert url.startswith("http://127.0.0.1:"), "benchmarks stay on loopback"
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
           "--timeout", "10s"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryDirectory() as tmp:
        if method != "GET" or lua:
            script = Path(tmp) / "request.lua"
            escaped = (body or "").replace("\\", "\\\\").replace('"', '\\"')
            script.write_text(f'wrk.method = "{method}"\nwrk.body = "{escaped}"\n'
                              f'wrk.headers["Content-Type"] = "{content_type}"\n' + lua)
            cmd += ["-s", str(script)]
        output = subprocess.run([*cmd, url], capture_output=True, text=True, check=True,
                                timeout=seconds + 30).stdout
    return parse(output)
