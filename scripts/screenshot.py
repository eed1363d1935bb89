"""Screenshots of a running app, desktop and phone, light and dark, for a person to look at.

    python scripts/screenshot.py [BASE_URL] [--out artifacts/screens] [--path /] [--full]

Without BASE_URL it starts the app on a free loopback port for the duration.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base", nargs="?")
    parser.add_argument("--out", default="artifacts/screens")
    parser.add_argument("--path", default="/")
    parser.add_argument("--full", action="store_true", help="whole page, not just the viewport")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--scroll-to", default="", help="CSS selector to scroll into view first")
    args = parser.parse_args()
    server = None
    base = args.base
    if not base:
        from app import create_app

        server = make_server("127.0.0.1", 0, create_app(), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for name, size in VIEWS.items():
            context = browser.new_context(viewport=size, device_scale_factor=1,
                                          color_scheme="dark" if args.dark else "light",
                                          is_mobile=name == "phone", has_touch=name == "phone")
            page = context.new_page()
            page.goto(base + args.path, wait_until="networkidle")
            if args.scroll_to:
                page.locator(args.scroll_to).first.scroll_into_view_if_needed()
                page.wait_for_timeout(1500)
            suffix = "-dark" if args.dark else ""
            slug = args.scroll_to.strip("#.").replace(" ", "_") or "top"
            target = out / f"{name}{suffix}-{slug}.png"
            page.screenshot(path=str(target), full_page=args.full)
            print(target)
            context.close()
        browser.close()
    if server:
        server.shutdown()


if __name__ == "__main__":
    main()
