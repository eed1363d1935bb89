"""Lighthouse, mobile and desktop, against the app under gunicorn behind deploy/nginx.conf.

Lighthouse is the npm package pinned in benchmarks/package.json (installed on first use into
benchmarks/node_modules, git-ignored), driving Debian's Chromium (CHROME_PATH). Targets:
performance ≥ 0.95 mobile and 1.0 desktop; accessibility and best practices 1.0.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from benchmarks import servers

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
                "--disable-quic --no-first-run --disable-background-networking "
                "--disable-component-update --disable-sync")
TARGETS = {"mobile": {"performance": 0.95}, "desktop": {"performance": 1.0}}
CATEGORIES = ("performance", "accessibility", "best-practices")


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE,
                       check=True, timeout=300)


def audit(url: str, form_factor: str, out: Path) -> dict:
    cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
           f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
    if form_factor == "desktop":
        cmd.append("--preset=desktop")
    subprocess.run(cmd, check=True, timeout=180, env=dict(os.environ, CHROME_PATH=CHROME),
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return json.loads(out.read_text())


def summarise(form_factor: str, report: dict) -> list[tuple[str, str, str, str]]:
    cats = report["categories"]
    audits = report["audits"]
    scores = {c: cats[c]["score"] for c in CATEGORIES}
    wanted = {"performance": 1.0, "accessibility": 1.0, "best-practices": 1.0,
              **TARGETS[form_factor]}
    rows = [(f"lighthouse {form_factor}", c, f"{scores[c]:.2f}",
             f"≥ {wanted[c]:.2f} {'ok' if scores[c] >= wanted[c] else 'MISSED'}")
            for c in CATEGORIES]
    rows.append((f"lighthouse {form_factor}", "FCP / LCP / TBT / CLS",
                 f"{audits['first-contentful-paint']['numericValue']:.0f} ms / "
                 f"{audits['largest-contentful-paint']['numericValue']:.0f} ms / "
                 f"{audits['total-blocking-time']['numericValue']:.0f} ms / "
                 f"{audits['cumulative-layout-shift']['numericValue']:.3f}", ""))
    rows.append((f"lighthouse {form_factor}", "bytes transferred (total-byte-weight)",
                 f"{audits['total-byte-weight']['numericValue'] / 1024:,.1f} KB", ""))
    rows.append((f"lighthouse {form_factor}", "host CPU benchmarkIndex (busy machine: lower)",
                 f"{report['environment']['benchmarkIndex']:.0f}",
                 "TBT scales with it: simulated 4× slowdown of observed tasks"))
    failing = [a["id"] for a in audits.values()
               if a.get("score") is not None and a["score"] < 0.9
               and a.get("scoreDisplayMode") in {"binary", "numeric"}
               and any(ref["id"] == a["id"] for c in CATEGORIES if c != "performance"
                       for ref in cats[c]["auditRefs"])]
    if failing:
        rows.append((f"lighthouse {form_factor}", "failing audits", ", ".join(failing), ""))
    return rows


def run() -> list[tuple[str, str, str, str]]:
    ensure_lighthouse()
    rows: list[tuple[str, str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="seeingml-lh-") as tmp:
        tmp_path = Path(tmp)
        env = servers.app_env(tmp_path, PROXY_COUNT="1")
        with servers.gunicorn("app:create_app()", env) as app_server, \
                servers.nginx(app_server.port) as front:
            for form_factor in ("mobile", "desktop"):
                report = audit(front.url + "/", form_factor, tmp_path / f"{form_factor}.json")
                keep = servers.ROOT / "artifacts" / f"lighthouse-{form_factor}.json"
                keep.parent.mkdir(exist_ok=True)
                keep.write_text(json.dumps(report))
                rows += summarise(form_factor, report)
    return rows
