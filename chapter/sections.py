"""The chapter's sections, rendered once per process: for the page and for whoever names a
section by its slug (the checkpoint's ending links the sections to revisit)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from chapter import render
from chapter.figures import TITLES
from chapter.values import chapter_values

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "chapter" / "content"
TERMS_PATH = ROOT / "chapter" / "terms.toml"


@cache
def chapter_sections(content_dir: Path, terms_path: Path) -> tuple[render.Section, ...]:
    """Every section rendered, once per process and folder (each app a test builds reuses
    it); a broken content file stops start-up here."""
    return tuple(render.load_chapter(content_dir, terms_path, chapter_values(), TITLES))


def section_titles() -> dict[str, str]:
    """Each section's title, by its slug."""
    return {s.slug: s.title for s in chapter_sections(CONTENT_DIR, TERMS_PATH)}
