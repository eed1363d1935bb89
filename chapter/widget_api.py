"""The widgets' HTTP surface: ``GET /api/widgets/<name>`` and the plotly.js file the page loads.

Routes only parse and answer: every parameter is validated against a small schema (a reader
can act on the 400 message), the figure comes from ``chapter/widgets.py``. plotly.js is the
file shipped inside the plotly package, served under a content-hashed URL, compressed once
(gzip and brotli) and cached on disk by hash and in memory per process.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import brotli
import click
import plotly
from flask import Blueprint, Flask, Response, abort, current_app, request, url_for

from chapter import calculus, widgets

bp = Blueprint("widget_api", __name__)


# --- parameters -------------------------------------------------------------------------------


class ParamError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Number:
    low: float
    high: float
    default: float
    whole: bool = False  # an integer, such as a layer count

    def parse(self, field: str, text: str):
        kind = "a whole number" if self.whole else "a number"
        allowed = f"{kind} from {self.low:g} to {self.high:g}"
        try:
            value = float(text)
        except ValueError:
            raise ParamError(field, f"{field} must be {allowed}; got {text!r}.") from None
        if not math.isfinite(value):
            raise ParamError(field, f"{field} must be a finite number ({allowed}); got {text!r}.")
        if self.whole and not value.is_integer():
            raise ParamError(field, f"{field} must be {allowed}; got {text!r}.")
        if not self.low <= value <= self.high:
            raise ParamError(field, f"{field} must be {allowed}; {text} is out of range.")
        return int(value) if self.whole else value


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...]
    default: str

    def parse(self, field: str, text: str):
        if text not in self.options:
            raise ParamError(field, f"{field} must be one of {', '.join(self.options)}; "
                                    f"got {text!r}.")
        return text


@dataclass(frozen=True)
class Flag:
    default: bool

    def parse(self, field: str, text: str):
        if text not in ("0", "1"):
            raise ParamError(field, f"{field} must be 0 (off) or 1 (on); got {text!r}.")
        return text == "1"


UNIT = (-5.0, 5.0)
ACTIVATION_NAMES = tuple(calculus.ACTIVATIONS)

SCHEMAS = {
    "nudge": {
        "fn": Choice(tuple(calculus.COMPOSITIONS), "sigmoid"),
        "x": Number(*UNIT, 1.0), "w": Number(*UNIT, 2.0),
        "dx": Number(0.01, 2.0, 0.5), "narrow": Flag(False),
    },
    "backprop": {
        "x": Number(*UNIT, 2.0), "w1": Number(*UNIT, 0.5), "w2": Number(*UNIT, 1.2),
        "target": Number(*UNIT, 1.0), "eta": Number(0.01, 2.0, 0.2),
        "steps": Number(0, 50, 0, whole=True), "narrow": Flag(False),
    },
    "vanishing": {
        "depth": Number(1, 50, 10, whole=True),
        "activation": Choice(ACTIVATION_NAMES, "sigmoid"),
        "compare": Choice((*ACTIVATION_NAMES, "none"), "relu"),
        "weight": Number(*UNIT, 1.0), "x": Number(*UNIT, 1.0), "residual": Flag(False),
        "mode": Choice(("chain", "network"), "chain"),
        "width": Number(2, 64, 16, whole=True), "init": Choice(tuple(calculus.INITS), "he"),
        "seed": Number(0, 9999, 0, whole=True), "narrow": Flag(False),
    },
}


def parse_params(name: str, args) -> dict:
    """Defaults for what is missing; a ParamError naming the first bad field otherwise."""
    params = {}
    for field, spec in SCHEMAS[name].items():
        if field not in args:
            params[field] = spec.default
            continue
        text = args.get(field, "").strip()
        if text == "":
            raise ParamError(field, f"{field} is present but empty; leave it out for the "
                                    f"default, or give a value.")
        params[field] = spec.parse(field, text)
    return params


def _json(payload: dict, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body, status=status, mimetype="application/json")


@bp.get("/api/widgets/<name>")
def widget(name: str) -> Response:
    if name not in widgets.BUILDERS:
        return _json({"error": f"There is no widget called {name!r}; the widgets are "
                               f"{', '.join(widgets.BUILDERS)}.", "field": "name"}, 404)
    try:
        params = parse_params(name, request.args)
    except ParamError as error:
        return _json({"error": error.message, "field": error.field}, 400)
    payload = widgets.BUILDERS[name](**params)
    payload["params"] = params  # what was drawn, defaults included: the controls adopt it
    response = _json(payload)
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# --- plotly.js, pre-compressed ----------------------------------------------------------------

PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
FAST_BROTLI = 5  # ~0.3 s on first use; `flask --app app widgets build` stores quality 11
_MEMORY: dict[tuple[str, str], bytes] = {}  # (digest, encoding) → body, for this process
_LOCK = threading.Lock()


class PlotlyBundle:
    """plotly.min.js under its content hash, with gzip and brotli made once and kept.

    Compressed copies live in ``<static>/build/`` named by hash, so a restart (or another
    worker) reads them instead of compressing again; each process keeps the bytes in memory.
    """

    def __init__(self, source: Path, cache_dir: Path):
        self.source = source
        self.cache_dir = cache_dir
        self._digest: str | None = None

    @property
    def digest(self) -> str:
        if self._digest is None:
            self._digest = hashlib.sha256(self.source.read_bytes()).hexdigest()[:16]
        return self._digest

    def _path(self, encoding: str) -> Path:
        suffix = {"br": ".js.br", "gzip": ".js.gz"}[encoding]
        return self.cache_dir / f"plotly-{self.digest}{suffix}"

    def _compress(self, encoding: str, quality: int) -> bytes:
        raw = self.source.read_bytes()
        if encoding == "br":
            return brotli.compress(raw, quality=quality, mode=brotli.MODE_TEXT)
        return gzip.compress(raw, compresslevel=9, mtime=0)

    def _store(self, encoding: str, data: bytes) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, prefix=".plotly-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)  # a front server (nginx) may serve the same file
        os.replace(tmp, self._path(encoding))  # atomic: readers never see half a file

    def body(self, encoding: str) -> bytes:
        """The compressed bytes: from memory, else from disk, else compressed now."""
        key = (self.digest, encoding)
        if key not in _MEMORY:
            with _LOCK:
                if key not in _MEMORY:
                    path = self._path(encoding)
                    if path.exists():
                        data = path.read_bytes()
                    else:
                        data = self._compress(encoding, FAST_BROTLI)
                        self._store(encoding, data)
                    _MEMORY[key] = data
        return _MEMORY[key]

    def build(self) -> None:
        """Compress with the best settings, ahead of time, for deployment."""
        for encoding, quality in (("br", 11), ("gzip", 9)):
            data = self._compress(encoding, quality)
            self._store(encoding, data)
            _MEMORY[(self.digest, encoding)] = data


def choose_encoding(accept_encoding: str) -> str | None:
    """brotli if the client takes it, else gzip, else None (identity)."""
    accepted = {}
    for part in accept_encoding.split(","):
        token, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        accepted[token.strip().lower()] = quality
    for encoding in ("br", "gzip"):
        if accepted.get(encoding, accepted.get("*", 0.0)) > 0:
            return encoding
    return None


def _bundle() -> PlotlyBundle:
    return current_app.extensions["plotly_bundle"]


@bp.get("/vendor/plotly-<digest>.min.js")
def plotly_js(digest: str) -> Response:
    bundle = _bundle()
    if digest != bundle.digest:
        abort(404)
    encoding = choose_encoding(request.headers.get("Accept-Encoding", ""))
    body = bundle.body(encoding) if encoding else PLOTLY_JS.read_bytes()
    response = Response(body, mimetype="text/javascript")
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.set_etag(f"{digest}-{encoding or 'identity'}")
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    cache_dir = Path(app.static_folder) / "build"
    app.extensions["plotly_bundle"] = PlotlyBundle(PLOTLY_JS, cache_dir)
    app.register_blueprint(bp)

    @app.context_processor
    def _plotly_url():
        return {"plotly_url": lambda: url_for("widget_api.plotly_js",
                                              digest=_bundle().digest)}

    @app.cli.group("widgets")
    def widgets_cli():
        """The widgets' static assets."""

    @widgets_cli.command("build")
    def build():
        """Pre-compress plotly.js (brotli 11, gzip 9) into static/build/."""
        app.extensions["plotly_bundle"].build()
        click.echo(f"plotly.js compressed into {cache_dir}")
