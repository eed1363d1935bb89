"""The question bank: ``checkpoint.toml`` read, validated and rendered once at start-up.

A ``Question`` holds everything the server grades with (key, feedback, explanation, examples);
``PublicQuestion`` is the part a browser may see before it has attempted the question. A
mistake in the bank — an unknown misconception, a key that is not a choice, a practice text
with an unknown placeholder — stops start-up with the file, the line and the key path.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from markupsafe import Markup

from chapter.render import ContentError, render_fragment, render_inline_fragment
from quizzes.bank_reader import Reader as _Reader
from quizzes.bank_reader import label_text
from quizzes.bank_reader import load_toml as _load_toml
from quizzes.ordering import closure, constraints

BANK_PATH = Path(__file__).with_name("checkpoint.toml")
KINDS = {"choice", "truefalse", "ordering"}
PRACTICE_KIND = "practice"  # a practice-only item: variants only, never in the score
GENERATORS = {"composition", "depth", "fanout", "layer_factor"}
PRACTICE_FEEDBACK_FIXED = {"correct", "near", "wrong"}
PLACEMENT_TEXTS = {"none", "some"}  # how many of an ordering's constraints an order keeps
REVEAL_AFTER = 3  # tries after which the explanation is part of the answer, unless the bank says
SECTIONS_DIR = Path(__file__).resolve().parent.parent / "chapter" / "content"
_NO_HTML = Markup("")


@dataclass(frozen=True)
class Option:
    """A choice or an ordering step, as the page shows it."""

    id: str
    label_html: Markup
    label_text: str = ""  # plain words for a label that is all maths (its accessible name)


@dataclass(frozen=True)
class PublicQuestion:
    """What a browser may see before an attempt: the prompt and the options, nothing else."""

    id: str
    number: int
    kind: str
    prompt_html: Markup
    options: tuple[Option, ...]
    has_practice: bool = False


@dataclass(frozen=True)
class AnswerChoice:
    """One answer of a multiple-choice question, with the feedback it gets."""

    id: str
    label_html: Markup
    feedback_html: Markup
    misconception: str | None
    label_text: str = ""


@dataclass(frozen=True)
class Step:
    id: str
    label_html: Markup
    short_html: Markup
    short: str = ""  # Markdown source, for a sentence that quotes it
    after: tuple[str, ...] = ()  # the steps whose results this one needs (quizzes/ordering.py)


@dataclass(frozen=True)
class Rule:
    """Ordering feedback: matches when step ``before[0]`` is placed before ``before[1]``."""

    before: tuple[str, str]
    misconception: str
    feedback_html: Markup


@dataclass(frozen=True)
class Example:
    """A submission with its expected grade; ``invalid`` is the expected refusal instead."""

    answer: object
    score: float | None = None
    misconception: str | None = None
    invalid: str | None = None
    near: bool = False
    params: dict | None = None


@dataclass(frozen=True)
class Practice:
    """How to make and grade "Try another" variants. Texts stay Markdown sources with
    ``{=name=}`` placeholders; each variant renders them with its own numbers."""

    generator: str
    tolerance: float
    prompt: str
    explanation: str
    feedback: dict[str, str]
    examples: tuple[Example, ...]
    format: str = "Type a number such as 218.4, 2.18e2 or 4*e^4."  # what may be typed
    hints: tuple[str, ...] = ()  # the hint ladder, Markdown with the variant's {=name=}s
    solution: str = ""  # the worked solution, shown with the explanation


@dataclass(frozen=True)
class Question:
    id: str
    number: int
    kind: str
    prompt_html: Markup
    key: str | tuple[str, ...]
    explanation_html: Markup
    choices: tuple[AnswerChoice, ...] = ()
    steps: tuple[Step, ...] = ()
    rules: tuple[Rule, ...] = ()
    correct_feedback_html: Markup = _NO_HTML
    placement: dict[str, str] = field(default_factory=dict)  # ordering: constraints kept
    constraints: tuple[tuple[str, str], ...] = ()  # ordering: (earlier, later) pairs
    examples: tuple[Example, ...] = ()
    practice: Practice | None = None
    hints: tuple[Markup, ...] = ()  # the hint ladder, each a step closer
    reveal_after: int = REVEAL_AFTER  # tries after which the explanation comes unasked
    title: str = ""  # a practice-only item's heading
    section: str = ""  # a practice-only item: the section (slug) that teaches its idea
    engine: str = ""  # "typed": a typed derivative (quizzes/typed.py), not a number variant
    after: str = ""  # a practice-only item shown in the checkpoint: the question it follows
    choice_by_id: dict[str, AnswerChoice] = field(default_factory=dict, compare=False)

    def public(self) -> PublicQuestion:
        entries = self.steps if self.kind == "ordering" else self.choices
        return PublicQuestion(self.id, self.number, self.kind, self.prompt_html,
                              tuple(Option(e.id, e.label_html, getattr(e, "label_text", ""))
                                    for e in entries),
                              has_practice=self.practice is not None)


@dataclass(frozen=True)
class Bank:
    questions: dict[str, Question]
    misconceptions: dict[str, str]  # name → what it means, for people
    path: Path
    revisit: dict[str, str] = field(default_factory=dict)  # name → section slug to reread
    # [[practice_item]]s: graded like variants, shown with states, never in the score
    practice_items: dict[str, Question] = field(default_factory=dict)

    def item(self, qid: str) -> Question | None:
        """A checkpoint question or a practice-only item, by id."""
        return self.questions.get(qid) or self.practice_items.get(qid)


def _examples(raw: list, where: str) -> tuple[Example, ...]:
    return tuple(Example(answer=e.get("answer"), score=e.get("score"),
                         misconception=e.get("misconception"), invalid=e.get("invalid"),
                         near=bool(e.get("near", False)), params=e.get("params"))
                 for e in raw)


def _practice(reader: _Reader, raw: dict, qid: str, anchor: str,
              misconceptions: dict) -> Practice:
    where = f"question {qid} → practice"
    generator = reader.require(raw, "generator", where, anchor)
    if generator not in GENERATORS:
        raise reader.fail(where, f"unknown generator {generator!r} (known: "
                          f"{', '.join(sorted(GENERATORS))})", anchor)
    feedback = reader.require(raw, "feedback", where, anchor, dict)
    missing = PRACTICE_FEEDBACK_FIXED - set(feedback)
    if missing:
        raise reader.fail(where, f"feedback needs {', '.join(sorted(missing))}", anchor)
    for name in set(feedback) - PRACTICE_FEEDBACK_FIXED:
        if name not in misconceptions:
            raise reader.fail(where, f"feedback for unknown misconception {name!r}", anchor)
    tolerance = raw.get("tolerance", 1e-2)
    if not isinstance(tolerance, float) or not 0 < tolerance < 1:
        raise reader.fail(where, "tolerance must be a number between 0 and 1", anchor)
    practice = Practice(generator, tolerance, reader.require(raw, "prompt", where, anchor),
                        reader.require(raw, "explanation", where, anchor), dict(feedback),
                        _examples(raw.get("example", []), where),
                        reader.require(raw, "format", where, anchor),
                        tuple(_hint_sources(reader, raw, where, anchor)),
                        reader.require(raw, "solution", where, anchor))
    _check_practice_texts(reader, practice, qid, anchor)
    return practice


def _check_practice_texts(reader: _Reader, practice: Practice, qid: str, anchor: str) -> None:
    """Typeset every practice text once with a sample variant's numbers, so a misspelt
    placeholder stops start-up instead of failing a reader's answer later."""
    from quizzes.variants import new_variant

    sample = new_variant(qid, practice.generator, random.Random(0))  # noqa: S311 — a fixed sample
    texts = {"prompt": practice.prompt, "explanation": practice.explanation,
             "solution": practice.solution,
             **{f"hint {n}": h for n, h in enumerate(practice.hints, start=1)},
             **{f"feedback {k}": v for k, v in practice.feedback.items()}}
    for name, text in texts.items():
        try:
            render_fragment(text, reader.path, 1, values=sample.texts)
        except ContentError as exc:
            raise reader.fail(f"question {qid} → practice {name}", exc.reason, anchor) from None
    from quizzes.variants import all_params, build

    names = {name for params in all_params(practice.generator)
             for name, _ in build(qid, practice.generator, params).slips}
    missing = names - set(practice.feedback)
    if missing:
        raise reader.fail(f"question {qid} → practice", "feedback needs "
                          f"{', '.join(sorted(missing))}", anchor)


def _hint_sources(reader: _Reader, raw: dict, where: str, anchor: str) -> list[str]:
    hints = reader.require(raw, "hints", where, anchor, list)
    if not all(isinstance(h, str) and h.strip() for h in hints):
        raise reader.fail(where, "every hint must be Markdown text", anchor)
    return hints


def _reveal_after(reader: _Reader, q: dict, where: str, anchor: str) -> int:
    value = q.get("reveal_after", REVEAL_AFTER)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 20:
        raise reader.fail(where, "reveal_after must be a whole number of tries, 1 to 20", anchor)
    return value


def _section_slugs() -> set[str]:  # the content files' names without NN-
    return {p.stem.split("-", 1)[1] for p in SECTIONS_DIR.glob("[0-9][0-9]-*.md")}


def _misconceptions(reader: _Reader, raw: dict) -> tuple[dict[str, str], dict[str, str]]:
    """Each misconception's label, and the section a reader who showed it should reread."""
    slugs, labels, revisit = _section_slugs(), {}, {}
    for name, entry in raw.items():
        where = f"misconception {name}"
        if not isinstance(entry, dict):
            raise reader.fail(where, "needs { label = …, revisit = … }", f"{name} =")
        labels[name] = reader.require(entry, "label", where, f"{name} =")
        slug = reader.require(entry, "revisit", where, f"{name} =")
        if slug not in slugs:
            raise reader.fail(where, f"revisit {slug!r} is not a section (known: "
                              f"{', '.join(sorted(slugs))})", f"{name} =")
        revisit[name] = slug
    return labels, revisit


def _question(reader: _Reader, q: dict, number: int, misconceptions: dict) -> Question:
    qid = reader.require(q, "id", f"question {number}", None)
    anchor = f'id = "{qid}"'
    where = f"question {qid}"
    kind = q.get("kind")
    if kind not in KINDS:
        raise reader.fail(where, f"unknown kind {kind!r} (known: {', '.join(sorted(KINDS))})",
                          anchor)

    def known(name: str | None, place: str) -> str | None:
        if name is not None and name not in misconceptions:
            raise reader.fail(f"{where} → {place}", f"misconception {name!r} is not listed "
                              "in [misconceptions]", anchor)
        return name

    common = dict(id=qid, number=number, kind=kind,
                  prompt_html=reader.md(reader.require(q, "prompt", where, anchor), anchor),
                  explanation_html=reader.md(reader.require(q, "explanation", where, anchor)),
                  examples=_examples(q.get("example", []), where),
                  hints=tuple(reader.md(h, anchor)
                              for h in _hint_sources(reader, q, where, anchor)),
                  reveal_after=_reveal_after(reader, q, where, anchor))
    if "practice" in q:
        common["practice"] = _practice(reader, q["practice"], qid, anchor, misconceptions)
    if kind == "ordering":
        return _ordering(reader, q, common, known)
    choices = []
    for c in reader.require(q, "choice", where, anchor, list):
        cid = reader.require(c, "id", where, anchor)
        choices.append(AnswerChoice(cid, render_inline_fragment(c["label"], reader.path),
                              reader.md(reader.require(c, "feedback", f"{where} → {cid}",
                                                       anchor)),
                              known(c.get("misconception"), f"choice {cid}"),
                              label_text(c["label"])))
    key = reader.require(q, "key", where, anchor)
    by_id = {c.id: c for c in choices}
    if key not in by_id:
        raise reader.fail(where, f"key {key!r} is not one of its choices", anchor)
    for c in choices:
        if c.id != key and c.misconception is None:
            raise reader.fail(f"{where} → choice {c.id}", "a wrong choice must name the "
                              "misconception it reveals", anchor)
    return Question(**common, key=key, choices=tuple(choices), choice_by_id=by_id)


def _ordering(reader: _Reader, q: dict, common: dict, known) -> Question:
    qid, where = common["id"], f"question {common['id']}"
    anchor = f'id = "{qid}"'
    steps = tuple(Step(s["id"], render_inline_fragment(s["label"], reader.path),
                       render_inline_fragment(s.get("short", s["label"]), reader.path),
                       s.get("short", s["label"]), tuple(s.get("after", ())))
                  for s in reader.require(q, "step", where, anchor, list))
    ids = [s.id for s in steps]
    key = tuple(reader.require(q, "key", where, anchor, list))
    if sorted(key) != sorted(ids) or len(set(ids)) != len(ids):
        raise reader.fail(where, "key must list every step id exactly once", anchor)
    pairs = _constraints(reader, steps, key, where, anchor)
    if any("," in i for i in ids):
        raise reader.fail(where, "step ids may not contain commas", anchor)
    rules = []
    for r in q.get("rule", []):
        before = tuple(r.get("before", ()))
        if len(before) != 2 or not set(before) <= set(ids):
            raise reader.fail(f"{where} → rule", "before must name two step ids", anchor)
        rules.append(Rule(before, known(r.get("misconception"), "rule"),
                          reader.md(reader.require(r, "feedback", where, anchor))))
    placement = reader.require(q, "placement", where, anchor, dict)
    missing = PLACEMENT_TEXTS - set(placement)
    if missing:
        raise reader.fail(f"{where} → placement", f"needs {', '.join(sorted(missing))}", anchor)
    return Question(**common, key=key, steps=steps, rules=tuple(rules), constraints=pairs,
                    placement={k: str(v) for k, v in placement.items()},
                    correct_feedback_html=reader.md(
                        reader.require(q, "correct_feedback", where, anchor)))


def _constraints(reader: _Reader, steps, key, where: str, anchor: str):
    """The steps' ``after`` lists as (earlier, later) pairs: they must name steps, hold in
    the key, and leave the key the only order that keeps them all."""
    pairs = constraints({s.id: s.after for s in steps})
    if not pairs or any(a not in key for a, _ in pairs):
        raise reader.fail(where, "each step's after must name other steps", anchor)
    if any(key.index(a) > key.index(b) for a, b in pairs):
        raise reader.fail(where, "the key breaks a step's after", anchor)
    if len(closure(pairs)) != len(key) * (len(key) - 1) // 2:
        raise reader.fail(where, "the steps' after lists leave more than one order right",
                          anchor)
    return pairs


def _practice_item(reader: _Reader, raw: dict, misconceptions: dict,
                   slugs: set[str]) -> Question:
    """A ``[[practice_item]]``: heading, section practised, introduction, practice table."""
    qid = reader.require(raw, "id", "practice item", None)
    anchor, where = f'id = "{qid}"', f"practice item {qid}"
    section = reader.require(raw, "section", where, anchor)
    if section not in slugs:
        raise reader.fail(where, f"section {section!r} is not one of the chapter's", anchor)
    engine = raw.get("engine", "")  # "typed": graded by quizzes/typed.py, no practice table
    if engine not in ("", "typed"):
        raise reader.fail(where, f"unknown engine {engine!r} (known: typed)", anchor)
    practice = None if engine else _practice(
        reader, reader.require(raw, "practice", where, anchor, dict), qid, anchor,
        misconceptions)
    return Question(id=qid, number=0, kind=PRACTICE_KIND, key="",
                    prompt_html=reader.md(reader.require(raw, "intro", where, anchor), anchor),
                    explanation_html=_NO_HTML, practice=practice,
                    reveal_after=_reveal_after(reader, raw, where, anchor),
                    title=reader.require(raw, "title", where, anchor), section=section,
                    engine=engine, after=raw.get("after", ""))


def load_bank(path: Path = BANK_PATH) -> Bank:
    reader = _Reader(path)
    data = _load_toml(reader)
    misconceptions, revisit = _misconceptions(reader, data.get("misconceptions", {}))
    questions: dict[str, Question] = {}
    for number, q in enumerate(data.get("question", []), start=1):
        question = _question(reader, q, number, misconceptions)
        if question.id in questions:
            raise reader.fail(f"question {question.id}", "id used twice")
        questions[question.id] = question
    slugs, items = _section_slugs(), {}
    for raw in data.get("practice_item", []):
        item = _practice_item(reader, raw, misconceptions, slugs)
        if item.id in questions or item.id in items:
            raise reader.fail(f"practice item {item.id}", "id used twice")
        items[item.id] = item
    return Bank(questions, dict(misconceptions), path, revisit, items)


@cache
def default_bank() -> Bank:
    """The bank the app serves: read once per process."""
    return load_bank(BANK_PATH)


def public_questions(path: Path = BANK_PATH) -> list[PublicQuestion]:
    bank = default_bank() if path == BANK_PATH else load_bank(path)
    return [q.public() for q in bank.questions.values()]
