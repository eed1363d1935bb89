"""The picture of each figure's default state: drawn from the figure JSON, valid SVG with
every axis title and tick, colours as the page's CSS variables, cached on disk by hash."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from chapter.figures import BUILDERS, FIGURES, picture, svg

NS = "{http://www.w3.org/2000/svg}"


def _texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


@pytest.mark.parametrize("name", BUILDERS)
@pytest.mark.parametrize("narrow", [False, True], ids=["wide", "narrow"])
def test_each_picture_parses_and_names_every_axis(name, narrow):
    figure = BUILDERS[name](narrow=narrow)["figure"]
    text = svg.to_svg(figure, 360 if narrow else 640, FIGURES[name].title, picture.variables())
    root = ET.fromstring(text)
    assert root.find(f"{NS}title").text == FIGURES[name].title
    words = _texts(root)
    titles = [re.sub(r"<[^>]+>", "", a["title"]["text"]) for k, a in figure["layout"].items()
              if k[1:5] == "axis" and a.get("visible") is not False and a["title"]["text"]]
    assert titles and all(t in words for t in titles), (titles, words)
    for a in figure["layout"].get("annotations", []):  # panel titles and notes
        assert re.sub(r"<[^>]+>", "", a["text"]).replace("<br>", "") in " ".join(words)


def test_log_axes_are_labelled_in_powers_of_ten():
    root = ET.fromstring(svg.to_svg(BUILDERS["nudge"]()["figure"], 640, "t"))
    words = _texts(root)
    assert "10−5" in words and "10−1" in words and "1" in words  # Δx from 10⁻⁵ to 1
    sup = [s for s in root.iter(f"{NS}tspan") if s.get("baseline-shift") == "super"]
    assert sup and "−5" in [s.text for s in sup]


def test_lines_markers_and_text_are_drawn_where_the_data_says():
    figure = {"data": [{"type": "scatter", "mode": "lines+markers+text", "x": [0, 1, None, 2],
                        "y": [0, 1, None, 0], "text": ["", "top", "", ""],
                        "line": {"color": svg.style.BLUE}, "marker": {"size": 10}}],
              "layout": {"height": 200, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
                         "xaxis": {"range": [0, 2], "domain": [0, 1], "anchor": "y"},
                         "yaxis": {"range": [0, 1], "domain": [0, 1], "anchor": "x"}}}
    root = ET.fromstring(svg.to_svg(figure, 200, "t"))
    path = next(p for p in root.iter(f"{NS}path")  # the trace's line, not the grid
                if p.get("fill") == "none" and "widget-blue" in p.get("stroke", ""))
    assert path.get("d") == "M0.0,200.0L100.0,0.0M200.0,200.0"  # a gap at None
    assert path.get("stroke") == "var(--widget-blue, #0072B2)"
    assert len(list(root.iter(f"{NS}circle"))) == 3
    assert "top" in _texts(root)


def test_the_picture_carries_its_colours_for_both_themes():
    css = picture.variables()
    assert "--widget-blue:#0072b2" in css and "--text:#1f2328" in css
    dark = css[css.index("prefers-color-scheme: dark"):]
    assert "--widget-blue:#56b4e9" in dark and "--text:#e6e6e3" in dark


def test_pictures_are_cached_on_disk_by_hash(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSET_BUILD_DIR", str(tmp_path))
    made = picture.picture_for(FIGURES["vanishing"])
    names = sorted(p.name for p in (tmp_path / "figures").iterdir())
    files = [f for f in names if f.endswith(".svg")]
    assert len(files) == 2 and all(re.fullmatch(r"vanishing-(wide|narrow)\.[0-9a-f]{12}\.svg", f)
                                   for f in files)
    # Besides each picture, at most its compressed copies (served like every hashed asset).
    assert set(names) <= {f + ext for f in files for ext in ("", ".br", ".gz")}
    monkeypatch.setattr(svg, "to_svg", lambda *a: pytest.fail("drawn again, not read"))
    assert picture.picture_for(FIGURES["vanishing"]) == made


def test_the_page_links_each_picture_and_the_server_serves_it(client):
    page = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:srcset|src)="(/static/figures/[^"]+)"', page)
    assert len(urls) == 2 * len(FIGURES)  # wide and narrow
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert "immutable" in response.headers["Cache-Control"]
        ET.fromstring(response.get_data())
