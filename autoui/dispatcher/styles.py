"""Serialise parameter values exactly as the OpenAPI 3.1 `style` tables say.

The ground truth is the "Style Values" and "Style Examples" tables of the Parameter Object
(OpenAPI 3.1.1). Every function here is pure: it turns one parameter's value into the text
for its place in the request and leaves assembling the request to the dispatcher.

Choices where the specification leaves room (each one is tested):

* `None` means "absent". Leaving an absent parameter out is the caller's business, so
  serialising `None` is a `ValueError`, as are nested arrays/objects and `None` inside an
  array or object, whose serialisation the specification leaves undefined.
* Empty arrays and objects serialise like the empty string: the table's "empty" column
  (`;color`, `.`, the empty string, `color=`), and `ValueError` where it says n/a.
* Combinations marked n/a in the table (e.g. `deepObject` with an array, `spaceDelimited`
  with a primitive or with `explode=true`) raise `ValueError` naming the parameter.
* Names, keys and values in paths, queries and cookies are percent-encoded per RFC 3986:
  everything except the unreserved `A-Z a-z 0-9 - . _ ~` becomes UTF-8 `%XX` (uppercase),
  so the delimiters the styles add (`,` `;` `=` `.` `&`) can never be confused with data,
  except where the specification itself makes them ambiguous (the `.` of `label`, and the
  `%20`/`%7C` delimiters of `spaceDelimited`/`pipeDelimited`, OAS Appendix E).
* `deepObject` brackets are written percent-encoded (`color%5BR%5D=100`), as in the 3.1.1
  table, because RFC 3986 does not allow a raw `[` or `]` in a query.
* Header values are not percent-encoded (OAS Appendix D: RFC 6570's encoding is not
  appropriate for headers, and servers read header text verbatim).
* Swagger 2.0 `collectionFormat: tsv` has no OpenAPI 3 style; it maps to the query style
  `tabDelimited` (`%09` between items), which this module defines for that purpose only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar
from urllib.parse import quote

Pairs = list[tuple[str, str]]
Kind = Literal["primitive", "array", "object"]
Style = TypeVar("Style")

# With allowReserved, RFC 6570 reserved expansion leaves RFC 3986's reserved characters
# and existing %XX triples as they are (OAS 3.1.1, Parameter Object, `allowReserved`).
# The same paragraph still makes the application encode what the query cannot carry raw
# (`[`, `]`, `#`) and what form-urlencoding gives a meaning (`&`, `=`, `+`; the text says
# "`-`, `&`, `+`", a typo that OAS 3.1.1 Appendix C states correctly as "`[]#&=+`
# pre-percent encoded"). Leaving those raw would end the value (`&`, `#`), split it
# (`=`) or turn into a space (`+`), so the only characters kept raw are these:
_RESERVED_KEPT = ":/?@!$'()*,;"
_TRIPLE = re.compile(r"(%[0-9A-Fa-f]{2})")
# RFC 9110 §5.5: CR, LF and NUL in a field value are "invalid and dangerous" (a CR LF
# starts a new header: header injection); other controls except HTAB are invalid too.
_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class _Value:
    """One parameter value flattened to text, each name and text encoded for its location.

    `parts` is what an exploded style repeats: `(name, text)` for a primitive, one
    `(name, item)` per array item and one `(property, value)` per object property. Styles
    then only arrange these strings, so no style can forget to encode.
    """

    name: str  # the parameter name as declared, for error messages
    key: str  # the parameter name, encoded for its location
    kind: Kind
    parts: Pairs

    def flat(self) -> list[str]:
        """Non-exploded members: the items, or property, value, property, value, ..."""
        if self.kind == "object":
            return [text for pair in self.parts for text in pair]
        return [text for _, text in self.parts]

    def members(self, explode: bool) -> list[str]:
        """Members for `simple` and `label`: exploded properties become `property=value`."""
        if explode and self.kind == "object":
            return [f"{key}={text}" for key, text in self.parts]
        return self.flat()

    def undefined(self, style: str, explode: bool) -> ValueError:
        """The error for a combination the Style Examples table marks n/a."""
        empty = self.kind == "primitive" and self.parts == [(self.key, "")]
        what = "an empty value" if empty else f"a {self.kind}"
        return ValueError(
            f"parameter {self.name!r}: style {style!r} with explode={str(explode).lower()} "
            f"is undefined for {what} (n/a in the OpenAPI 3.1 Style Examples table)"
        )


def _encode(text: str) -> str:
    """Percent-encode all but RFC 3986 unreserved characters, so data never looks like syntax."""
    return quote(text, safe="")


def _encode_reserved(text: str) -> str:
    """allowReserved: keep reserved characters the query can carry, and %XX triples, raw."""
    pieces = _TRIPLE.split(text)  # odd indices are the %XX triples
    return "".join(p if i % 2 else quote(p, safe=_RESERVED_KEPT) for i, p in enumerate(pieces))


def _verbatim(text: str) -> str:
    """Header text is sent as is; `header_value` checks it instead of encoding it."""
    return text


def _text(name: str, value: Any) -> str:
    """One primitive as text: JSON spellings, and no `1.0` for an integer given as int."""
    if isinstance(value, bool):  # before int: bool is an int subclass
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"parameter {name!r}: {value!r} is not a JSON number")
        return repr(value)
    if isinstance(value, str):
        return value
    if value is None:
        raise ValueError(f"parameter {name!r}: None means absent; leave the parameter out")
    raise ValueError(
        f"parameter {name!r}: cannot serialise {type(value).__name__} {value!r}; styles "
        "define only primitives, arrays of primitives and objects with primitive values"
    )


def text_of(value: Any) -> str:
    """One primitive as the styles spell it (`true`, `3`, `2.5`)."""
    return _text("value", value)


def _shape(
    name: str, value: Any, encode_key: Callable[[str], str], encode_text: Callable[[str], str]
) -> _Value:
    """Classify and encode a value; empty arrays and objects become the empty primitive."""
    key = encode_key(name)
    if isinstance(value, Mapping) and value:
        parts = [
            (encode_key(_text(name, k)), encode_text(_text(name, v))) for k, v in value.items()
        ]
        return _Value(name, key, "object", parts)
    if isinstance(value, list | tuple) and value:
        return _Value(name, key, "array", [(key, encode_text(_text(name, v))) for v in value])
    if isinstance(value, Mapping | list | tuple):
        return _Value(name, key, "primitive", [(key, "")])
    return _Value(name, key, "primitive", [(key, encode_text(_text(name, value)))])


# Path and header styles (RFC 6570 `{x}`, `{.x}`, `{;x}`): each returns the expansion.


def _simple(value: _Value, explode: bool) -> str:
    return ",".join(value.members(explode))


def _label(value: _Value, explode: bool) -> str:
    return "." + ("." if explode else ",").join(value.members(explode))


def _matrix(value: _Value, explode: bool) -> str:
    # RFC 6570 §3.2.7: an empty value is just `;name`, without `=`.
    pairs = (
        value.parts
        if explode or value.kind == "primitive"
        else [(value.key, ",".join(value.flat()))]
    )
    return "".join(f";{key}={text}" if text else f";{key}" for key, text in pairs)


# Query styles: each returns encoded (name, value) pairs in order.


def _form(value: _Value, explode: bool) -> Pairs:
    if explode or value.kind == "primitive":
        return list(value.parts)
    return [(value.key, ",".join(value.flat()))]


def _delimited(style: str, delimiter: str) -> Callable[[_Value, bool], Pairs]:
    """`form` without explode, but joined by an encoded delimiter; defined for arrays and
    objects without explode only."""

    def serialise(value: _Value, explode: bool) -> Pairs:
        if explode or value.kind == "primitive":
            raise value.undefined(style, explode)
        return [(value.key, delimiter.join(value.flat()))]

    return serialise


def _deep_object(value: _Value, explode: bool) -> Pairs:
    if not explode or value.kind != "object":
        raise value.undefined("deepObject", explode)
    return [(f"{value.key}%5B{key}%5D", text) for key, text in value.parts]


_PATH_STYLES: dict[str, Callable[[_Value, bool], str]] = {
    "simple": _simple,
    "label": _label,
    "matrix": _matrix,
}
_QUERY_STYLES: dict[str, Callable[[_Value, bool], Pairs]] = {
    "form": _form,
    "spaceDelimited": _delimited("spaceDelimited", "%20"),
    "pipeDelimited": _delimited("pipeDelimited", "%7C"),
    "tabDelimited": _delimited("tabDelimited", "%09"),  # Swagger 2.0 tsv only
    "deepObject": _deep_object,
}
# The literal delimiter of each delimited style, for places with no style of their own:
# Swagger 2.0's ssv/tsv/pipes in a path, a header or a multipart part.
DELIMITERS = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|", "tabDelimited": "\t"}
# Swagger 2.0 collectionFormat -> query style, for every format but csv.
_COLLECTION_STYLES = {
    "ssv": "spaceDelimited",
    "tsv": "tabDelimited",
    "pipes": "pipeDelimited",
    "multi": "form",
}


def _style(styles: dict[str, Style], style: str, name: str, location: str) -> Style:
    """Look a style up, naming the parameter when the location does not define it."""
    if style not in styles:
        raise ValueError(
            f"parameter {name!r}: style {style!r} is not defined for {location} "
            f"parameters (expected one of {', '.join(styles)})"
        )
    return styles[style]


def path_segment(name: str, value: Any, style: str = "simple", explode: bool = False) -> str:
    """The text that replaces `{name}` in the path template.

    Everything but RFC 3986 unreserved characters is percent-encoded, so the result never
    holds `/`, `?` or `#`: a value cannot add a segment, reach the query or fragment, or
    change the host (`"../../admin"` gives `"..%2F..%2Fadmin"`). A result of exactly `.`
    or `..` (simple `"."`/`".."`, label `""`/`"."`) is still a dot-segment if it fills a
    whole segment, which HTTP clients remove (requests even turns `%2E` back into `.`),
    so whoever fills the template must reject such a path.
    """
    serialise = _style(_PATH_STYLES, style, name, "path")
    return serialise(_shape(name, value, _encode, _encode), explode)


def query_pairs(
    name: str, value: Any, style: str = "form", explode: bool = True, allow_reserved: bool = False
) -> Pairs:
    """Percent-encoded `(name, value)` pairs, in order, ready for `query_string`.

    Returning pairs rather than a string lets the caller merge several parameters (OAS
    Appendix C) and reuse them for a form-urlencoded body. `allow_reserved` leaves
    `:/?@!$'()*,;` and existing `%XX` triples raw in values; names are always encoded.
    """
    serialise = _style(_QUERY_STYLES, style, name, "query")
    encode_text = _encode_reserved if allow_reserved else _encode
    return serialise(_shape(name, value, _encode, encode_text), explode)


def query_string(pairs: Pairs) -> str:
    """Join already encoded pairs as `a=1&b=2`, without the leading `?`."""
    return "&".join(f"{key}={text}" for key, text in pairs)


def header_value(value: Any, explode: bool = False, *, name: str = "header") -> str:
    """A header's value in `simple` style, the only style headers have.

    Text is sent verbatim, so anything HTTP cannot carry unchanged is a ValueError naming
    the header: control characters (CR/LF would inject headers), surrounding whitespace
    (stripped by HTTP, refused by requests) and characters outside ISO-8859-1.
    """
    text = _simple(_shape(name, value, _verbatim, _verbatim), explode)
    control = _HEADER_CONTROL.search(text)
    if control:
        raise ValueError(
            f"header {name!r}: value contains the control character "
            f"{control.group()!r}, which HTTP headers cannot carry"
        )
    if text != text.strip():
        raise ValueError(
            f"header {name!r}: value has leading or trailing whitespace, which HTTP would strip"
        )
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(
            f"header {name!r}: value has characters outside ISO-8859-1, which "
            "HTTP headers cannot carry"
        ) from None
    return text


def cookie_pair(name: str, value: Any, explode: bool = True) -> str:
    """`name=value` for a Cookie header, in `form` style with percent-encoded text.

    An exploded array or object yields several pairs; they are joined by `; `, the cookie
    delimiter, not the table's `&`: OAS Appendix D says `form` with `&` is "always
    incorrect" for multiple cookie values. Percent-encoding keeps `;`, `,`, spaces and
    quotes in values out of the cookie syntax.
    """
    pairs = _form(_shape(name, value, _encode, _encode), explode)
    return "; ".join(f"{key}={text}" for key, text in pairs)


def collection_format_to_style(collection_format: str | None, location: str) -> tuple[str, bool]:
    """The OpenAPI 3 `(style, explode)` for a Swagger 2.0 `collectionFormat`.

    `None` is Swagger 2.0's default, `csv`. The OAS 3 Style Values table maps csv to
    `simple` (path, header) or `form` without explode (query, formData), ssv/pipes to
    `spaceDelimited`/`pipeDelimited`, multi to `form` with explode; tsv has no OAS 3 style
    and maps to this module's `tabDelimited`. Swagger 2.0 only allows `multi` in query and
    formData, and OAS 3 has delimited styles only for queries, so those are a ValueError
    anywhere else, as is an unknown format or location.
    """
    fmt = collection_format or "csv"
    if location not in ("path", "header", "query", "formData"):
        raise ValueError(f"collectionFormat: unknown Swagger 2.0 location {location!r}")
    if fmt == "csv":
        return ("simple" if location in ("path", "header") else "form"), False
    if fmt not in _COLLECTION_STYLES:
        raise ValueError(
            f"collectionFormat: unknown format {fmt!r} (expected csv, ssv, tsv, pipes or multi)"
        )
    if location not in ("query", "formData"):
        raise ValueError(
            f"collectionFormat {fmt!r} is not defined for {location} parameters (only csv is)"
        )
    return _COLLECTION_STYLES[fmt], fmt == "multi"
