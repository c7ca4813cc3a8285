"""The origin parser's shortcut for texts already in serialized form must give
exactly what the full WHATWG-style parser gives: the same origin, and no
problem with the value."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from corslint.engine import origin as o

# Characters around the shortcut's edges: what it takes, what it must refuse
# (uppercase, '%', '*', ',', ':', '[', digits-only labels, ...).
_HOST_CHARS = "abcxyz0189-_.`!~$&'()+;={}%*,:[]^|@/?#ABZ\u00e9 "


@st.composite
def near_origins(draw) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "ftp", "ws", "http:/", "https:"]))
    host = draw(st.text(alphabet=_HOST_CHARS, min_size=0, max_size=24))
    port = draw(st.one_of(st.just(""), st.integers(0, 99999).map(lambda p: f":{p}"),
                          st.sampled_from([":", ":080", ":80", ":443", ":65535", ":65536"])))
    return f"{scheme}://{host}{port}"


@settings(max_examples=3000, deadline=None)
@given(near_origins())
@example("https://app17.example.com")
@example("https://app.example.com_.evil.example:8443")
@example("http://a.b.1")
@example("http://a.0x1f")
@example("https://x.example:443")
@example("http://x.example:80")
@example("https://a..b")
def test_shortcut_agrees_with_the_full_parser(text: str) -> None:
    plain = o._plain_origin(text)
    if plain is None:
        return
    assert o._origin_value_problem_full(text) is None
    parts = o._parse_url_full(text)
    assert parts is not None
    assert parts.origin() == plain
    assert plain.serialize() == text


def test_shortcut_takes_the_common_origins_and_leaves_the_rest() -> None:
    assert o._plain_origin("https://app.example.com") == o.Origin("https", "app.example.com")
    assert o._plain_origin("http://localhost:8080") == o.Origin("http", "localhost", 8080)
    # the full parser's cases: uppercase, default port, IPv4, IPv6, a path
    for text in ("https://App.example.com", "https://example.com:443", "http://127.0.0.1",
                 "http://[::1]", "https://example.com/", "https://a.example.1"):
        assert o._plain_origin(text) is None
    assert o.origin_value_problem("https://example.com:443") == "names the default port 443 explicitly"
    assert o.parse_origin("http://127.0.0.1:8080") == o.Origin("http", "127.0.0.1", 8080)
