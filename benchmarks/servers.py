"""Servers for the benchmarks, all on loopback, each stopped by the process that started it.

gunicorn runs the real app (or benchmarks/constant_app.py) the way production does; nginx
runs deploy/nginx.conf itself, rewritten only for a loopback port, a temporary cache and no
TLS, so the benchmark measures the configuration the README documents.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15.0) -> None:
    """Stop one process we started, by its id; kill it if it ignores the polite signal."""
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def app_env(instance: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    """Production settings, as a deployment would have them, on plain-HTTP loopback."""
    env = dict(os.environ)
    for name in ("FLASK_DEBUG", "APP_ENV", "FRAME_ANCESTORS", "PROXY_COUNT"):
        env.pop(name, None)
    env.update({
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "SESSION_COOKIE_SECURE": "0",  # loopback is plain HTTP; behind TLS leave it on
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url or f"sqlite:///{instance / 'bench.sqlite'}",
    })
    env.update(extra)
    return env


@dataclass
class Gunicorn:
    proc: subprocess.Popen
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def worker_pids(master: int) -> list[str]:
    """The process ids of a server's workers (its master's children)."""
    return Path(f"/proc/{master}/task/{master}/children").read_text().split()


def workers_cpu_s(master: int) -> float:
    """CPU seconds (user and system) the master's worker processes have used so far."""
    used = 0
    for pid in worker_pids(master):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker gone since
            continue
        used += int(fields[11]) + int(fields[12])  # utime, stime
    return used / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def gunicorn(target: str, env: dict[str, str], workers: int = 2, port: int | None = None,
             extra_args: tuple[str, ...] = (), ready_path: str = "/") -> Iterator[Gunicorn]:
    port = port or free_port()
    cmd = [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
           "--log-level", "warning", "--graceful-timeout", "5", *extra_args, target]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_up(f"http://127.0.0.1:{port}{ready_path}", proc=proc)
        yield Gunicorn(proc, port)
    finally:
        stop(proc)


def nginx_site(app_port: int, listen_port: int, cache_dir: Path, extra: str = "") -> str:
    """deploy/nginx.conf for a loopback benchmark: same locations, no TLS, no redirect."""
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = re.sub(r"server \{\s*listen 80;.*?\n\}\n", "", site, count=1, flags=re.S)
    site = re.sub(r"\n\s*ssl_certificate(_key)? [^\n]*", "", site)
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{listen_port};")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = site.replace("/var/cache/nginx/seeingml", str(cache_dir))
    site = site.replace("/srv/seeingml", str(ROOT))
    if not BROTLI_MODULE.exists():
        site = site.replace("brotli_static on;", "")
    return site.replace("    location = / {", extra + "\n    location = / {", 1)


@dataclass
class Nginx:
    proc: subprocess.Popen
    port: int
    root: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def nginx(app_port: int, extra: str = "") -> Iterator[Nginx]:
    """An nginx of our own (own prefix, pid file and port); the system's is left alone."""
    root = Path(tempfile.mkdtemp(prefix="seeingml-nginx-"))
    port = free_port()
    modules = f"load_module {BROTLI_MODULE};" if BROTLI_MODULE.exists() else ""
    site = nginx_site(app_port, port, root / "cache", extra.replace("@ROOT@", str(root)))
    (root / "site.conf").write_text(site)
    (root / "nginx.conf").write_text(f"""
{modules}
daemon off;
user root;
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/site.conf;
}}
""")
    proc = subprocess.Popen(["nginx", "-p", str(root), "-c", str(root / "nginx.conf")],
                            start_new_session=True, stderr=subprocess.PIPE)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/static/", proc=proc, timeout=20)
        yield Nginx(proc, port, root)
    finally:
        stop(proc, signal.SIGQUIT)
        shutil.rmtree(root, ignore_errors=True)
