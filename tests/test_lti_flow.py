"""LTI 1.3 end to end, against the test platform (tests/lti_platform.py) on loopback: the tool
served over HTTPS, a requests.Session as the browser."""

from __future__ import annotations

import re
import time

import pytest
import requests

from lti import ags, keys
from lti.launch import state_key
from tests.apps import make_app
from tests.lti_platform import INSTRUCTOR, REGISTRATION_CODE, TA, World

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        mp.delenv(name, raising=False)  # they would override Session.verify
    world = World(tmp_path_factory.mktemp("lti"))
    response = world.register(world.browser())
    assert response.status_code == 200, response.text
    yield world
    world.stop()
    mp.undo()


def test_dynamic_registration_posts_the_tools_urls_and_stores_the_platform(world):
    sent = world.platform.registered
    tool = world.tool.url
    assert sent["initiate_login_uri"] == f"{tool}/lti/login"
    assert sent["redirect_uris"] == [f"{tool}/lti/launch"]
    assert sent["jwks_uri"] == f"{tool}/lti/jwks"
    assert sent["token_endpoint_auth_method"] == "private_key_jwt"
    config = world.browser().get(f"{tool}/lti/config").json()
    assert config["public_jwk_url"] == f"{tool}/lti/jwks"
    assert config["oidc_initiation_url"] == f"{tool}/lti/login"
    with world.app.app_context():
        from lti import registrations

        found = registrations.find(world.platform.url, world.platform.client_id)
    assert found.deployment_ids == (world.platform.deployment_id,)


def test_register_without_a_configuration_is_a_400_page(world):
    response = world.browser().get(f"{world.tool.url}/lti/register",
                                   params={"code": REGISTRATION_CODE})
    assert response.status_code == 400
    assert "openid_configuration" in response.text


@pytest.mark.parametrize("code", [None, "a-guess"])
def test_registration_without_the_operators_code_fetches_nothing(world, code):
    reads = world.platform.configuration_reads
    response = world.browser().get(f"{world.tool.url}/lti/register", params={
        "code": code,
        "openid_configuration": f"{world.platform.url}/.well-known/openid-configuration"})
    assert response.status_code == 403
    assert "registration code" in response.text
    assert world.platform.configuration_reads == reads


def test_instructor_opens_the_dashboard_and_a_student_gets_scored(world):
    teacher = world.browser()
    response, _ = world.launch(teacher, sub="teacher-1", role=INSTRUCTOR)
    assert response.status_code == 303, response.text
    assert response.headers["Location"].endswith("/lti/dashboard")
    cookies = ", ".join(v for k, v in response.raw.headers.items() if k.lower() == "set-cookie")
    assert "SameSite=None" in cookies and "Secure" in cookies and "Partitioned" in cookies
    assert f"frame-ancestors 'self' {world.platform.url}" in response.headers[
        "Content-Security-Policy"]
    dashboard = teacher.get(world.tool.url + "/lti/dashboard")
    assert dashboard.status_code == 200
    assert "ML 101" in dashboard.text
    assert "/teach/" in dashboard.text  # its live data and exports work as with a key link
    assert world.browser().get(world.tool.url + "/lti/dashboard").status_code == 403

    student = world.browser()
    response, _ = world.launch(student, sub="student-1")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/#q1")
    tokens_before = world.platform.token_requests
    assert student.post(f"{world.tool.url}/api/checkpoint/q1",
                        json={"answer": "4e4"}).json()["correct"] is True
    assert student.post(f"{world.tool.url}/api/checkpoint/q2",
                        json={"answer": "true"}).json()["correct"] is False
    sent = world.scores_for("li-1", until=lambda got: got and "forward-order" in got[-1][
        "comment"])
    assert sent[-1]["scoreGiven"] == 1  # the newest score replaces any still waiting
    last = sent[-1]
    assert last["userId"] == "student-1" and last["scoreMaximum"] == 4
    assert last["activityProgress"] == "InProgress"
    assert last["gradingProgress"] == "FullyGraded"
    assert "forward-order" in last["comment"] and "1 of 4" in last["comment"]
    assert world.platform.token_requests - tokens_before <= 1  # the token was reused

    store = world.app.extensions["store"]
    attempts = [a for a in store.attempts() if a.learner_id.startswith("lti-")]
    assert attempts and all(a.class_id is not None for a in attempts)
    again = teacher.get(world.tool.url + "/lti/dashboard")
    assert "Person student-1" in again.text


def test_a_teaching_assistant_is_not_an_instructor_unless_configured(world):
    assistant = world.browser()
    response, _ = world.launch(assistant, sub="ta-1", role=TA)
    assert response.status_code == 303
    assert not response.headers["Location"].endswith("/lti/dashboard")
    assert assistant.get(world.tool.url + "/lti/dashboard").status_code == 403
    world.app.config["LTI_TA_IS_INSTRUCTOR"] = True
    try:
        response, _ = world.launch(world.browser(), sub="ta-1", role=TA)
        assert response.headers["Location"].endswith("/lti/dashboard")
    finally:
        world.app.config["LTI_TA_IS_INSTRUCTOR"] = False


@pytest.mark.parametrize(("spec", "status", "says"), [
    ({"forge": True}, 401, "signature"),
    ({"aud": "someone-else"}, 401, "aud"),
    ({"aud": ["tool-client-1", "other"]}, 401, "azp"),
    ({"exp_offset": -120}, 401, "expired"),
    ({"deployment_id": "deployment-9"}, 403, "deployment"),
    ({"target": "https://elsewhere.example/launch"}, 400, "target link"),
], ids=["forged-key", "wrong-aud", "aud-list-without-azp", "expired", "unknown-deployment",
        "foreign-target"])
def test_launches_that_fail_a_check_are_refused_with_the_reason(world, spec, status, says):
    if "target" in spec:  # refused at login already
        response = world.login(world.browser(), **spec)
    else:
        response, _ = world.launch(world.browser(), **spec)
    assert response.status_code == status, response.text
    assert says in response.text
    assert "Traceback" not in response.text


def test_an_unknown_client_is_refused_at_login(world):
    response = world.login(world.browser(), client_id="no-such-client")
    assert response.status_code == 403
    assert "not registered" in response.text


def test_unknown_kid_before_and_after_the_platforms_rotation(world):
    response, _ = world.launch(world.browser(), kid="k3")  # not yet published
    assert response.status_code == 401 and "kid" in response.text
    world.platform.rotate()
    response, _ = world.launch(world.browser(), kid="k3")  # now published: fetched again
    assert response.status_code == 303, response.text
    world.platform.keys["zz"] = world.platform.keys["k1"]
    response, _ = world.launch(world.browser(), kid="zz")  # never published
    assert response.status_code == 401 and "kid" in response.text


def test_a_replayed_id_token_fails_everywhere(world):
    browser = world.browser()
    response, form = world.launch(browser)
    assert response.status_code == 303
    url = f"{world.tool.url}/lti/launch"
    same = browser.post(url, data=form, allow_redirects=False)
    assert same.status_code == 403 and "already been used" in same.text
    fresh = world.browser().post(url, data=form, allow_redirects=False)
    assert fresh.status_code == 403 and "already been used" in fresh.text
    other = make_app(world.app.instance_path, **world.config)  # another instance, same DB
    client = other.test_client()
    replay = client.post("/lti/launch", data=form, base_url=world.tool.url,
                         headers={"Cookie": f"lti1p3-state-{state_key(form['state'])}=1"})
    assert replay.status_code == 403 and "already been used" in replay.get_data(as_text=True)
    other.extensions["lti_sender"].stop()
    other.extensions["store"].dispose()


def test_a_browser_without_the_launch_cookie_is_offered_a_new_window(world):
    started = world.login(world.browser())
    page = requests.get(started.headers["Location"], timeout=5).text
    from tests.lti_platform import FORM_FIELD

    form = dict(FORM_FIELD.findall(page))
    response = world.browser().post(f"{world.tool.url}/lti/launch", data=form)
    assert response.status_code == 401
    assert "Open in a new window" in response.text and 'target="_blank"' in response.text


def test_platform_storage_is_used_when_offered(world):
    browser = world.browser()
    hint = world.platform.hint(sub="student-2", target=f"{world.tool.url}/lti/launch")
    response = browser.get(f"{world.tool.url}/lti/login", params={
        "iss": world.platform.url, "login_hint": "student-2", "lti_message_hint": hint,
        "target_link_uri": f"{world.tool.url}/lti/launch",
        "client_id": world.platform.client_id, "lti_storage_target": "_parent"})
    assert response.status_code == 200
    assert 'data-mode="put"' in response.text and "js/lti." in response.text
    auth = re.search(r'data-next="([^"]+)"', response.text).group(1)
    from html import unescape

    from tests.lti_platform import FORM_FIELD

    form = dict(FORM_FIELD.findall(requests.get(unescape(auth), timeout=5).text))
    cookieless = world.browser()  # third-party cookies blocked: the platform keeps the state
    asked = cookieless.post(f"{world.tool.url}/lti/launch", data=form)
    assert asked.status_code == 200 and 'data-mode="get"' in asked.text
    answered = cookieless.post(f"{world.tool.url}/lti/launch", allow_redirects=False,
                               data={**form, "lti_storage_state": form["state"]})
    assert answered.status_code == 303, answered.text


def test_deep_linking_returns_a_jwt_signed_with_the_tools_published_key(world):
    browser = world.browser()
    response, _ = world.launch(browser, sub="teacher-1", role=INSTRUCTOR,
                               message_type="LtiDeepLinkingRequest")
    assert response.status_code == 200, response.text
    csrf = CSRF.search(response.text).group(1)
    with world.app.app_context():
        old_kid = keys.signing_key()[0]
        new_kid = keys.rotate()  # during a rotation both are published
    published = {k["kid"] for k in world.platform.tool_jwks()["keys"]}
    assert {old_kid, new_kid} <= published
    answer = browser.post(f"{world.tool.url}/lti/deep-link",
                          data={"item": "checkpoint", "csrf_token": csrf})
    assert answer.status_code == 200
    action = re.search(r'action="([^"]+)"', answer.text.split('id="lti-return"')[1]).group(1)
    token = re.search(r'name="JWT" value="([^"]+)"', answer.text).group(1)
    assert world.platform.url in answer.headers["Content-Security-Policy"]
    placed = requests.post(action, data={"JWT": token}, timeout=5)
    assert placed.status_code == 200
    claims = world.platform.deep_links[-1]
    assert claims["iss"] == world.platform.client_id
    item = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"][0]
    assert item["lineItem"]["scoreMaximum"] == 4 and item["custom"] == {"item": "checkpoint"}
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-42"
    import jwt

    assert jwt.get_unverified_header(token)["kid"] == new_kid


def test_a_score_the_platform_refuses_is_kept_and_sent_later(world):
    no_token = requests.post(f"{world.platform.url}/lineitems/li-2/scores", json={},
                             timeout=5)
    assert no_token.status_code == 401
    teacher = world.browser()  # the course's class exists before its student answers
    launched, _ = world.launch(teacher, sub="teacher-1", role=INSTRUCTOR)
    assert launched.status_code == 303
    student = world.browser()
    response, _ = world.launch(student, sub="student-3", lineitem="li-2")
    assert response.status_code == 303
    world.platform.tokens.clear()  # the tool's cached token no longer works …
    world.platform.token_failures = 100  # … and no new one can be had
    student.post(f"{world.tool.url}/api/checkpoint/q1", json={"answer": "4e4"})
    assert "li-2" not in world.platform.scores
    with world.app.app_context():
        assert ags.pending_count() == 1
        class_id = world.app.extensions["store"].attempts(
            learner_id=None)[-1].class_id
        assert ags.pending_count(class_id) == 1
    dashboard = teacher.get(world.tool.url + "/lti/dashboard").text
    assert "1 score waiting to reach the LMS gradebook" in dashboard
    world.platform.token_failures = 0  # the platform recovers: the sender delivers it
    assert world.scores_for("li-2")[-1]["scoreGiven"] == 1
    with world.app.app_context():  # the row goes once the platform has answered the sender
        deadline = time.monotonic() + 10
        while ags.pending_count() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert ags.pending_count() == 0


def test_what_a_browser_was_shown_before_a_launch_counts_as_revealed(world):
    """A browser that saw q1's explanation under another record (its own anonymous one, or
    one taken with someone's resume code) and then launches from the LMS gets no clean
    "Right first try" on q1 under the launched identity."""
    browser = world.browser()
    seen = browser.post(f"{world.tool.url}/api/checkpoint/q1", json={"answer": "4e4"}).json()
    assert seen["correct"] and seen["explanation"]
    response, _ = world.launch(browser, sub="student-shown")
    assert response.status_code == 303
    assert browser.post(f"{world.tool.url}/api/checkpoint/q1",
                        json={"answer": "4e4"}).json()["correct"] is True
    q1 = browser.get(f"{world.tool.url}/api/progress").json()["states"]["q1"]
    assert q1["revealed"] and q1["state"] != "right-first-try", q1


def test_a_revealed_answer_typed_back_reaches_the_gradebook_as_nothing(world):
    """The gradebook gets the roster's score by the same rule: a reveal before the right
    answer scores 0 (the class's default), hints are named, and so is the reveal."""
    teacher = world.browser()
    assert world.launch(teacher, sub="teacher-1", role=INSTRUCTOR)[0].status_code == 303
    student = world.browser()
    assert world.launch(student, sub="student-9", lineitem="li-9")[0].status_code == 303
    url = world.tool.url
    assert student.post(f"{url}/api/checkpoint/q1/reveal", json={}).status_code == 200
    assert student.post(f"{url}/api/checkpoint/q1", json={"answer": "4e4"}).json()["correct"]
    assert student.post(f"{url}/api/checkpoint/q2/hint", json={}).status_code == 200
    assert student.post(f"{url}/api/checkpoint/q2", json={"answer": "false"}).json()["correct"]
    sent = world.scores_for("li-9", until=lambda got: got and "Right with hints: Q2." in got[
        -1]["comment"])
    # Scores waiting to be sent are sent as the latest one, so a loaded machine may send only
    # the last: Q1 (revealed, then right) never counts in any of them.
    assert [s["scoreGiven"] for s in sent if s["scoreGiven"] not in (0, 1)] == []
    assert sent[-1]["scoreGiven"] == 1
    assert "Answer revealed before a right answer: Q1." in sent[-1]["comment"]
    assert "Right with hints: Q2." in sent[-1]["comment"]
    assert "1 of 4 checkpoint questions right" in sent[-1]["comment"]
    dashboard = teacher.get(url + "/lti/dashboard").text
    row = re.search(r"Person student-9</th>.*?</tr>", dashboard, re.S).group(0)
    assert re.search(r'data-label="Score">1 <span class="of">of 4', row)
