"""Static files under content-hashed names, compressed once, cached by browsers for a year.

At start-up every file under ``static/`` is hashed; templates ask ``asset('css/chapter.css')``
and get ``/static/css/chapter.<hash>.css``. A changed file gets a new name, so the old name can
be cached ``immutable`` forever. Each text file is compressed once — brotli (quality 11) and
gzip (level 9) — and the variant a browser accepts is served from memory with
``Vary: Accept-Encoding``; a style sheet is served without its comments, a script without
its comment lines. Compression results
are kept in ``static/build/`` (git-ignored; or ``ASSET_BUILD_DIR``), named by content hash, so
a restart, a second gunicorn worker or the next test's app reuses them instead of compressing
again, and nginx can serve the same files directly (``gzip_static``/``brotli_static``, see
deploy/nginx.conf). Unhashed names still work, revalidated on each use, for anything that links
a file by its plain name.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import mimetypes
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import brotli
import click
import plotly
from flask import Flask, Response, abort, current_app, request, url_for
from werkzeug.http import parse_accept_header

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)
IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSIBLE = {".css", ".js", ".mjs", ".svg", ".json", ".html", ".txt", ".map", ".xml"}
ENCODINGS = ("br", "gzip")  # preferred first when a browser accepts both equally
HASH_LENGTH = 12
HASHED = re.compile(rf"(?P<name>.+)\.(?P<digest>[0-9a-f]{{{HASH_LENGTH}}})(?P<ext>\.[A-Za-z0-9]+)?")

_memory: dict[tuple[str, str], bytes] = {}  # (sha256, encoding) → body, shared within a process


def _compress(data: bytes, encoding: str, quality: int = 11) -> bytes:
    if encoding == "br":
        return brotli.compress(data, quality=quality, mode=brotli.MODE_TEXT)
    return gzip.compress(data, compresslevel=9, mtime=0)


def _write_atomically(path: Path, data: bytes) -> None:
    """Several workers may build the same file at once: each writes aside, then renames."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.chmod(tmp, 0o644)  # readable by a front server (nginx) serving the same files
    os.replace(tmp, path)


def encode(data: bytes, cache_as: Path | None = None, quality: int = 11) -> dict[str, bytes]:
    """``{"identity": data, "br": …, "gzip": …}``, each compressed variant only if smaller.

    ``cache_as`` names the file (its name carries the content hash) whose ``.br``/``.gz``
    siblings hold the compressed bodies between runs; unwritable means memory only.
    ``quality`` is brotli's: 11 for small files, lower for a megabyte made on first use."""
    digest = hashlib.sha256(data).hexdigest()
    bodies = {"identity": data}
    for encoding in ENCODINGS:
        body = _memory.get((digest, encoding))
        sibling = cache_as.with_name(cache_as.name + (".br" if encoding == "br" else ".gz")) \
            if cache_as else None
        if body is None and sibling is not None and sibling.is_file():
            body = sibling.read_bytes()
        if body is None:
            body = _compress(data, encoding, quality)
            if sibling is not None:
                try:
                    _write_atomically(sibling, body)
                except OSError:
                    pass  # a read-only deploy still serves, compressing once per process
        _memory[(digest, encoding)] = body
        if len(body) < len(data):
            bodies[encoding] = body
    return bodies


_negotiated: dict[tuple[str, tuple[str, ...]], str] = {}  # Accept-Encoding → choice, memo


def choose_encoding(accept_encoding: str, available: tuple[str, ...]) -> str:
    """The best variant an ``Accept-Encoding`` header accepts (``identity`` if it names none).

    Browsers send a handful of distinct headers, so each answer is remembered."""
    key = (accept_encoding, available)
    choice = _negotiated.get(key)
    if choice is None:
        accepted = parse_accept_header(accept_encoding)
        choice, best_q = "identity", 0.0
        for encoding in ENCODINGS:
            quality = accepted[encoding] if encoding in available else 0
            if quality > best_q:
                choice, best_q = encoding, quality
        if len(_negotiated) < 1024:
            _negotiated[key] = choice
    return choice


class Prepared:
    """One resource in every encoding, with its headers worked out ahead of time, so a
    request costs a dictionary lookup and an ETag comparison — nothing is built per request."""

    def __init__(self, bodies: dict[str, bytes], mimetype: str, etag: str, cache_control: str):
        self.bodies = bodies
        self.available = tuple(e for e in ENCODINGS if e in bodies)
        self.etags: dict[str, str] = {}
        self.headers: dict[str, list[tuple[str, str]]] = {}
        for encoding in bodies:
            tag = etag if encoding == "identity" else f"{etag}-{encoding}"
            self.etags[encoding] = f'"{tag}"'
            headers = [("Cache-Control", cache_control), ("ETag", f'"{tag}"')]
            if self.available:
                headers.append(("Vary", "Accept-Encoding"))
            if encoding != "identity":
                headers.append(("Content-Encoding", encoding))
            self.headers[encoding] = headers
        self.mimetype = mimetype

    def respond(self) -> Response:
        environ = request.environ
        encoding = choose_encoding(environ.get("HTTP_ACCEPT_ENCODING", ""), self.available) \
            if self.available else "identity"
        if_none_match = environ.get("HTTP_IF_NONE_MATCH")
        if if_none_match and (self.etags[encoding] in if_none_match
                              or if_none_match.strip() == "*"):
            return Response(status=304, headers=self.headers[encoding])
        return Response(self.bodies[encoding], mimetype=self.mimetype,
                        headers=self.headers[encoding])


@dataclass(frozen=True)
class Asset:
    name: str  # as templates name it: css/chapter.css
    hashed: str  # as URLs name it: css/chapter.0123456789ab.css
    digest: str
    mimetype: str
    prepared: Prepared


# A quoted string (kept as it is: it may hold "/*") or a comment (dropped).
_CSS_STRING_OR_COMMENT = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|/\*.*?\*/""",
                                    re.S)


def css_without_comments(data: bytes) -> bytes:
    """A style sheet as served: its comments, which explain it to its readers, left out (a
    third of the bytes the page's sheets take before a reader's first interaction), and the
    blank lines they leave. Quoted strings are kept whole."""
    text = _CSS_STRING_OR_COMMENT.sub(lambda m: m.group(1) or "", data.decode("utf-8"))
    return re.sub(r"\n[ \t]*(?:\n[ \t]*)+", "\n", text).encode("utf-8")


# A line of a script that is a comment and nothing else (the page's scripts hold no string
# or template literal over several lines: tests/test_assets.py checks each).
_JS_COMMENT_LINE = re.compile(rb"^[ \t]*//.*$", re.M)


def js_without_comment_lines(data: bytes) -> bytes:
    """A script as served: each line that is only a comment left empty (a quarter of the
    bytes the page's scripts take before a reader's first interaction); the line itself
    stays, so a browser's line numbers are the source's."""
    return _JS_COMMENT_LINE.sub(b"", data)


def hashed_name(name: str, digest: str) -> str:
    stem, dot, ext = name.rpartition(".")
    if not dot or "/" in ext:
        return f"{name}.{digest}"
    return f"{stem}.{digest}.{ext}"


class Assets:
    """Every file under the static folder, by plain name and by hashed name."""

    def __init__(self, static_dir: Path, build_dir: Path | None):
        self.static_dir = static_dir
        self.build_dir = build_dir
        self.by_name: dict[str, Asset] = {}
        self.by_hashed: dict[str, Asset] = {}
        for path in sorted(static_dir.rglob("*")):
            if path.is_file() and not self._skipped(path):
                self._add(path)

    def _skipped(self, path: Path) -> bool:
        parts = path.relative_to(self.static_dir).parts
        return parts[0] == "build" or any(p.startswith(".") for p in parts)

    def _add(self, path: Path) -> None:
        name = path.relative_to(self.static_dir).as_posix()
        data = path.read_bytes()
        if path.suffix == ".css":
            data = css_without_comments(data)
        elif path.suffix == ".js":
            data = js_without_comment_lines(data)
        digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
        hashed = hashed_name(name, digest)
        built = self.build_dir / hashed if self.build_dir else None
        if built is not None and not built.is_file():
            try:
                _write_atomically(built, data)
            except OSError:
                built = None
        bodies = encode(data, built) if path.suffix in COMPRESSIBLE else {"identity": data}
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        asset = Asset(name, hashed, digest, mimetype, Prepared(bodies, mimetype, digest, IMMUTABLE))
        self.by_name[name] = asset
        self.by_hashed[hashed] = asset

    def url(self, name: str) -> str:
        asset = self.by_name.get(name)
        return url_for("static", filename=asset.hashed if asset else name)

    def serve(self, filename: str) -> Response:
        asset = self.by_hashed.get(filename) or self._earlier_version(filename)
        if asset is None:
            return current_app.send_static_file(filename)
        return asset.prepared.respond()

    def _earlier_version(self, filename: str) -> Asset | None:
        """A hashed name from before the files changed — a page a reader loaded before a
        deploy, or from a worker not yet restarted. static/build/ still holds that version
        (and its .br/.gz), so serve it rather than break the page. Measured: a worker
        respawned mid-class with a newer script otherwise answered 404 to 25 requests."""
        match = HASHED.fullmatch(filename)
        if self.build_dir is None or match is None:
            return None
        built = (self.build_dir / filename).resolve()
        if not built.is_relative_to(self.build_dir.resolve()) or not built.is_file():
            return None
        bodies = {"identity": built.read_bytes()}
        for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
            sibling = built.with_name(built.name + suffix)
            if sibling.is_file():
                bodies[encoding] = sibling.read_bytes()
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        asset = Asset(match["name"], filename, match["digest"], mimetype,
                      Prepared(bodies, mimetype, match["digest"], IMMUTABLE))
        self.by_hashed[filename] = asset
        return asset


class Vendor:
    """A script from an installed package (plotly.js), served like a static file under its
    content hash — but compressed on first use, at a quicker brotli quality, since it is a
    megabyte: ``build()`` stores the best compression ahead of time for deployment."""

    FIRST_USE_QUALITY = 5  # ~0.3 s for plotly.js; `build()` stores quality 11

    def __init__(self, name: str, source: Path, cache_dir: Path | None):
        self.name, self.source, self.cache_dir = name, source, cache_dir
        self.digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
        self._prepared: Prepared | None = None
        self._lock = threading.Lock()

    def cache_path(self) -> Path | None:
        return self.cache_dir / f"{self.name}-{self.digest}.js" if self.cache_dir else None

    def prepared(self) -> Prepared:
        if self._prepared is None:
            with self._lock:
                if self._prepared is None:
                    bodies = encode(self.source.read_bytes(), self.cache_path(),
                                    self.FIRST_USE_QUALITY)
                    self._prepared = Prepared(bodies, "text/javascript", self.digest, IMMUTABLE)
        return self._prepared

    def build(self) -> None:
        """Compress with the best settings into the cache folder, ahead of time."""
        data = self.source.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        for encoding in ENCODINGS:
            _memory.pop((digest, encoding), None)
            path = self.cache_path()
            if path is not None:
                path.with_name(path.name + (".br" if encoding == "br" else ".gz")).unlink(
                    missing_ok=True)
        self._prepared = Prepared(encode(data, self.cache_path(), 11), "text/javascript",
                                  self.digest, IMMUTABLE)


def build_dir(app: Flask) -> Path:
    configured = app.config.get("ASSET_BUILD_DIR") or os.environ.get("ASSET_BUILD_DIR")
    return Path(configured) if configured else ROOT / "static" / "build"


PLOTLY_FULL = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
PLOTLY_BASIC = ROOT / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
_VERSION = re.compile(rb"plotly\.js (?:\([^)]*\) )?v(\d+\.\d+\.\d+)")


def plotly_version(path: Path) -> str | None:
    """The plotly.js version a bundle names in its banner."""
    with path.open("rb") as bundle:
        found = _VERSION.search(bundle.read(512))
    return found.group(1).decode() if found else None


def choose_plotly(basic: Path = PLOTLY_BASIC, full: Path = PLOTLY_FULL) -> Path:
    """plotly.js's basic bundle (scatter and bar: all the figures draw, a quarter of the
    bytes) when the setup installed it at the version the plotly package ships; else the
    plotly package's full file, which is always there."""
    if basic.is_file() and plotly_version(basic) == plotly_version(full):
        return basic
    log.warning("plotly.js basic bundle not installed (run `npm ci`, or `make`); serving the "
                "full plotly.js from the plotly package instead")
    return full


PLOTLY_JS = choose_plotly()


def plotly_js(digest: str) -> Response:
    vendor: Vendor = current_app.extensions["plotly"]
    if digest != vendor.digest:
        abort(404)
    return vendor.prepared().respond()


def init_app(app: Flask) -> Assets:
    """Hash and compress the static files, serve them and plotly.js, and give templates
    ``asset(name)`` and ``plotly_url()``."""
    assets = Assets(Path(app.static_folder), build_dir(app))
    vendor = Vendor("plotly", PLOTLY_JS, build_dir(app))
    app.extensions["assets"] = assets
    app.extensions["plotly"] = vendor
    app.view_functions["static"] = assets.serve
    app.add_url_rule("/vendor/plotly-<digest>.min.js", "plotly_js", plotly_js)
    app.context_processor(lambda: {
        "asset": assets.url,
        "plotly_url": lambda: url_for("plotly_js", digest=vendor.digest)})

    @app.cli.group("widgets")
    def widgets_cli():
        """The widgets' static assets."""

    @widgets_cli.command("build")
    def build():
        """Pre-compress plotly.js (brotli 11, gzip 9) into the build folder."""
        vendor.build()
        click.echo(f"plotly.js compressed into {vendor.cache_dir}")

    return assets
