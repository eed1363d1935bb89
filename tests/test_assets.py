"""Static files: content-hashed names, pre-compressed variants, a year of caching."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest
from flask import Flask

from web import assets

STATIC = Path(__file__).resolve().parent.parent / "static"


def linked_assets(client) -> list[str]:
    page = client.get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', page)


def test_the_page_links_css_js_and_icon_by_content_hash(client):
    urls = linked_assets(client)
    for plain in ("css/chapter.css", "js/chapter.js", "favicon.svg"):
        stem, ext = plain.rsplit(".", 1)
        assert any(re.fullmatch(rf"/static/{stem}\.[0-9a-f]{{12}}\.{ext}", u) for u in urls), plain
    assert not any("?" in u for u in urls)


@pytest.mark.parametrize(("accept", "encoding", "decode"), [
    ("gzip, deflate, br", "br", brotli.decompress),
    ("gzip", "gzip", gzip.decompress),
    ("br;q=0.1, gzip;q=0.9", "gzip", gzip.decompress),
    ("identity", None, bytes),
    ("br;q=0, gzip;q=0", None, bytes),
])
def test_each_asset_is_served_in_the_encoding_the_browser_accepts(client, accept, encoding,
                                                                   decode):
    for url in linked_assets(client):
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == encoding, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Accept-Encoding" in response.headers["Vary"]
        plain = re.sub(r"\.[0-9a-f]{12}\.", ".", url.removeprefix("/static/"))
        source = STATIC / plain
        if not source.is_file():  # made at start-up (the figures' pictures): the built file
            source = STATIC / "build" / url.removeprefix("/static/")
        expected = source.read_bytes()
        if source.suffix == ".css":  # a style sheet is served without its comments
            expected = assets.css_without_comments(expected)
        elif source.suffix == ".js":  # a script without its comment lines
            expected = assets.js_without_comment_lines(expected)
        assert decode(response.data) == expected


def test_a_script_is_served_without_its_comment_lines_its_lines_where_they_were():
    script = b'// why\nconst a = "//kept"; // kept too\n  // more\nf(a);\n'
    served = b'\nconst a = "//kept"; // kept too\n\nf(a);\n'
    assert assets.js_without_comment_lines(script) == served


@pytest.mark.parametrize("script", sorted(STATIC.glob("js/*.js")), ids=lambda p: p.name)
def test_no_script_holds_a_string_over_several_lines(script):
    """So a line that opens with // is a comment: no template literal spans lines (an even
    number of backticks on each) and no string is continued with a backslash."""
    for number, line in enumerate(script.read_text().splitlines(), 1):
        assert line.count("`") % 2 == 0 and not line.endswith("\\"), (script.name, number)


def test_a_style_sheet_is_served_without_its_comments_its_strings_whole():
    sheet = (b'a { x: 1; } /* why */\n\n\n/* more,\nover lines */\n'
             b'b::before { content: "/* kept */"; }\n  \nc::after { content: \'\\\'/*\'; }\n')
    assert assets.css_without_comments(sheet) == (
        b'a { x: 1; } \nb::before { content: "/* kept */"; }\nc::after { content: \'\\\'/*\'; }\n')
    for source in sorted(STATIC.glob("css/*.css")):  # every sheet: only comments go
        served = assets.css_without_comments(source.read_bytes()).decode()
        assert "/*" not in served.replace('"/*', "") and "*/" not in served, source.name
        words = re.sub(r"/\*.*?\*/", "", source.read_text(), flags=re.S).split()
        assert served.split() == words, source.name


def test_compressed_variants_are_much_smaller(client):
    css = next(u for u in linked_assets(client) if u.endswith(".css"))
    raw = len(client.get(css, headers={"Accept-Encoding": "identity"}).data)
    br = len(client.get(css, headers={"Accept-Encoding": "br"}).data)
    assert br < raw / 3


def test_a_cached_asset_revalidates_with_304(client):
    url = linked_assets(client)[0]
    etag = client.get(url, headers={"Accept-Encoding": "br"}).headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304


def test_plain_names_still_work_but_are_not_cached_forever(client):
    response = client.get("/static/css/chapter.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_the_page_itself_is_served_compressed_with_its_etag(client):
    plain = client.get("/", headers={"Accept-Encoding": "identity"})
    br = client.get("/", headers={"Accept-Encoding": "br"})
    gz = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert br.headers["Content-Encoding"] == "br" and gz.headers["Content-Encoding"] == "gzip"
    assert brotli.decompress(br.data) == plain.data == gzip.decompress(gz.data)
    assert len(br.data) < len(plain.data) / 4
    assert "Accept-Encoding" in br.headers["Vary"]
    assert br.headers["ETag"] != plain.headers["ETag"]  # two representations, two tags
    again = client.get("/", headers={"Accept-Encoding": "br", "If-None-Match": br.headers["ETag"]})
    assert again.status_code == 304


def _app_with_static(static: Path, build: Path | None) -> Flask:
    app = Flask(__name__, static_folder=str(static))
    app.config["ASSET_BUILD_DIR"] = str(build) if build else None
    assets.init_app(app)
    return app


def test_a_changed_file_gets_a_new_name_and_nginx_ready_files(tmp_path):
    static, build = tmp_path / "static", tmp_path / "build"
    (static / "css").mkdir(parents=True)
    (static / "css" / "a.css").write_text("body { color: red; }\n" * 50)
    first = _app_with_static(static, build).extensions["assets"].by_name["css/a.css"].hashed
    (static / "css" / "a.css").write_text("body { color: blue; }\n" * 50)
    second = _app_with_static(static, build).extensions["assets"].by_name["css/a.css"].hashed
    assert first != second
    for name in (second, second + ".br", second + ".gz"):
        assert (build / name).is_file(), name
    assert gzip.decompress((build / (second + ".gz")).read_bytes()) == (
        static / "css" / "a.css").read_bytes()


def test_an_unwritable_build_folder_still_serves(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "a.js").write_text("console.log('hello');\n" * 40)
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    app = _app_with_static(static, blocked / "build")
    hashed = app.extensions["assets"].by_name["a.js"].hashed
    response = app.test_client().get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert gzip.decompress(response.data) == (static / "a.js").read_bytes()


def test_a_page_loaded_before_a_change_still_gets_its_files(tmp_path):
    """A worker restarted with newer files still serves the names older pages link to."""
    static, build = tmp_path / "static", tmp_path / "build"
    static.mkdir()
    (static / "w.js").write_text("let version = 1;\n" * 60)
    old = _app_with_static(static, build).extensions["assets"].by_name["w.js"].hashed
    (static / "w.js").write_text("let version = 2;\n" * 60)
    client = _app_with_static(static, build).test_client()
    response = client.get(f"/static/{old}", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert brotli.decompress(response.data) == b"let version = 1;\n" * 60


def test_earlier_versions_are_only_looked_up_inside_the_build_folder(tmp_path):
    static, build = tmp_path / "static", tmp_path / "build"
    static.mkdir()
    (static / "a.css").write_text("a {}\n")
    (tmp_path / "secret.0123456789ab.txt").write_text("not for readers")
    client = _app_with_static(static, build).test_client()
    for path in ("../secret.0123456789ab.txt", "..%2fsecret.0123456789ab.txt",
                 "nothing.0123456789ab.css"):
        assert client.get(f"/static/{path}").status_code == 404
