"""LTI at rest and before a launch: logins cost no row, the tool's key is sealed, learner ids
are random. Against the test platform (tests/lti_platform.py) on loopback."""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import func, select

from lti import ags, keys, launch
from lti import registrations as regs
from store.lti import keys as key_rows
from store.lti import learners, nonces
from tests.lti_platform import FORM_FIELD, Platform, World


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        mp.delenv(name, raising=False)
    world = World(tmp_path_factory.mktemp("lti-hardening"))
    assert world.register(world.browser()).status_code == 200
    yield world
    world.stop()
    mp.undo()


def _count(world, table) -> int:
    engine = world.app.extensions["store"].engine
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()


def test_unauthenticated_logins_write_no_row(world):
    before = _count(world, nonces)
    for n in range(40):
        started = world.login(world.browser(), sub=f"flood-{n}")
        assert started.status_code == 302
    assert _count(world, nonces) == before


def test_a_launch_stores_its_nonce_once_and_a_replay_is_refused(world):
    before = _count(world, nonces)
    browser = world.browser()
    response, form = world.launch(browser)
    assert response.status_code == 303
    assert _count(world, nonces) == before + 1
    again = browser.post(f"{world.tool.url}/lti/launch", data=form, allow_redirects=False)
    assert again.status_code == 403 and "already been used" in again.text


def test_a_tampered_state_is_unknown(world):
    browser = world.browser()
    started = world.login(browser)
    page = requests.get(started.headers["Location"], timeout=5)
    form = dict(FORM_FIELD.findall(page.text))
    form["state"] = form["state"][:-2] + ("AA" if not form["state"].endswith("AA") else "BB")
    refused = browser.post(f"{world.tool.url}/lti/launch", data=form, allow_redirects=False)
    assert refused.status_code == 403 and "unknown to the tool" in refused.text


def test_an_expired_state_says_so(world, monkeypatch):
    browser = world.browser()
    started = world.login(browser)
    page = requests.get(started.headers["Location"], timeout=5)
    form = dict(FORM_FIELD.findall(page.text))
    monkeypatch.setattr(launch, "LOGIN_MAX_AGE", timedelta(seconds=-1))  # already past
    refused = browser.post(f"{world.tool.url}/lti/launch", data=form, allow_redirects=False)
    assert refused.status_code == 403 and "expired" in refused.text


def test_old_nonces_are_deleted_by_later_launches(world):
    engine = world.app.extensions["store"].engine
    with engine.begin() as conn:
        registration = conn.execute(select(learners.c.registration_id)).scalar() or 1
        conn.execute(nonces.insert().values(
            nonce="ancient", state="0" * 64, registration_id=registration, login="{}",
            created_at=datetime.now(UTC) - timedelta(days=1), used_at=datetime.now(UTC)))
    assert world.launch(world.browser(), sub="purger")[0].status_code == 303
    with engine.connect() as conn:
        assert conn.execute(select(nonces).where(nonces.c.nonce == "ancient")).first() is None


def test_learner_ids_are_random_not_derived_from_public_ids(world):
    world.launch(world.browser(), sub="student-77")
    engine = world.app.extensions["store"].engine
    with engine.connect() as conn:
        row = conn.execute(select(learners).where(learners.c.sub == "student-77")).first()
    derived = "lti-" + hashlib.sha256(f"{row.registration_id}:student-77".encode()).hexdigest()
    assert row.learner_id.startswith("lti-") and row.learner_id != derived[:36]
    assert len(row.learner_id) == 36
    world.launch(world.browser(), sub="student-77")  # the same person again: the same id
    with engine.connect() as conn:
        assert conn.execute(select(learners.c.learner_id).where(
            learners.c.sub == "student-77")).scalars().all() == [row.learner_id]


def _stored_keys(world) -> list[str]:
    with world.app.extensions["store"].engine.connect() as conn:
        return conn.execute(select(key_rows.c.private_pem)).scalars().all()


def test_the_tools_private_key_is_sealed_at_rest(world):
    published = world.browser().get(f"{world.tool.url}/lti/jwks").json()["keys"]
    stored = _stored_keys(world)
    assert published and stored
    assert not any("PRIVATE KEY" in value for value in stored)
    with world.app.app_context():
        kid, pem = keys.signing_key()
    assert "PRIVATE KEY" in pem and kid in {k["kid"] for k in published}


def test_a_key_stored_in_the_clear_is_sealed_when_read(world):
    from lti import adapter

    pem = adapter.new_private_pem()
    with world.app.extensions["store"].engine.begin() as conn:
        conn.execute(key_rows.insert().values(
            kid="legacy-plain", private_pem=pem,
            created_at=datetime(2020, 1, 1, tzinfo=UTC)))
    kids = {k["kid"] for k in world.browser().get(f"{world.tool.url}/lti/jwks").json()["keys"]}
    assert "legacy-plain" in kids
    assert not any("PRIVATE KEY" in value for value in _stored_keys(world))


def test_rotating_secret_key_with_a_fallback_then_reseal(world):
    app = world.app
    with app.app_context():
        kid, pem = keys.signing_key()
    old = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="a-new-secret-" + "x" * 40, SECRET_KEY_FALLBACKS=[old])
    app.secret_key = app.config["SECRET_KEY"]
    try:
        with app.app_context():
            assert keys.signing_key() == (kid, pem)  # opened with the fallback
        result = app.test_cli_runner().invoke(args=["lti", "reseal"])
        assert result.exit_code == 0 and "resealed" in result.output, result.output
        app.config["SECRET_KEY_FALLBACKS"] = []
        with app.app_context():
            assert keys.signing_key() == (kid, pem)  # now under the new key alone
    finally:
        app.config.update(SECRET_KEY=old, SECRET_KEY_FALLBACKS=[])
        app.secret_key = old
        with app.app_context():  # back under the old key for the other tests
            app.config["SECRET_KEY_FALLBACKS"] = ["a-new-secret-" + "x" * 40]
            keys.reseal_all()
            keys.reseal_class_keys()
            app.config["SECRET_KEY_FALLBACKS"] = []


# --- a platform that hangs reaches no reader -----------------------------------------------

def _queued(world) -> int:
    with world.app.app_context():
        return ags.pending_count()


@pytest.mark.parametrize("endpoint", ["answering", "scoring"])  # token, score endpoint
def test_a_hung_lms_never_slows_an_answer_and_gets_its_score_once_it_recovers(world, endpoint):
    student = world.browser()
    item = f"li-hung-{endpoint}"
    response, _ = world.launch(student, sub="student-hung", lineitem=item)
    assert response.status_code == 303
    world.app.extensions["lti_tokens"]._cache.clear()  # the next score needs a new token
    switch = getattr(world.platform, endpoint)
    switch.clear()
    try:
        started = time.monotonic()
        answer = student.post(f"{world.tool.url}/api/checkpoint/q1", json={"answer": "4e4"})
        took = time.monotonic() - started
        assert answer.status_code == 200 and answer.json()["correct"] is True
        assert took < 1.5, f"the answer took {took:.2f} s with the LMS hung"
        page_started = time.monotonic()
        assert student.get(f"{world.tool.url}/").status_code == 200
        assert time.monotonic() - page_started < 0.25
        assert _queued(world) >= 1 and item not in world.platform.scores
    finally:
        switch.set()
    delivered = world.scores_for(item)
    assert delivered[-1]["userId"] == "student-hung" and delivered[-1]["scoreGiven"] == 1


def test_one_hung_platform_does_not_hold_up_another(world):
    other = Platform(world.cert)
    other.registered = {"jwks_uri": f"{world.tool.url}/lti/jwks"}
    try:
        with world.app.app_context():
            healthy = regs.add(other.url, "tool-client-1", f"{other.url}/auth",
                               f"{other.url}/token", f"{other.url}/jwks", ["deployment-1"])
            hung = regs.find(world.platform.url, world.platform.client_id)
            world.app.extensions["lti_tokens"]._cache.clear()
            world.platform.answering.clear()
            ags.queue(hung.id, f"{world.platform.url}/lineitems/li-a", None,
                      {"userId": "a", "scoreGiven": 1, "scoreMaximum": 4})
            ags.queue(healthy.id, f"{other.url}/lineitems/li-b", None,
                      {"userId": "b", "scoreGiven": 2, "scoreMaximum": 4})
        deadline = time.monotonic() + 2.5  # before the hung platform's read timeout
        while "li-b" not in other.scores and time.monotonic() < deadline:
            time.sleep(0.02)
        assert other.scores["li-b"][-1]["scoreGiven"] == 2
        assert "li-a" not in world.platform.scores
    finally:
        world.platform.answering.set()
        other.stop()
    assert world.scores_for("li-a")[-1]["userId"] == "a"



def test_a_platform_whose_keys_hang_delays_no_other_platform_and_one_launch_briefly(tmp_path):
    """A launch reads the platform's JWKS when it meets a new kid: a platform that accepts
    and never answers costs that launch the short timeout, and other platforms nothing."""
    from benchmarks.bench_stall import Blackhole
    from tests.apps import make_app

    hole = Blackhole()
    app = make_app(tmp_path)
    platform_keys = regs.PlatformKeys()
    platform_keys._cache["https://healthy.example/jwks"] = ({"k1": {"kid": "k1"}}, time.monotonic())
    took: list[float] = []

    def hung_launch() -> None:
        with app.app_context():
            started = time.monotonic()
            with pytest.raises(regs.RegistrationError):
                platform_keys.key(f"http://127.0.0.1:{hole.port}/jwks", "k9")
            took.append(time.monotonic() - started)

    try:
        side = threading.Thread(target=hung_launch)
        side.start()
        # Once the silent platform has the hung fetch's connection, that fetch holds its
        # platform's lock (waited for: a fixed pause may be too short on a loaded machine).
        reached = time.monotonic() + 10
        while not hole.held and time.monotonic() < reached:
            time.sleep(0.01)
        assert hole.held, "the hung launch never reached its platform"
        with app.app_context():
            assert platform_keys.key("https://healthy.example/jwks", "k1") == {"kid": "k1"}
        # Answered while the hung launch still waits on its platform, which it gives up only
        # at the read timeout: had this waited on that platform's lock, it would have answered
        # only after the hung launch had given up. (Not timed: a pause of a loaded machine is
        # no wait on another platform.)
        assert took == [] and side.is_alive()
        side.join(10)
        assert took and took[0] < sum(regs.JWKS_TIMEOUT) + 0.5, took
    finally:
        hole.close()
        app.extensions["store"].dispose()
