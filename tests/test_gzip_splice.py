"""The gzip body finished per request (web/gzip_splice.py): whatever the texts and the value
put in the holes, it decompresses — its CRC and length checked — to the page itself."""

from __future__ import annotations

import gzip
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from web.gzip_splice import SplicedGzip

_texts = st.lists(st.binary(max_size=3000), min_size=1, max_size=5)


@settings(max_examples=200)
@given(_texts, st.binary(max_size=200))
def test_it_decompresses_to_the_texts_with_the_value_in_every_hole(texts, value):
    spliced = SplicedGzip.of(tuple(texts))
    assert gzip.decompress(spliced.body(value)) == value.join(texts)


def test_a_page_sized_text_compresses_and_long_values_span_stored_blocks():
    page = (b"<p>The chain rule multiplies the local derivatives.</p>\n" * 3000, b"<form>",
            b"</form>" + bytes(range(256)) * 300)
    spliced = SplicedGzip.of(page)
    for value in (b"", b"tok-123", b"x" * 70_000):  # the last needs two stored blocks
        body = spliced.body(value)
        assert gzip.decompress(body) == value.join(page)
    assert len(spliced.body(b"tok-123")) < sum(map(len, page)) / 4


def test_a_wrong_crc_would_be_caught():
    """The check the tests rely on: a body with a changed CRC does not decompress."""
    body = bytearray(SplicedGzip.of((b"a" * 100, b"b" * 100)).body(b"hole"))
    body[-8] ^= 1
    try:
        gzip.decompress(bytes(body))
    except (OSError, zlib.error):  # BadGzipFile is an OSError
        return
    raise AssertionError("a corrupted CRC decompressed")


@given(st.binary(max_size=4000), st.binary(min_size=1, max_size=60))
def test_gzip_around_decompresses_to_the_page(page, value):
    from web.gzip_splice import gzip_around

    page = page + value + page[:100]  # at least one occurrence
    assert gzip.decompress(gzip_around(page, value)) == page


def test_the_value_is_stored_as_it_is_never_compressed_with_the_page():
    """A secret in the page does not change how the rest compresses: text put beside it that
    guesses its first characters compresses no better when right than when wrong (what BREACH
    measures). Each text between holes has a compressor of its own, so none refers back."""
    from web.gzip_splice import gzip_around

    secret = b"tok-7f3a9c2b5d"
    for right, wrong in ((b"tok-7f3a9c2b5", b"tok-q8w2e1x0z"), (b"7f3a9c2b", b"q8w2e1x0")):
        for after in (False, True):
            sizes = {len(gzip_around(b"<input value=" + secret + b"><p>" + guess + b"</p>"
                                     if after else
                                     b"<p>" + guess + b"</p><input value=" + secret + b">",
                                     secret))
                     for guess in (right, wrong)}
            assert len(sizes) == 1, (right, after, sizes)
    assert secret in gzip_around(b"a" * 500 + secret + b"b" * 500, secret)
    spliced = SplicedGzip.of((b"<p>tok-7f3a9c</p><input value=", b">"))
    assert secret in spliced.body(secret)
