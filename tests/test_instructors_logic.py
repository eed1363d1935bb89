"""The pure parts of instructors/: keys, names, labels and the wrong-key backoff."""

from __future__ import annotations

import hashlib

import pytest

from instructors import keys as logic
from instructors.labels import plain_text
from instructors.ratelimit import FREE_MISSES, MAX_WAIT, StoredBackoff
from quizzes.bank import default_bank


def test_keys_and_tokens_are_long_random_and_url_safe():
    keys = {logic.new_key() for _ in range(50)}
    tokens = {logic.new_token() for _ in range(50)}
    assert len(keys) == len(tokens) == 50
    assert all(len(k) >= 43 for k in keys) and all(len(t) >= 22 for t in tokens)
    assert all(set(k) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
               for k in keys | tokens)


def test_a_key_matches_only_its_own_hash():
    key = logic.new_key()
    stored = logic.hash_key(key)
    assert stored == hashlib.sha256(key.encode()).hexdigest() and key not in stored
    assert logic.key_matches(key, stored)
    assert not logic.key_matches(key[:-1], stored)
    assert not logic.key_matches(logic.new_key(), stored)
    assert not logic.key_matches("", stored)


@pytest.mark.parametrize(("raw", "expected"), [
    ("  Ada   Lovelace ", "Ada Lovelace"),
    ("s1234567", "s1234567"),
    ("Zoë Ñúñez-O'Brien", "Zoë Ñúñez-O'Brien"),
    ("李小龍", "李小龍"),
])
def test_names_are_tidied(raw, expected):
    assert logic.clean_name(raw, "name", 80, "your name") == expected


@pytest.mark.parametrize(("raw", "message"), [
    (None, "Type your name."),
    ("", "Type your name; it cannot be empty."),
    ("x" * 81, "Your name can be at most 80 characters (this one has 81)."),
    ("a\u202eb", "Use letters, digits and punctuation in your name."),
    ("a\u0007b", "Use letters, digits and punctuation in your name."),
])
def test_names_that_cannot_be_used_say_why(raw, message):
    with pytest.raises(logic.BadName) as caught:
        logic.clean_name(raw, "name", 80, "your name")
    assert caught.value.message == message and caught.value.field == "name"


def test_labels_read_as_text_with_unicode_maths():
    q1 = default_bank().questions["q1"]
    assert [plain_text(c.label_html) for c in q1.choices] == [
        "e⁴ ≈ 54.6", "4e² ≈ 29.6", "4e⁴ ≈ 218.4", "2e⁴ ≈ 109.2", "e⁴ · 2x"]
    q3 = default_bank().questions["q3"]
    assert plain_text(q3.choice_by_id["1e-10"].label_html) == "10⁻¹⁰"
    assert plain_text("it&rsquo;s <em>fine</em> &amp; well") == "it’s fine & well"
    assert plain_text("<b>unclosed") == "unclosed"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_backoff_lets_a_few_misses_through_then_doubles_the_wait(store):
    clock = Clock()
    limiter = StoredBackoff(store, clock)
    for _ in range(FREE_MISSES):
        limiter.miss("1.2.3.4")
        assert limiter.retry_after("1.2.3.4") == 0
    waits = []
    for _ in range(4):
        limiter.miss("1.2.3.4")
        waits.append(limiter.retry_after("1.2.3.4"))
    assert waits == [1, 2, 4, 8]
    assert limiter.retry_after("5.6.7.8") == 0  # one address's misses do not block another
    clock.now += 8
    assert limiter.retry_after("1.2.3.4") == 0


def test_backoff_is_capped_and_forgotten_after_a_quiet_spell(store):
    clock = Clock()
    limiter = StoredBackoff(store, clock)
    for _ in range(FREE_MISSES + 30):
        limiter.miss("1.2.3.4")
    assert limiter.retry_after("1.2.3.4") == MAX_WAIT
    clock.now += 24 * 3600
    assert limiter.retry_after("1.2.3.4") == 0
    limiter.miss("1.2.3.4")  # a fresh start: free misses again
    assert limiter.retry_after("1.2.3.4") == 0
