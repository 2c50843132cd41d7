"""Parameter serialisation against the OpenAPI 3.1.1 Style Examples table, plus properties.

The table below is copied verbatim from OpenAPI 3.1.1, Parameter Object, "Style Examples"
(`color` = "blue" / ["blue","black","brown"] / {"R": 100, "G": 200, "B": 150}); every cell
is one test. The property tests then check what the table cannot: that any text, including
`/`, `?`, `&`, `=`, `#`, `%`, `+`, spaces and non-ASCII, survives the round trip.
"""

from __future__ import annotations

import string
from typing import Any
from urllib.parse import parse_qsl, unquote

import pytest
import requests
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autoui.dispatcher.styles import (
    collection_format_to_style,
    cookie_pair,
    header_value,
    path_segment,
    query_pairs,
    query_string,
)

STYLE_EXAMPLES = """
matrix | false | ;color | ;color=blue | ;color=blue,black,brown | ;color=R,100,G,200,B,150
matrix | true | ;color | ;color=blue | ;color=blue;color=black;color=brown | ;R=100;G=200;B=150
label | false | . | .blue | .blue,black,brown | .R,100,G,200,B,150
label | true | . | .blue | .blue.black.brown | .R=100.G=200.B=150
simple | false | _empty_ | blue | blue,black,brown | R,100,G,200,B,150
simple | true | _empty_ | blue | blue,black,brown | R=100,G=200,B=150
form | false | ?color= | ?color=blue | ?color=blue,black,brown | ?color=R,100,G,200,B,150
form | true | ?color= | ?color=blue | ?color=blue&color=black&color=brown | ?R=100&G=200&B=150
spaceDelimited | false | _n/a_ | _n/a_ | ?color=blue%20black%20brown | ?color=R%20100%20G%20200%20B%20150
spaceDelimited | true | _n/a_ | _n/a_ | _n/a_ | _n/a_
pipeDelimited | false | _n/a_ | _n/a_ | ?color=blue%7Cblack%7Cbrown | ?color=R%7C100%7CG%7C200%7CB%7C150
pipeDelimited | true | _n/a_ | _n/a_ | _n/a_ | _n/a_
deepObject | false | _n/a_ | _n/a_ | _n/a_ | _n/a_
deepObject | true | _n/a_ | _n/a_ | _n/a_ | ?color%5BR%5D=100&color%5BG%5D=200&color%5BB%5D=150
"""  # noqa: E501 (the table's rows, verbatim)
COLUMNS: dict[str, Any] = {
    "empty": "",
    "string": "blue",
    "array": ["blue", "black", "brown"],
    "object": {"R": 100, "G": 200, "B": 150},
}
ROWS = [[cell.strip() for cell in line.split("|")] for line in STYLE_EXAMPLES.strip().splitlines()]
CELLS = [
    pytest.param(style, explode == "true", column, cell, id=f"{style}-{explode}-{column}")
    for style, explode, *cells in ROWS
    for column, cell in zip(COLUMNS, cells, strict=True)
]
PATH_STYLES = ("matrix", "label", "simple")


def serialise(style: str, explode: bool, value: Any) -> str:
    """What the table shows: the path expansion, or the query string with its `?`."""
    if style in PATH_STYLES:
        return path_segment("color", value, style, explode)
    return "?" + query_string(query_pairs("color", value, style, explode))


@pytest.mark.parametrize(("style", "explode", "column", "cell"), CELLS)
def test_style_examples_table(style: str, explode: bool, column: str, cell: str) -> None:
    if cell == "_n/a_":
        with pytest.raises(ValueError, match=r"parameter 'color'.*undefined"):
            serialise(style, explode, COLUMNS[column])
    else:
        assert serialise(style, explode, COLUMNS[column]) == cell.replace("_empty_", "")


@pytest.mark.parametrize(
    ("style", "explode", "column", "cell"), [c for c in CELLS if c.values[2] == "empty"]
)
@pytest.mark.parametrize("empty", [[], {}], ids=["array", "object"])
def test_empty_array_and_object_follow_the_empty_column(
    style: str, explode: bool, column: str, cell: str, empty: Any
) -> None:
    if cell == "_n/a_":
        with pytest.raises(ValueError, match=r"parameter 'color'.*empty value"):
            serialise(style, explode, empty)
    else:
        assert serialise(style, explode, empty) == cell.replace("_empty_", "")


@pytest.mark.parametrize(
    ("style", "explode", "column", "cell"), [c for c in CELLS if c.values[0] == "simple"]
)
def test_header_values_are_the_simple_rows(
    style: str, explode: bool, column: str, cell: str
) -> None:
    assert header_value(COLUMNS[column], explode) == cell.replace("_empty_", "")


@pytest.mark.parametrize(
    ("value", "explode", "expected"),
    [
        ("blue", True, "color=blue"),
        ("", True, "color="),
        (["blue", "black", "brown"], False, "color=blue,black,brown"),
        # Exploded pairs are separate cookies, so `; ` (OAS Appendix D), not the table's `&`.
        (["blue", "black", "brown"], True, "color=blue; color=black; color=brown"),
        ({"R": 100, "G": 200, "B": 150}, True, "R=100; G=200; B=150"),
        ({"R": 100, "G": 200, "B": 150}, False, "color=R,100,G,200,B,150"),
        ('a b;c,d"e', True, "color=a%20b%3Bc%2Cd%22e"),
    ],
)
def test_cookie_pair(value: Any, explode: bool, expected: str) -> None:
    assert cookie_pair("color", value, explode) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-7, "-7"),
        (10**30, "1" + "0" * 30),
        (1.0, "1.0"),
        (2.5, "2.5"),
        (1e20, "1e%2B20"),  # "+" is not unreserved
        ("", ""),
        ("é/ü", "%C3%A9%2F%C3%BC"),
        ("~-._", "~-._"),
    ],
)
def test_primitive_text(value: Any, expected: str) -> None:
    assert path_segment("p", value) == expected


@pytest.mark.parametrize(
    "value",
    [None, [None], {"a": None}, [[1]], {"a": {"b": 1}}, [{"a": 1}], float("nan"), b"x", object()],
)
def test_absent_nested_and_foreign_values_are_refused(value: Any) -> None:
    with pytest.raises(ValueError, match="parameter 'p'"):
        query_pairs("p", value)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: query_pairs("ids", [1, 2], "deepObject"), "'ids'.*deepObject.*array"),
        (lambda: query_pairs("ids", "x", "spaceDelimited", False), "'ids'.*primitive"),
        (lambda: query_pairs("ids", [1], "pipeDelimited", True), "'ids'.*explode=true"),
        (lambda: query_pairs("ids", {"a": 1}, "deepObject", False), "'ids'.*explode=false"),
        (lambda: query_pairs("ids", 1, "matrix"), "'ids'.*'matrix' is not defined for query"),
        (lambda: path_segment("id", 1, "form"), "'id'.*'form' is not defined for path"),
        (lambda: path_segment("id", 1, "Simple"), "'id'.*expected one of simple"),
    ],
)
def test_undefined_combinations_name_the_parameter(call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_path_values_stay_inside_their_segment() -> None:
    assert path_segment("p", "../../admin") == "..%2F..%2Fadmin"
    assert path_segment("p", "a/b?c#d") == "a%2Fb%3Fc%23d"
    assert path_segment("p", "@evil.example:80") == "%40evil.example%3A80"
    assert path_segment("p", ["a,b", "c"], "matrix") == ";p=a%2Cb,c"


def test_whole_dot_segments_are_left_to_the_template_filler() -> None:
    """Documents the docstring's warning: requests removes `..`, even written as %2E%2E."""
    assert path_segment("p", "..") == ".."
    assert path_segment("p", "", "label") == "."
    url = "http://example.test/files/{p}/delete"
    assert requests.Request("GET", url.replace("{p}", "..")).prepare().url == (
        "http://example.test/delete"
    )
    assert requests.Request("GET", url.replace("{p}", "%2E%2E")).prepare().url == (
        "http://example.test/files/../delete"
    )


def test_allow_reserved() -> None:
    kept = ":/?@!$'()*,;"
    assert query_pairs("q", kept, allow_reserved=True) == [("q", kept)]
    assert query_pairs("q", "[]#&=+ %", allow_reserved=True) == [("q", "%5B%5D%23%26%3D%2B%20%25")]
    # RFC 6570 reserved expansion passes existing percent-encoded triples through.
    assert query_pairs("q", "%41%2b%zz", allow_reserved=True) == [("q", "%41%2b%25zz")]
    assert query_pairs("a/b", {"k/": "v/"}, "deepObject", allow_reserved=True) == [
        ("a%2Fb%5Bk%2F%5D", "v/")
    ]
    assert query_pairs("q", "a/b") == [("q", "a%2Fb")]


def test_tab_delimited_is_swagger_tsv() -> None:
    assert query_pairs("ids", [1, 2, 3], "tabDelimited", False) == [("ids", "1%092%093")]


def test_query_string() -> None:
    assert query_string([]) == ""
    assert query_string([("a", "1"), ("b", ""), ("a", "2")]) == "a=1&b=&a=2"


@pytest.mark.parametrize(
    ("collection_format", "location", "expected"),
    [
        (None, "query", ("form", False)),
        (None, "path", ("simple", False)),
        ("csv", "header", ("simple", False)),
        ("csv", "formData", ("form", False)),
        ("ssv", "query", ("spaceDelimited", False)),
        ("tsv", "query", ("tabDelimited", False)),
        ("pipes", "formData", ("pipeDelimited", False)),
        ("multi", "query", ("form", True)),
    ],
)
def test_collection_format_to_style(
    collection_format: str | None, location: str, expected: tuple[str, bool]
) -> None:
    assert collection_format_to_style(collection_format, location) == expected


@pytest.mark.parametrize(
    ("collection_format", "location", "message"),
    [
        ("multi", "path", "'multi' is not defined for path"),
        ("ssv", "header", "'ssv' is not defined for header"),
        ("tab", "query", "unknown format 'tab'"),
        ("csv", "body", "unknown Swagger 2.0 location 'body'"),
    ],
)
def test_collection_format_errors(collection_format: str, location: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        collection_format_to_style(collection_format, location)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("a\r\nX-Admin: 1", "control character '\\\\r'"),
        ("a\nb", "control character '\\\\n'"),
        ("a\x00b", "control character '\\\\x00'"),
        ([" a", "b"], "whitespace"),
        ("snow ☃", "ISO-8859-1"),
    ],
)
def test_header_value_refuses_what_http_cannot_carry(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=f"header 'X-Token'.*{message}"):
        header_value(value, name="X-Token")


def test_header_value_keeps_latin_1_and_tabs() -> None:
    assert header_value("café\tau lait") == "café\tau lait"


# Property tests. `special` biases text towards the characters that have a meaning in URLs.

special = st.sampled_from([*"/?&=#%+ ,;.[]|\t:@!$'()*~", "%2F", "%41", "..", "é", "☃"])
texts = st.lists(st.one_of(special, st.text(max_size=3)), max_size=6).map("".join)
primitives = st.one_of(
    texts, st.integers(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False)
)
arrays = st.lists(texts, min_size=1, max_size=5)
objects = st.dictionaries(texts, texts, min_size=1, max_size=5)
values = st.one_of(
    primitives, st.lists(primitives, max_size=4), st.dictionaries(texts, primitives, max_size=4)
)
PATH_SAFE = set(string.ascii_letters + string.digits + "-._~%;,=")


@given(value=values, style=st.sampled_from(PATH_STYLES), explode=st.booleans())
def test_path_segment_is_one_segment(value: Any, style: str, explode: bool) -> None:
    segment = path_segment("p", value, style, explode)
    assert set(segment) <= PATH_SAFE  # so no "/", "?", "#", and nothing to re-encode


@given(text=texts)
def test_primitive_round_trips(text: str) -> None:
    assert unquote(path_segment("p", text)) == text
    assert unquote(path_segment("p", text, "label")[1:]) == text
    assert unquote(path_segment("p", text, "matrix").removeprefix(";p").removeprefix("=")) == text


def split(text: str, delimiter: str) -> list[str]:
    return [unquote(part) for part in text.split(delimiter)]


def pairs_of(flat: list[str]) -> dict[str, str]:
    return dict(zip(flat[::2], flat[1::2], strict=True))


@given(items=arrays, explode=st.booleans())
def test_path_arrays_round_trip(items: list[str], explode: bool) -> None:
    assert split(path_segment("p", items, "simple", explode), ",") == items
    assert split(path_segment("p", items, "label", False)[1:], ",") == items
    matrix = path_segment("p", items, "matrix", explode)
    if explode:
        assert [unquote(c.partition("=")[2]) for c in matrix.split(";")[1:]] == items
    else:
        assert split(matrix.removeprefix(";p").removeprefix("="), ",") == items


@given(items=st.lists(texts.filter(lambda t: "." not in t), min_size=1, max_size=5))
def test_exploded_label_round_trips_without_dots(items: list[str]) -> None:
    # `label` keeps the unreserved "." raw, so it only separates dot-free items.
    assert split(path_segment("p", items, "label", True)[1:], ".") == items


@given(obj=objects)
def test_path_objects_round_trip(obj: dict[str, str]) -> None:
    assert pairs_of(split(path_segment("p", obj), ",")) == obj
    exploded = path_segment("p", obj, "simple", True).split(",")
    assert {unquote(k): unquote(v) for k, _, v in (c.partition("=") for c in exploded)} == obj
    matrix = path_segment("p", obj, "matrix", True).split(";")[1:]
    assert {unquote(k): unquote(v) for k, _, v in (c.partition("=") for c in matrix)} == obj
    flat = path_segment("p", obj, "matrix", False).removeprefix(";p=")
    assert pairs_of(split(flat, ",")) == obj


def parsed(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return parse_qsl(query_string(pairs), keep_blank_values=True)


@given(name=texts, text=texts, explode=st.booleans())
def test_query_primitive_round_trips(name: str, text: str, explode: bool) -> None:
    assert parsed(query_pairs(name, text, explode=explode)) == [(name, text)]


@given(name=texts, items=arrays)
def test_query_arrays_round_trip(name: str, items: list[str]) -> None:
    assert parsed(query_pairs(name, items)) == [(name, item) for item in items]
    [(key, raw)] = query_pairs(name, items, explode=False)
    assert unquote(key) == name
    assert split(raw, ",") == items


@given(name=texts, obj=objects)
def test_query_objects_round_trip(name: str, obj: dict[str, str]) -> None:
    assert parsed(query_pairs(name, obj)) == list(obj.items())
    deep = parsed(query_pairs(name, obj, "deepObject", True))
    assert [(k[len(name) + 1 : -1], v) for k, v in deep] == list(obj.items())
    assert all(k.startswith(name + "[") and k.endswith("]") for k, _ in deep)
    [(_, raw)] = query_pairs(name, obj, explode=False)
    assert pairs_of(split(raw, ",")) == obj


@pytest.mark.parametrize(
    ("style", "delimiter", "char"),
    [("spaceDelimited", "%20", " "), ("pipeDelimited", "%7C", "|"), ("tabDelimited", "%09", "\t")],
)
@given(data=st.data())
def test_delimited_round_trip_without_the_delimiter(
    style: str, delimiter: str, char: str, data: st.DataObject
) -> None:
    # The delimiter and the same character inside an item encode alike (OAS Appendix E).
    items = data.draw(st.lists(texts.filter(lambda t: char not in t), min_size=1, max_size=5))
    [(_, raw)] = query_pairs("p", items, style, False)
    assert split(raw, delimiter) == items
    assert parsed(query_pairs("p", items, style, False)) == [("p", char.join(items))]


@given(text=texts)
def test_allow_reserved_decodes_like_its_input(text: str) -> None:
    [(_, raw)] = query_pairs("q", text, allow_reserved=True)
    assert not set(raw) & set("[]#&=+ ")
    assert parsed([("q", raw)]) == [("q", unquote(text))]


@given(text=texts, explode=st.booleans())
def test_cookie_values_round_trip_as_cookie_octets(text: str, explode: bool) -> None:
    name, _, raw = cookie_pair("c", text, explode).partition("=")
    assert name == "c"
    assert set(raw) <= set(string.ascii_letters + string.digits + "-._~%")
    assert unquote(raw) == text


@given(value=st.one_of(st.text(), st.lists(st.text(), max_size=3)), explode=st.booleans())
def test_header_value_is_safe_or_refused(value: Any, explode: bool) -> None:
    try:
        text = header_value(value, explode, name="X-Test")
    except ValueError as error:
        assert "'X-Test'" in str(error)
        return
    assert not set(text) & {"\r", "\n", "\0"}
    if isinstance(value, str):
        assert text == value
    requests.Request("GET", "http://example.test/", headers={"X-Test": text}).prepare()


@settings(deadline=None)
@given(segment=values, query=values, style=st.sampled_from(PATH_STYLES), explode=st.booleans())
def test_requests_sends_the_url_unchanged(
    segment: Any, query: Any, style: str, explode: bool
) -> None:
    path = path_segment("p", segment, style, explode)
    assume(path not in (".", ".."))  # dot-segments: see the test above
    pairs = query_pairs("q/?&=#+ é", query, explode=explode)
    url = f"http://example.test/items/{path}/x?{query_string(pairs)}"
    assert requests.Request("GET", url).prepare().url == url


def test_requests_keeps_encoded_slash_and_plus() -> None:
    path = path_segment("p", "a/b")
    query = query_string(query_pairs("q", "1+1 = 2"))
    url = requests.Request("GET", f"http://example.test/{path}?{query}").prepare().url
    assert url == "http://example.test/a%2Fb?q=1%2B1%20%3D%202"
    assert parse_qsl(url.partition("?")[2]) == [("q", "1+1 = 2")]
