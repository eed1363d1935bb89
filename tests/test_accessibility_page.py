"""GET /accessibility: the statement (contact, limitations, date, version) and every WCAG 2.2
A and AA criterion of the report, from the same rows as ACCESSIBILITY.md; linked from the
footer of every page."""

from __future__ import annotations

import html
import re

from tests.apps import make_app
from tests.classes_helpers import create_class
from web import acr


def _page(client) -> str:
    response = client.get("/accessibility")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return html.unescape(response.get_data(as_text=True))


def test_the_page_lists_every_a_and_aa_criterion(client):
    body = _page(client)
    assert "<title>Accessibility statement and conformance report · SeeingML</title>" in body
    rows = re.findall(r'<tr id="sc-([\d.]+)" data-criterion', body)
    wcag = [i for level in ("A", "AA") for i in acr.WCAG22[level]]
    assert sorted(rows) == sorted(wcag) and len(rows) == 56  # 55, and 4.1.1's obsolete row
    criteria = {c["id"]: c for c in acr.load_criteria()["criterion"]}
    for cid in wcag:
        row = body.split(f'id="sc-{cid}"', 1)[1].split("</tr>", 1)[0]
        assert f"{cid} {criteria[cid]['name']}" in row
        assert re.search(r"Supports|Partially Supports|Does Not Support|Not Applicable", row)
    assert "Table 1: success criteria, level A" in body
    assert "Table 2: success criteria, level AA" in body


def test_the_statement_has_a_contact_limitations_date_and_version(client):
    body = _page(client)
    assert "Tell us about a problem" in body
    assert "has not named an accessibility contact" in body  # the default, said plainly
    limits = body.split('id="limits-h"', 1)[1].split("<h2", 1)[0]
    shown = re.findall(r"<li>(.*?)</li>", limits, re.S)
    assert shown == list(acr.build().limitations) and len(shown) >= 3
    assert "hover labels answer the mouse only" in limits
    assert f"version {acr.version()}" in body
    run = acr.load_results().get("run")
    assert (run["date"] if run else "No test run recorded yet") in body


def test_a_configured_contact_is_a_link(tmp_path):
    for value, link in (("access@example.org", 'href="mailto:access@example.org"'),
                        ("https://example.org/help", 'href="https://example.org/help"')):
        app = make_app(tmp_path / value.replace("/", "_"), ACCESSIBILITY_CONTACT=value)
        assert link in app.test_client().get("/accessibility").get_data(as_text=True)
    app = make_app(tmp_path / "words", ACCESSIBILITY_CONTACT="<b>Room 4</b>, Library")
    body = app.test_client().get("/accessibility").get_data(as_text=True)
    assert "&lt;b&gt;Room 4&lt;/b&gt;, Library" in body  # words, escaped: never markup


def test_a_criterion_whose_test_failed_is_not_shown_as_supported():
    criteria = acr.load_criteria()
    row = next(c for c in criteria["criterion"] if c["id"] == "2.5.8")
    assert row["conformance"] == "Supports"
    results = acr.record(criteria, "2026-01-02", {row["tests"][0]: "failed"})
    shown = next(r for r in acr.build(criteria, results).rows if r.id == "2.5.8")
    assert shown.conformance == "Partially Supports" and shown.outcome == "failed"
    assert shown.remarks.startswith(f"Not confirmed: {row['tests'][0]} failed")


def test_every_page_links_the_statement_from_its_footer(client, app):
    klass = create_class(client, "Footer check")
    for path in ("/", "/accessibility", "/no/such/page", klass["teach"], "/classes/new"):
        body = client.get(path).get_data(as_text=True)
        footer = body.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]
        assert 'href="/accessibility"' in footer, path


def test_the_statement_is_not_a_form_and_takes_no_input(client):
    assert client.post("/accessibility").status_code in (403, 405)
    assert client.get("/accessibility?x=%00").status_code == 200
