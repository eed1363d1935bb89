"""Static files addressed by their content, so browsers may cache them for a year."""

from __future__ import annotations

import hashlib
from pathlib import Path


class Assets:
    def __init__(self, static_dir: Path):
        self.static_dir = static_dir
        self._versions: dict[str, str] = {}

    def version(self, name: str) -> str:
        if name not in self._versions:
            data = (self.static_dir / name).read_bytes()
            self._versions[name] = hashlib.sha256(data).hexdigest()[:12]
        return self._versions[name]
