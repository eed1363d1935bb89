"""Every display formula as words, made on the server at start-up.

Native MathML is read aloud by some screen readers and not by others (TalkBack, NVDA before
MathCAT), so each display formula also gets a speech text: speech-rule-engine (the engine
behind MathJax's and ChromeVox's speech, installed by the setup with npm) renders its MathML
in ClearSpeak English, in one Node process for the whole chapter. Results are cached on disk
by the hash of the MathML, so a restart, another worker or the next test's app reads them
instead of starting Node again. Where Node or the engine is missing, a plain reading of the
MathML's text stands in, and a warning says so.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
SCRIPT = Path(__file__).with_name("speech.js")
CACHE_DIR = ROOT / "static" / "build" / "speech"
TIMEOUT_S = 60
log = logging.getLogger(__name__)


def _key(mathml: str) -> str:
    """The cache's name for a formula: the hash of what the engine is given, so a change to
    how formulas are prepared for it (below) is spoken afresh, never read from the cache."""
    return hashlib.sha256(_for_engine(mathml).encode("utf-8")).hexdigest()[:24]


def _engine_available() -> bool:
    return shutil.which("node") is not None and (NODE_MODULES / "speech-rule-engine").is_dir()


# Names the chapter writes as functions: f(u) is f applied to u, never f times u.
FUNCTIONS = ("f", "g", "L", "&#x003C3;", "\u03c3", "&#x003C6;", "\u03c6", "sin", "cos", "tanh",
             "exp", "log")
_PRIME = r"(?:<mo>(?:&#x02032;|\u2032)</mo>)?"
_OPEN = r"(?=<mo[^>]*>(?:&#x00028;|\()</mo>)"
_APPLIED = re.compile(
    r"(<mi>(?:" + "|".join(re.escape(f) for f in FUNCTIONS) + r")</mi>" + _PRIME + r")" + _OPEN)
_ADJACENT_FRACTIONS = re.compile(r"</mfrac>(?=<mfrac>)")


def _for_engine(mathml: str) -> str:
    """The formula as the engine should read it, the page's MathML left as it is.

    - A function name followed by a parenthesis (f(u), f′(g(x)), L(w + ε), σ(z)) gets the
      invisible FUNCTION APPLICATION operator U+2061, so it is read "f of u", not "f u" or
      "L times open paren w".
    - Two fractions side by side are a product (∂y/∂a · da/dx), read with "times".
    - The page draws a hat with U+02C6 (the caret is set too large); the engine knows the
      caret as "hat", so it is given that.
    """
    mathml = _APPLIED.sub(r"\1<mo>&#x2061;</mo>", mathml)
    mathml = _ADJACENT_FRACTIONS.sub("</mfrac><mo>&#x000B7;</mo>", mathml)
    return mathml.replace("&#x002C6;", "^").replace("\u02c6", "^")


def _run_engine(mathml: list[str]) -> list[str]:
    done = subprocess.run(  # noqa: S603 — our own script, our own input
        [shutil.which("node") or "node", str(SCRIPT), str(NODE_MODULES)],
        input=json.dumps([_for_engine(m) for m in mathml]), capture_output=True, text=True,
        timeout=TIMEOUT_S, check=True)
    speech = json.loads(done.stdout)
    if not (isinstance(speech, list) and len(speech) == len(mathml)):
        raise ValueError("speech-rule-engine answered with the wrong number of texts")
    return [str(s) for s in speech]


def plain_reading(mathml: str) -> str:
    """The formula's characters with spaces between tokens: the fallback, never the goal."""
    tokens = re.findall(r"<(?:mi|mn|mo|mtext)[^>]*>([^<]*)</", mathml)
    return re.sub(r"\s+", " ", " ".join(unescape(t) for t in tokens)).strip()


def speak_all(mathml: list[str], cache_dir: Path | None = CACHE_DIR) -> list[str]:
    """Speech text for each MathML string, from the disk cache or one run of the engine."""
    cached: dict[str, str] = {}
    if cache_dir is not None:
        for m in mathml:
            path = cache_dir / f"{_key(m)}.txt"
            if path.is_file():
                cached[m] = path.read_text(encoding="utf-8")
    missing = [m for m in dict.fromkeys(mathml) if m not in cached]
    if missing:
        cached.update(zip(missing, _speak_fresh(missing, cache_dir), strict=True))
    return [cached[m] for m in mathml]


def _speak_fresh(mathml: list[str], cache_dir: Path | None) -> list[str]:
    if not _engine_available():
        log.warning("speech-rule-engine not installed (run `npm ci`, or `make`): formulas get "
                    "a plain reading of their symbols instead of speech")
        return [plain_reading(m) for m in mathml]
    try:
        speech = _run_engine(mathml)
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        log.warning("speech-rule-engine failed (%s): formulas get a plain reading", exc)
        return [plain_reading(m) for m in mathml]
    if cache_dir is not None:
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            for m, s in zip(mathml, speech, strict=True):
                (cache_dir / f"{_key(m)}.txt").write_text(s, encoding="utf-8")
        except OSError:
            pass  # a read-only deploy speaks again at the next start
    return speech
