"""The chapter page over HTTP: every element of the spec, nothing from another host."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest

from chapter.figures import FIGURES

SECTION_TITLES = [
    "Functions inside functions", "A worked example", "The chain rule, stated formally",
    "Neural networks are long compositions", "Backpropagation in plain English",
    "A concrete backward pass", "Vanishing gradients", "Questions and answers", "Key terms",
    "Intuition", "Reflection: chain rule, backprop, and vanishing gradients", "Key points",
    "Check your understanding",
]
CALLOUT_LABELS = ["Insight", "Common mistake", "Warning", "History", "Real world"]
FAQ = ["What is the chain rule?", "What is backpropagation?", "What are vanishing gradients?"]
TERMS = ["Chain rule", "Backpropagation", "Vanishing gradient"]


@pytest.fixture
def page(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def text_of(markup: str) -> str:
    """What a reader sees: tags dropped (MathML's too, so −0.245 reads as one number)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", markup)))


def test_page_frame_title_and_lead(page):
    assert "SeeingML" in page and "Derivatives" in page and "Chapter 3 of 3" in page
    assert "<h1>The Chain Rule — How Backpropagation Works</h1>" in page
    assert "Differentiating compositions" in page
    assert "<summary><span>Browse</span>" in page


def test_three_learning_objectives(page):
    objectives = re.search(r'<section class="objectives".*?</section>', page, re.S).group(0)
    assert objectives.count("<li>") == 3


def test_every_section_in_order(page):
    positions = [page.find(f">{title}</h2>") for title in SECTION_TITLES]
    missing = [t for t, p in zip(SECTION_TITLES, positions, strict=True) if p == -1]
    assert not missing
    assert positions == sorted(positions)


def test_five_callouts_each_with_icon_and_label(page):
    for label in CALLOUT_LABELS:
        block = re.search(rf'<aside class="callout callout-\w+" aria-label="{label}">'
                          rf'<p class="callout-label"><svg[^>]*aria-hidden="true".*?'
                          rf"<span>{label}</span>", page, re.S)
        assert block, label


def test_three_figures_with_captions_and_descriptions(page):
    for fig in FIGURES:
        figure = re.search(rf'<figure class="figure" id="figure-{fig}".*?</figure>', page, re.S)
        assert figure, fig
        assert "<figcaption" in figure.group(0)
        assert 'data-role="description"' in figure.group(0)


def test_faq_terms_intuition_and_questions(page):
    for q in FAQ:
        assert f"<summary>{q}</summary>" in page
    for term in TERMS:
        assert f"<dt>{term}</dt>" in page
    assert '<textarea id="intuition-answer"' in page
    assert "Reveal the discussion" in page
    for qid in ("q1", "q2", "q3", "q4"):
        assert re.search(rf'<form class="question[^"]*" id="{qid}"', page), qid
    assert "what is $" not in page.lower()


def test_worked_numbers_come_from_the_engine(page):
    text = text_of(page)
    for number in ("0.881", "0.105", "0.210", "0.731", "0.877", "0.015", "−0.245", "0.197",
                   "−0.116", "−0.179", "1024", "9.5 × 10⁻⁷"):
        assert number in text, number
    assert "−0.246" not in text  # the seed's slip: ŷ rounded before doubling


def test_no_tex_source_is_visible(page):
    text = text_of(page)
    assert "\\frac" not in text and "$" not in text


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "srcset", "poster", "data") and value:
                self.refs.append((tag, name, value))


def test_nothing_loads_from_another_host(page):
    parser = _Refs()
    parser.feed(page)
    loaded = [(t, n, v) for t, n, v in parser.refs if t != "a"]
    assert loaded, "expected the page to load its own assets"
    for tag, name, value in loaded:
        assert not re.match(r"^(https?:)?//", value), (tag, name, value)
    assert "@import" not in page and "url(http" not in page


def test_static_assets_are_served_and_cacheable(client, page):
    for ref in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        response = client.get(ref)
        assert response.status_code == 200, ref
        assert "immutable" in response.headers["Cache-Control"]


def test_page_has_etag_and_answers_304(client):
    first = client.get("/")
    assert first.headers["ETag"]
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_404_page_is_friendly_and_in_style(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    body = html.unescape(response.get_data(as_text=True))
    assert "This page isn't part of the chapter." in body
    assert "Back to the chapter" in body
    assert re.search(r"/static/css/chapter\.[0-9a-f]{12}\.css", body)  # styled like the page
    assert "Traceback" not in body


def test_an_unexpected_error_shows_a_friendly_page_not_a_traceback(app):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("internal detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom-for-test")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side." in body
    assert "internal detail" not in body and "Traceback" not in body


def test_favicon_is_declared_and_served(client, page):
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    assert client.get(href).status_code == 200


def test_a_broken_content_file_stops_start_up_with_file_line_and_reason(tmp_path, monkeypatch):
    from app import create_app
    from chapter import render, views

    broken = tmp_path / "content"
    broken.mkdir()
    for source in sorted(views.CONTENT_DIR.glob("*.md")):
        (broken / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    target = broken / "03-worked-example.md"
    target.write_text(target.read_text(encoding="utf-8").replace(
        "::: callout insight", "::: callout insigth"), encoding="utf-8")
    monkeypatch.setattr(views, "CONTENT_DIR", broken)
    with pytest.raises(render.ContentError) as caught:
        create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance")})
    assert caught.value.path.endswith("03-worked-example.md")
    assert "unknown callout kind 'insigth'" in caught.value.reason
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[caught.value.line - 1] == "::: callout insigth"


def test_figure_texts_name_the_state_and_the_layout_the_reader_sees(page):
    """Figure 1 opens on σ(wx), so its text does not speak as if it opened on "double, then
    triple"; Figure 2 runs left to right on a wide screen and top to bottom on a phone, and
    its caption says both."""
    from chapter.figures.backprop_graph import geometry

    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    text = re.sub(r"\s+", " ", text)
    assert FIGURES["nudge"].schema["fn"].default == "sigmoid"
    assert "It opens on the worked neuron" in text and "choose “double, then triple”" in text
    wide, narrow = geometry(False)["chain"], geometry(True)["chain"]
    assert len({y for _, y in wide}) == 1 and len({x for x, _ in narrow}) == 1
    assert "left to right on a wide screen, top to bottom on a narrow one" in text
    assert "values flow from left to right" not in text


@pytest.mark.parametrize("answers", [
    {},  # a session, nothing answered
    {"q2": "true", "q1": "e4"},  # wrong answers: results, notices, no ending
    {"q1": "4e4", "q2": "false", "q3": "1.0989", "q4": "b,a,c,d"},  # done: the ending
])
def test_the_readers_page_is_the_frame_with_their_parts_the_same_bytes(app, client, clock,
                                                                      answers):
    """The reader's page is spliced from the prepared frame: byte for byte the whole page
    rendered for that reader (checkpoint, ending, reviews due in the contents and above)."""
    from flask import render_template

    from chapter import views
    from quizzes.progress import reader_state

    client.get("/api/checkpoint/q1/variant")  # a session, before any answer
    for qid, answer in answers.items():
        client.post(f"/api/checkpoint/{qid}", json={"answer": answer})
    clock(days=2)  # right answers come due for review
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        reader = reader_state()
        assert reader is not None
        whole = render_template("chapter.html", **app.extensions["chapter"], reader=reader)
        spliced = views.reader_page(reader).get_data(as_text=True)
        again = views.reader_page(reader).get_data(as_text=True)  # the kept parts
        other = views.reader_page({**reader, "csrf": "another-token"}).get_data(as_text=True)
    assert spliced == whole and again == whole
    assert other == whole.replace(reader["csrf"], "another-token")
    assert other.count("another-token") == whole.count(reader["csrf"]) > 0
    # five marks of the page's own (reviews due in two places), one per practice item placed
    slots = app.extensions["chapter_frame"].slots
    assert len(slots) == 7 and {"practice_p1", "practice_p2"} <= set(slots)
    if "q2" in answers and answers["q2"] == "false":
        assert 'data-role="review-notice"' in spliced and "toc-review" in spliced
