"""Differentiate it yourself (d1) over HTTP: the variant, the live preview, grading with the
slip named, hints, Show answer, the page without JavaScript, and what instructors see."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest
from itsdangerous import URLSafeSerializer
from markupsafe import escape

from quizzes import typed, typed_family, typed_routes
from quizzes.bank import default_bank
from quizzes.expression_write import reading
from quizzes.typed_text import FEEDBACK
from tests.apps import assert_honestly_unsaved, make_app
from tests.classes_helpers import create_class, join

SIN_SQUARE = {"outer": "sin", "inner": "power", "n": 2}  # y = sin(x²)


def learner_of(client) -> str:
    with client.session_transaction() as session:
        return session["learner"]


def token_for(client, params: dict) -> str:
    """A token for chosen parameters, signed as the server signs one for this reader."""
    client.get("/api/checkpoint/d1/variant")  # the reader's session
    signer = URLSafeSerializer(client.application.config["SECRET_KEY"], salt=typed_routes.SALT)
    now = int(client.application.extensions["store"].now().timestamp())
    return signer.dumps({"q": "d1", "p": params, "l": learner_of(client), "t": now,
                         "n": str(time.perf_counter_ns())})


def answer(client, token, text):
    return client.post("/api/checkpoint/d1", json={"answer": text, "token": token})


def attempts_stored(client) -> int:
    return len(client.application.extensions["store"].attempts(learner_id=learner_of(client)))


def test_a_variant_has_the_documented_fields_and_nothing_of_its_answer(client):
    data = client.get("/api/checkpoint/d1/variant").get_json()
    assert {"token", "prompt_html", "function", "inner", "outer"} <= set(data)
    signer = URLSafeSerializer(client.application.config["SECRET_KEY"], salt=typed_routes.SALT)
    question = typed.build(signer.loads(data["token"])["p"])
    assert data["function"] == question.function
    body = str(data)
    assert question.answer not in body
    assert not any(h in body for h in question.hints) and question.solution_html not in body


def test_the_preview_reads_the_expression_and_points_at_what_it_cannot_read(client):
    shown = client.post("/api/checkpoint/d1/preview", json={"answer": "2x cos(x^2)"})
    assert shown.status_code == 200
    assert set(shown.get_json()) == {"mathml", "speech", "reading"}
    assert shown.get_json()["reading"] == "2*x*cos(x^2)"
    assert "Set-Cookie" not in shown.headers  # no session, no storage
    refused = client.post("/api/checkpoint/d1/preview", json={"answer": "ln*x"})
    assert refused.status_code == 422
    assert refused.get_json() == {"error": refused.get_json()["error"], "field": "answer",
                                  "position": 2}
    assert "ln(x)" in refused.get_json()["error"]


@pytest.mark.parametrize("slug", sorted(typed_family.slips(SIN_SQUARE)))
def test_each_slip_is_named_in_words_without_the_answer(client, slug):
    token = token_for(client, SIN_SQUARE)
    typed_slip = reading(typed_family.slips(SIN_SQUARE)[slug])
    data = answer(client, token, typed_slip).get_json()
    assert (data["correct"], data["misconception"]) == (False, slug)
    assert data["feedback"] == str(escape(FEEDBACK[slug]))
    assert data["misconception_label"] == default_bank().misconceptions[slug]
    assert data["explanation"] is None and "solution" not in data
    told = {k: v for k, v in data.items() if k not in ("answer", "preview")}  # not theirs
    assert typed.build(SIN_SQUARE).answer not in str(told)
    assert data["preview"]["reading"] == reading(typed_family.slips(SIN_SQUARE)[slug])
    assert data["state"]["state"] == "wrong"


def test_hints_then_a_right_answer_is_right_with_hints_and_earns_the_solution(client):
    token = token_for(client, SIN_SQUARE)
    for n in (1, 2, 3):
        hint = client.post("/api/checkpoint/d1/hint", json={"token": token}).get_json()
        assert hint["index"] == n and hint["last"] == (n == 3)
        assert "2*x*cos" not in hint["hint"] and "cos(x^2)" not in hint["hint"]
    data = answer(client, token, "cos(x²)·2x").get_json()
    assert data["correct"] and data["state"]["state"] == "right-with-hints"
    assert data["solution"] and data["explanation"]
    progress = client.get("/api/progress").get_json()
    assert progress["practice"]["d1"]["state"] == "right-with-hints"
    assert progress["summary"]["score"] == 0 and progress["summary"]["total"] == 4


def test_show_answer_then_typing_it_back_is_revealed_not_right(client):
    token = token_for(client, SIN_SQUARE)
    shown = client.post("/api/checkpoint/d1/reveal", json={"token": token}).get_json()
    assert "Worked solution" in shown["html"] and shown["derivative"] == "2*x*cos(x^2)"
    data = answer(client, token, shown["derivative"]).get_json()
    assert data["correct"] and data["state"]["state"] == "revealed"


@pytest.mark.parametrize("text", ["ln*x", "x" * 201, "(" * 21 + "x" + ")" * 21, "2e99999x",
                                  "sin(x", ""])
def test_unreadable_oversized_or_nested_input_is_refused_and_not_an_attempt(client, text):
    token = token_for(client, SIN_SQUARE)
    response = answer(client, token, text)
    assert response.status_code == 422 and response.get_json()["field"] == "answer"
    assert attempts_stored(client) == 0
    assert client.post("/api/checkpoint/d1", json={"answer": 3, "token": token}).status_code == 422


def test_a_token_is_its_readers_only_and_for_this_question_only(app):
    ada, bea = app.test_client(), app.test_client()
    token = token_for(ada, SIN_SQUARE)
    bea.get("/api/checkpoint/d1/variant")
    q1 = bea.get("/api/checkpoint/q1/variant").get_json()["token"]
    for client, tok in ((bea, token), (bea, q1), (bea, None), (bea, "forged")):
        for route, body in (("", {"answer": "2x cos(x^2)", "token": tok}),
                            ("/hint", {"token": tok}), ("/reveal", {"token": tok})):
            refused = client.post(f"/api/checkpoint/d1{route}", json=body)
            assert refused.status_code == 422 and refused.get_json()["field"] == "token"
    assert attempts_stored(bea) == 0
    assert answer(ada, token, "2x cos(x^2)").get_json()["correct"]


def test_with_storage_down_the_answer_is_not_graded_and_the_preview_works(client, app):
    token = token_for(client, SIN_SQUARE)
    app.extensions["store"]._open_until = time.monotonic() + 3600
    started = time.monotonic()
    refused = answer(client, token, "2x cos(x^2)")
    assert time.monotonic() - started < 2
    assert_honestly_unsaved(refused)  # no grade: a guess told but not stored would be free
    assert client.post("/api/checkpoint/d1/preview", json={"answer": "x^2"}).status_code == 200
    hint = client.post("/api/checkpoint/d1/hint", json={"token": token})
    assert hint.status_code == 503 and set(hint.get_json()) == {"error", "field"}
    reveal = client.post("/api/checkpoint/d1/reveal", json={"token": token})
    assert reveal.status_code == 503 and set(reveal.get_json()) == {"error", "field"}


def test_the_preview_is_rate_limited_per_address(tmp_path):
    client = make_app(tmp_path, PREVIEWS_PER_MINUTE=3).test_client()
    codes = [client.post("/api/checkpoint/d1/preview", json={"answer": "x"}).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_item_follows_question_1_and_holds_nothing_earned(client):
    page = client.get("/").get_data(as_text=True)
    assert page.index('id="q1"') < page.index('id="d1"') < page.index('id="q2"')
    panel = page[page.index('<template data-role="typed-panel">'):]
    panel = panel[:panel.index("</template>")]
    assert 'inputmode="text"' in panel and 'autocapitalize="off"' in panel
    assert 'spellcheck="false"' in panel and 'autocorrect="off"' in panel
    assert '<label for="d1-answer">' in panel and 'aria-live="polite"' in panel
    assert str(escape(typed_routes.FORMAT)) in panel
    assert "Worked solution" not in page and "Name the inner function" not in page
    assert not any(text in page for text in FEEDBACK.values())


def test_without_javascript_the_form_posts_and_shows_the_preview_with_the_grade(client):
    page = client.get("/checkpoint/d1").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signer = URLSafeSerializer(client.application.config["SECRET_KEY"], salt=typed_routes.SALT)
    params = signer.loads(token)["p"]
    slug, tree = next(iter(typed_family.slips(params).items()))
    posted = client.post("/checkpoint/d1", data={"token": token, "answer": reading(tree),
                                                 "action": "check", "csrf_token": csrf})
    # Stored, then shown by a GET (303): reloading the result sends nothing again.
    assert posted.status_code == 303 and posted.location.startswith("/checkpoint/d1")
    graded = client.get(posted.location)
    text = graded.get_data(as_text=True)
    assert graded.status_code == 200 and "Read as:" in text
    assert str(escape(default_bank().misconceptions[slug])) in text
    assert f'name="token" value="{token}"' in text and "result-verdict" in text
    reloaded = client.get(posted.location).get_data(as_text=True)  # shown once; no new attempt
    assert "result-verdict" not in reloaded and f'value="{token}"' not in reloaded
    with client.session_transaction() as held:
        learner = held["learner"]
    assert client.application.extensions["store"].summaries(learner)[""].attempts == 1
    refused = client.post("/checkpoint/d1", data={"token": token, "answer": "ln*x",
                                                  "action": "preview", "csrf_token": csrf})
    assert refused.status_code == 422 and "did you mean ln(x)?" in refused.get_data(as_text=True)
    assert client.post("/checkpoint/d1", data={"token": token, "answer": "x",
                                               "action": "check"}).status_code == 403


def test_instructors_see_d1_states_and_slips_on_the_dashboard_and_in_both_csvs(app):
    teacher = app.test_client()
    made = create_class(teacher)
    student = join(app, made["join"], "Ada")
    token = token_for(student, SIN_SQUARE)
    answer(student, token, reading(typed_family.slips(SIN_SQUARE)["forgot-inner"]))
    answer(student, token, "2x cos(x^2)")
    dashboard = teacher.get(made["teach"]).get_data(as_text=True)
    assert "Differentiate it yourself" in dashboard and "Right after 2 tries" in dashboard
    assert str(escape(default_bank().misconceptions["forgot-inner"])) in dashboard
    roster = list(csv.DictReader(io.StringIO(
        teacher.get(made["teach"] + "/roster.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert roster[0]["d1_state"] == "right-after-tries" and roster[0]["out_of"] == "4"
    rows = list(csv.DictReader(io.StringIO(
        teacher.get(made["teach"] + "/attempts.csv").get_data(as_text=True).lstrip("\ufeff"))))
    mine = [r for r in rows if r["question"] == "d1"]
    assert [(r["misconception"], r["state"]) for r in mine] == [
        ("forgot-inner", "wrong"), ("", "right-after-tries")]


def test_every_slip_the_engine_names_has_the_engines_label_in_the_bank():
    labels = default_bank().misconceptions
    for slug in typed.SLUGS:
        assert slug in labels
    for slug in ("forgot-inner", "inner-only", "derivative-of-derivative", "product-rule",
                 "sign"):  # the typed question's own: the engine's words for instructors
        assert labels[slug] == typed.SLIP_LABELS[slug]


def test_no_example_the_page_shows_is_the_answer_to_any_variant():
    examples = ["3x^2*cos(x)", "e^x/(1 + x)", "(x+1)^2*cos(x)"]
    assert all(e in typed_routes.FORMAT or e in str(default_bank().item("d1").prompt_html)
               for e in examples)
    for params in typed.all_params():
        assert not any(typed.grade(params, e).correct for e in examples), params


def test_a_right_d1_comes_back_for_review_with_another_function(client, clock):
    token = token_for(client, SIN_SQUARE)
    assert answer(client, token, "2x cos(x^2)").get_json()["correct"]
    clock(days=1, minutes=1)
    (item,) = client.get("/api/review").get_json()["due"]
    assert item["question"] == "d1" and item["typed"] and "<math" in item["prompt_html"]
    page = client.get("/").get_data(as_text=True)
    assert 'data-review="d1"' in page and 'autocapitalize="off"' in page
    signer = URLSafeSerializer(client.application.config["SECRET_KEY"],
                               salt="checkpoint-review-v1")
    params = signer.loads(item["token"][len("review."):])["p"]
    unreadable = client.post("/api/review/d1", json={"answer": "ln*x", "token": item["token"]})
    assert unreadable.status_code == 422 and unreadable.get_json()["field"] == "answer"
    slug, tree = next(iter(typed_family.slips(params).items()))
    wrong = client.post("/api/review/d1", json={"answer": reading(tree),
                                                "token": item["token"]}).get_json()
    assert (wrong["correct"], wrong["misconception"]) == (False, slug)
    assert "solution" not in wrong and wrong["next_due_words"] == "tomorrow"
    again = client.post("/api/review/d1", json={"answer": typed.build(params).answer,
                                                "token": item["token"]})
    assert again.status_code == 422  # the token counted once
    clock(days=1, minutes=1)
    (item,) = client.get("/api/review").get_json()["due"]
    params = signer.loads(item["token"][len("review."):])["p"]
    right = client.post("/api/review/d1", json={"answer": typed.build(params).answer,
                                                "token": item["token"]}).get_json()
    assert right["correct"] and right["solution"] and right["next_due_words"] == "in 3 days"
