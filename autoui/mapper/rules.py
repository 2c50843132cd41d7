"""The rules that pick an input widget for one schema: one small function per kind.

`RULES` is tried in order and the first rule that returns a `Widget` decides; its
name is recorded in the plan so `autoui inspect` can say why a field got its widget.
A new rule for a kind this list already chooses is a new function in it; a new kind's
rules live in its module (`mapper/kinds`), each placed before a rule named here
(`kinds.RULES` is the whole list, `kinds.choose` walks it).

Over 400 lines because the rules are read as one ordered list (the first match wins),
each beside the rules it is ordered against, with the name lists and tests they share
at the top.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from typing import Any

from autoui.mapper.naming import AUDIO_NAMES, IMAGE_NAMES, identifier
from autoui.mapper.plan import NO_DEFAULT, Column, Encoding, FieldLocation, InputKind
from autoui.mapper.plan import is_json as is_json  # where the mapper's modules look for it
from autoui.mapper.shapes import (
    documented_default,
    main_type,
    open_enum,
    prepare,
    required_names,
)
from autoui.schemas import Schemas, types_of

FILE_NAMES = frozenset({"file", "document", "pdf", "attachment", "upload", "archive"})
LONG_TEXT_NAMES = frozenset(
    {
        "prompt",
        "text",
        "content",
        "description",
        "message",
        "body",
        "context",
        "system",
        "instructions",
        "instruction",
        "input",
        "inputs",
        "query",
        "question",
        "document_text",
        "negative_prompt",
        "system_prompt",
        "template",
        "code",
        "comment",
        "notes",
        "summary",
    }
)
SECRET_WORDS = ("password", "passwd", "secret", "api_key", "apikey", "token")
# A token that only says where the next page starts is not a secret.
_CURSOR_WORDS = frozenset({"page", "next", "continuation", "pagination", "sync"})
_SLIDER_MAX_SPAN = 1e6
_SCALARS = ("string", "integer", "number", "boolean")
MAX_COLUMNS = 12  # an array of objects with more properties is edited as JSON
# What a string of each format looks like: the placeholder of its text box. The value
# is checked against the format before sending (see autoui.dispatcher.checks).
FORMAT_HINTS = {
    "date": "YYYY-MM-DD, e.g. 2024-05-31",
    "date-time": "YYYY-MM-DDThh:mm:ssZ, e.g. 2024-05-31T13:45:00Z",
    "time": "hh:mm:ss, e.g. 13:45:00",
    "email": "name@example.com",
    "uri": "https://…",
    "url": "https://…",
    "uuid": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
}
# A dropdown of more values than this is unusable and bloats the page's config (every
# choice ships to the browser): such an enum gets its type's plain widget instead.
MAX_CHOICES = 1000


@dataclass
class Candidate:
    """What a rule looks at: one parameter or body property."""

    name: str
    schema: dict[str, Any]  # resolved, allOf merged, `null` split off
    location: FieldLocation
    media_type: str | None  # the body's media type, for body fields
    schemas: Schemas
    required: bool = False

    # Read by most rules, so computed once per candidate.
    @cached_property
    def ident(self) -> str:
        return identifier(self.name)

    @cached_property
    def kind(self) -> str:
        return main_type(self.schema)

    @property
    def multipart(self) -> bool:
        return self.media_type == "multipart/form-data"

    @property
    def raw_body(self) -> bool:
        """The whole body is this one value (binary or text), not a JSON/form document."""
        return (
            self.location == "body"
            and self.media_type is not None
            and not (
                is_json(self.media_type)
                or self.media_type in ("multipart/form-data", "application/x-www-form-urlencoded")
            )
        )


@dataclass
class Widget:
    component: InputKind
    value_type: str
    encoding: Encoding = "plain"
    choices: list[Any] | None = None
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    item_type: str = ""
    placeholder: str = ""
    columns: list[Column] | None = None
    custom_values: bool = False  # a dropdown that also takes values it does not list
    example: Any = NO_DEFAULT  # an alternative's example, where the field's own has none


Rule = Callable[[Candidate], Widget | None]


def _named(ident: str, names: frozenset[str]) -> bool:
    return ident in names or any(ident.endswith("_" + n) for n in names)


def _media(schema: Mapping[str, Any]) -> str:
    value = schema.get("contentMediaType")
    return value.lower() if isinstance(value, str) else ""


def _is_encoded_bytes(schema: Mapping[str, Any]) -> bool:
    return schema.get("format") in ("byte", "base64") or schema.get("contentEncoding") == "base64"


def _is_binary(c: Candidate) -> bool:
    return c.kind == "string" and (
        c.schema.get("format") == "binary"
        or (c.multipart and bool(_media(c.schema)) and not _media(c.schema).startswith("text/"))
    )


def _bytes_encoding(c: Candidate) -> Encoding:
    """How file bytes travel: as a file part or raw body, or as base64 text in JSON."""
    return "file" if c.multipart or c.raw_body else "base64"


def _choosable(values: list[Any]) -> bool:
    """Values a dropdown can offer: at most MAX_CHOICES scalars (Gradio reads a list or
    tuple among the choices as a (label, value) pair, and an object cannot be shown)."""
    return len(values) <= MAX_CHOICES and all(
        v is None or isinstance(v, (str, int, float, bool)) for v in values
    )


def _distinct(values: list[Any]) -> list[Any]:
    """An enum's values as choices: each once, in the spec's order (specs list some twice,
    and a dropdown would offer them twice), without `null` (a field left empty)."""
    return list(dict.fromkeys(v for v in values if v is not None))


def const_rule(c: Candidate) -> Widget | None:
    if "const" not in c.schema or not _choosable([c.schema["const"]]):
        return None
    return Widget("dropdown", c.kind or "any", choices=[c.schema["const"]])


def open_enum_rule(c: Candidate) -> Widget | None:
    """Names to pick from, any other typed: `anyOf: [{type: string}, {enum: [...]}]`."""
    names = open_enum(c.schemas, c.schema)
    if names is None:
        return None
    return Widget("dropdown", "string", choices=names, custom_values=True)


def enum_rule(c: Candidate) -> Widget | None:
    enum = c.schema.get("enum")
    if not isinstance(enum, list) or not [v for v in enum if v is not None]:
        return None
    if not _choosable(enum):
        return None
    return Widget("dropdown", c.kind or "string", choices=_distinct(enum))


def enum_array_rule(c: Candidate) -> Widget | None:
    if c.kind != "array":
        return None
    items = c.schemas.resolve(c.schema.get("items", {}))
    enum = items.get("enum")
    if not isinstance(enum, list) or not enum or not _choosable(enum):
        return None
    return Widget(
        "multiselect",
        "array",
        choices=_distinct(enum),
        item_type=main_type(items),
    )


def _media_hint(c: Candidate) -> str:
    """The media type the value is said to have: its own, or the whole body's."""
    return _media(c.schema) or ((c.media_type or "") if c.raw_body else "")


def _is_textual(media_type: str) -> bool:
    return media_type.startswith("text/") or media_type.endswith(
        ("/xml", "+xml", "/yaml", "/x-yaml", "/javascript")
    )


def text_body_rule(c: Candidate) -> Widget | None:
    """A text/plain, XML or YAML body is typed as text, whatever its schema says."""
    if c.raw_body and _is_textual(c.media_type or ""):
        return Widget("textarea", "string")
    return None


def image_rule(c: Candidate) -> Widget | None:
    """A picture: by media type, by name (`image`, `photo`, `*_image`) or by base64 format.

    Real model APIs often declare just `image: string`; the name is the only hint.
    """
    if c.location != "body" or not (c.kind == "string" or c.raw_body):
        return None
    media = _media_hint(c)
    if media.startswith("image/"):
        return Widget("image", "string", _bytes_encoding(c))
    # `application/octet-stream` says only "bytes" (FastAPI's UploadFile), so the name
    # still decides; any other media type is not a picture.
    if (media and media != "application/octet-stream") or c.schema.get("format") in (
        "uri",
        "url",
        "uri-reference",
    ):
        return None
    if _named(c.ident, AUDIO_NAMES) or _named(c.ident, FILE_NAMES):
        return None
    if _named(c.ident, IMAGE_NAMES) or _is_encoded_bytes(c.schema):
        return Widget("image", "string", _bytes_encoding(c))
    return None


def audio_rule(c: Candidate) -> Widget | None:
    """A sound: by media type, by name (`audio`, `voice`...) with bytes, or bytes that the
    description calls audio (OpenAI's transcription `file`: "The audio file object ... to
    transcribe"): an upload that can also record from the microphone."""
    if c.location != "body" or not (c.kind == "string" or c.raw_body):
        return None
    is_bytes = _is_encoded_bytes(c.schema) or _is_binary(c) or c.raw_body
    named = _named(c.ident, AUDIO_NAMES) and is_bytes
    if _media_hint(c).startswith("audio/") or named or (is_bytes and _described_audio(c)):
        return Widget("audio", "string", _bytes_encoding(c))
    return None


_AUDIO_WORD = re.compile(r"\baudio\b", re.IGNORECASE)
_NOT_AUDIO_WORDS = re.compile(r"\b(image|picture|photo|video|document|pdf)s?\b", re.IGNORECASE)


def _described_audio(c: Candidate) -> bool:
    text = str(c.schema.get("description", ""))
    return bool(_AUDIO_WORD.search(text)) and not _NOT_AUDIO_WORDS.search(text)


IMAGE_LIST_NAMES = frozenset({"images"})


def image_list_rule(c: Candidate) -> Widget | None:
    """Pictures sent inside JSON as a list of base64 strings (Ollama's `images`,
    Automatic1111's `init_images`): an upload of pictures, each sent base64-encoded.

    By name (`images`, `*_images`) and shape only: the items are strings that are not
    URLs, enums or other formats (or untyped, as A1111's `list[Any]`). A list of image
    objects (`[{"image_url": ...}]`), of URLs or of ids stays what it is.
    """
    if c.kind != "array" or c.location != "body" or c.multipart or c.raw_body:
        return None
    if not _named(c.ident.lower(), IMAGE_LIST_NAMES):
        return None
    items = c.schemas.resolve(c.schema.get("items", {}))
    kind = main_type(items)
    if kind not in ("", "string") or "enum" in items or "const" in items:
        return None
    if items.get("format") not in (None, "byte", "base64") or items.get("contentMediaType"):
        return None
    if kind == "" and any(k in items for k in ("properties", "items", "anyOf", "oneOf")):
        return None
    return Widget("images", "array", "base64", item_type="string")


def _alternatives(c: Candidate) -> list[dict[str, Any]]:
    """The resolved `anyOf`/`oneOf` alternatives of a schema that has them (else [])."""
    listed = c.schema.get("anyOf") or c.schema.get("oneOf")
    if not isinstance(listed, list):
        return []
    return [prepare(c.schemas, node)[0] for node in listed]


def file_alternatives_rule(c: Candidate) -> Widget | None:
    """A file or a list of files (OpenAI's `/images/edits` `image`: a binary string or an
    array of them, in a multipart body): the one file's widget (an image upload for a
    picture's name), sent as one file part."""
    alternatives = _alternatives(c)
    if c.location != "body" or not alternatives or main_type(alternatives[0]) != "string":
        return None

    def binary(schema: dict[str, Any]) -> bool:
        if main_type(schema) == "array":
            schema = c.schemas.resolve(schema.get("items", {}))
        return _is_binary(replace(c, schema=schema))

    if not all(binary(a) for a in alternatives):
        return None
    first = replace(c, schema={**alternatives[0], "description": c.schema.get("description", "")})
    return image_rule(first) or audio_rule(first) or file_rule(first)


def is_text_or_texts(schemas: Schemas, schema: Mapping[str, Any], depth: int = 0) -> bool:
    """A text, or a list of texts (or of token ids): an embedding or generation input
    (TEI's `inputs`, OpenAI's and Ollama's `input`), OpenAI's `stop`. The first
    alternative, through nested ones, is a string; every other is an array of strings,
    integers, or arrays of them."""
    listed = schema.get("oneOf") or schema.get("anyOf")
    if not isinstance(listed, list) or len(listed) < 2 or depth > 2:
        return False
    first, *others = [prepare(schemas, node)[0] for node in listed]
    text = main_type(first) == "string" and first.get("format") not in ("binary", "byte", "base64")
    if not (text or is_text_or_texts(schemas, first, depth + 1)):
        return False
    return all(_texts_array(schemas, other, depth) for other in others)


def _texts_array(schemas: Schemas, schema: Mapping[str, Any], depth: int) -> bool:
    """An array of texts or token ids, or of such arrays (or a nested text-or-texts)."""
    if depth > 3:
        return False
    if is_text_or_texts(schemas, schema, depth + 1):
        return True
    if main_type(schema) != "array" or not isinstance(schema.get("items"), Mapping):
        return False
    items, _ = prepare(schemas, schema["items"])
    if main_type(items) in ("string", "integer") and "enum" not in items:
        return True
    return _texts_array(schemas, items, depth + 1)


def texts_rule(c: Candidate) -> Widget | None:
    """A text, or several as a JSON list (`["a", "b"]`): one text box where a person types
    the text, not a selector of shapes with a JSON editor (see is_text_or_texts)."""
    if c.location != "body" or not is_text_or_texts(c.schemas, c.schema):
        return None
    return Widget("texts", "any")


def string_alternatives_rule(c: Candidate) -> Widget | None:
    """Alternatives that are all text (OpenAI's `model`: any string, or one of the names
    it knows): a text box that takes any of them."""
    alternatives = _alternatives(c)
    if not alternatives or any(
        main_type(a) != "string" or a.get("format") in ("binary", "byte", "base64")
        for a in alternatives
    ):
        return None
    return Widget("textbox", "string")


def names_or_object(schemas: Schemas, schema: Mapping[str, Any]) -> list[str] | None:
    """The names of "any name, or an object" (OpenAI's `voice`: a built-in voice's name,
    any other name, or a custom voice `{"id": ...}`), or None. The alternatives, through
    nested ones, are any string, strings named by an enum, and objects; all three kinds
    are there. A closed list of names beside objects (`tool_choice`) is not one: its
    objects keep their own fields under a selector."""
    found = _names_or_object(schemas, schema)
    return found[0] if found else None


def _names_or_object(schemas: Schemas, schema: Mapping[str, Any]) -> tuple[list[str], Any] | None:
    """names_or_object's names, and the first example of its text alternatives (OpenAI
    gives its voices `example: ash`), or NO_DEFAULT."""
    names: list[str] = []
    kinds: set[str] = set()
    examples: list[Any] = []

    def walk(node: Any, depth: int) -> bool:
        option = prepare(schemas, node)[0]
        listed_examples = option.get("examples")
        if isinstance(listed_examples, list) and listed_examples:
            examples.append(listed_examples[0])
        elif "example" in option:
            examples.append(option["example"])
        listed = option.get("anyOf", option.get("oneOf"))
        if isinstance(listed, list):
            return depth < 2 and all(walk(o, depth + 1) for o in listed)
        kind = main_type(option)
        if kind == "object":
            kinds.add("object")
            return True
        if kind != "string" or option.get("format") in ("binary", "byte", "base64"):
            return False
        enum = option.get("enum")
        if isinstance(enum, list):
            names.extend(v for v in enum if isinstance(v, str))
            return True
        kinds.add("any name")
        return True

    listed = schema.get("anyOf", schema.get("oneOf"))
    if not isinstance(listed, list) or not all(walk(o, 0) for o in listed):
        return None
    if not names or kinds != {"object", "any name"}:
        return None
    texts = [e for e in examples if isinstance(e, str)]
    return list(dict.fromkeys(names)), texts[0] if texts else NO_DEFAULT


def names_or_object_rule(c: Candidate) -> Widget | None:
    """A dropdown of the names that takes any other name, and a JSON object typed in it
    is sent as the object: the first thing a user does (pick a voice) needs no selector
    of shapes, and the object stays reachable (`dispatcher.values` parses it)."""
    found = _names_or_object(c.schemas, c.schema)
    if found is None or not _choosable(found[0]):
        return None
    return Widget("names", "any", choices=found[0], custom_values=True, example=found[1])


def file_rule(c: Candidate) -> Widget | None:
    """Bytes that are not a picture or a sound: a file upload."""
    if c.raw_body or (c.kind == "string" and (_is_binary(c) or _is_encoded_bytes(c.schema))):
        return Widget("file", "string", _bytes_encoding(c))
    return None


def _words(ident: str) -> list[str]:
    """`accessToken` and `access_token` -> ["access", "token"]."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", ident).lower().strip("_").split("_")


@lru_cache(maxsize=4096)  # the same parameter names come back in every operation
def _secret_name(ident: str) -> bool:
    """Whole words only: `access_token` and `X-API-Key` are secrets, `tokenizer` and
    `next_page_token` are not (a substring test masked every `tokenizer` field)."""
    words = _words(ident)
    if re.search(r"(^|_)api_key(_|$)", "_".join(words)):
        return True
    return any(
        word in SECRET_WORDS and not (word == "token" and i and words[i - 1] in _CURSOR_WORDS)
        for i, word in enumerate(words)
    )


def file_array_rule(c: Candidate) -> Widget | None:
    """An array of files (FastAPI's `list[UploadFile]`): a multi-file upload, each file
    one part of a multipart body (or one base64 string in a JSON array)."""
    if c.kind != "array" or c.location != "body":
        return None
    item = Candidate(
        c.name, c.schemas.resolve(c.schema.get("items", {})), c.location, c.media_type, c.schemas
    )
    if item.kind == "string" and (_is_binary(item) or _is_encoded_bytes(item.schema)):
        return Widget("file", "array", _bytes_encoding(c), item_type="string")
    return None


def password_rule(c: Candidate) -> Widget | None:
    if c.kind != "string":
        return None
    if c.schema.get("format") == "password" or _secret_name(c.ident):
        return Widget("password", "string")
    return None


def boolean_rule(c: Candidate) -> Widget | None:
    """A checkbox for a required boolean; three choices (not set, true, false) for an
    optional one, where an unticked box could not tell "false" from "not given"."""
    if c.kind != "boolean":
        return None
    return Widget("checkbox" if c.required else "tristate", "boolean")


def _bound(schema: Mapping[str, Any], inclusive: str, exclusive: str) -> float | None:
    for key in (inclusive, exclusive):
        value = schema.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
    return None


def _step(c: Candidate) -> float | None:
    multiple = c.schema.get("multipleOf")
    if isinstance(multiple, (int, float)) and not isinstance(multiple, bool) and multiple > 0:
        return float(multiple)
    return 1.0 if c.kind == "integer" else None


def slider_rule(c: Candidate) -> Widget | None:
    if c.kind not in ("integer", "number"):
        return None
    low = _bound(c.schema, "minimum", "exclusiveMinimum")
    high = _bound(c.schema, "maximum", "exclusiveMaximum")
    if low is None or high is None or not 0 < high - low <= _SLIDER_MAX_SPAN:
        return None
    if not c.required and documented_default(c.schema) is NO_DEFAULT:
        # A slider always has a value; an optional one would always send it. A `null`
        # default (`Optional[int] = None`) means "leave it out", not a value.
        return None
    step = _step(c) or (high - low) / 100
    return Widget("slider", c.kind, minimum=low, maximum=high, step=step)


def number_rule(c: Candidate) -> Widget | None:
    if c.kind not in ("integer", "number"):
        return None
    return Widget(
        "number",
        c.kind,
        minimum=_bound(c.schema, "minimum", "exclusiveMinimum"),
        maximum=_bound(c.schema, "maximum", "exclusiveMaximum"),
        step=_step(c),
    )


def long_text_rule(c: Candidate) -> Widget | None:
    if c.kind != "string":
        return None
    max_length = c.schema.get("maxLength")
    long = isinstance(max_length, int) and max_length > 200
    if long or _named(c.ident, LONG_TEXT_NAMES) or c.schema.get("format") == "textarea":
        return Widget("textarea", "string")
    return None


def list_rule(c: Candidate) -> Widget | None:
    """An array of strings or numbers: a list the user adds entries to."""
    if c.kind != "array":
        return None
    item_types = types_of(c.schemas.resolve(c.schema.get("items", {})))
    kinds = [t for t in item_types if t != "null"]
    if len(kinds) == 1 and kinds[0] in ("string", "integer", "number"):
        return Widget("list", "array", item_type=kinds[0])
    return None


def format_rule(c: Candidate) -> Widget | None:
    """Dates, times, e-mail addresses, URIs and UUIDs: a text box that shows the shape.

    A text box rather than a date picker: it can be left empty, takes any time zone as
    typed, and the value is checked against the format before sending.
    """
    hint = FORMAT_HINTS.get(str(c.schema.get("format", "")))
    if c.kind != "string" or hint is None:
        return None
    return Widget("textbox", "string", placeholder=hint)


def _scalar_kind(schema: Mapping[str, Any]) -> str | None:
    kinds = [k for k in types_of(schema) if k != "null"] or [main_type(schema)]
    return kinds[0] if len(kinds) == 1 and kinds[0] in _SCALARS else None


def table_rule(c: Candidate) -> Widget | None:
    """An array of flat objects (every property a scalar): a table, one column each."""
    if c.kind != "array":
        return None
    items, _ = prepare(c.schemas, c.schema.get("items", {}))
    properties = items.get("properties")
    if main_type(items) != "object" or not isinstance(properties, Mapping):
        return None
    if not 0 < len(properties) <= MAX_COLUMNS or any(k in items for k in ("oneOf", "anyOf")):
        return None
    required = required_names(items)
    columns = []
    for name, raw in properties.items():
        prop, _ = prepare(c.schemas, raw)
        kind = _scalar_kind(prop)
        if kind is None or prop.get("format") in ("binary", "byte"):
            return None
        if not prop.get("readOnly"):
            columns.append(Column(str(name), kind, name in required))
    return Widget("table", "array", columns=columns) if columns else None


def keyvalue_rule(c: Candidate) -> Widget | None:
    """An object of free keys (`additionalProperties`) with scalar values: key/value rows."""
    if c.kind != "object" or c.schema.get("properties"):
        return None
    extra = c.schema.get("additionalProperties")
    if extra is True or extra == {}:
        return Widget("keyvalue", "object", item_type="any")
    if not isinstance(extra, Mapping):
        return None
    kind = _scalar_kind(c.schemas.resolve(extra))
    return Widget("keyvalue", "object", item_type=kind) if kind else None


def text_rule(c: Candidate) -> Widget | None:
    return Widget("textbox", "string") if c.kind == "string" else None


def untyped_parameter_rule(c: Candidate) -> Widget | None:
    """A path, query, header or cookie parameter whose schema says nothing of its type:
    text, as it travels (`Authorization: Bearer abc123` is no JSON)."""
    if c.location == "body" or c.kind or "x-autoui-json" in c.schema:
        return None
    if any(k in c.schema for k in ("oneOf", "anyOf", "not")):
        return None
    return Widget("textbox", "string")


def untyped_prompt_rule(c: Candidate) -> Widget | None:
    """A body field named for words (`prompt`, `input`) whose schema gives no type (a Go
    `interface{}` in LocalAI's spec): a text box, sent as text, which such a field takes."""
    if c.location != "body" or c.kind or "x-autoui-json" in c.schema:
        return None
    if any(k in c.schema for k in ("oneOf", "anyOf", "allOf", "not", "properties", "items")):
        return None
    return Widget("textarea", "string") if _named(c.ident, LONG_TEXT_NAMES) else None


def json_rule(c: Candidate) -> Widget:
    """Anything else (objects, mixed arrays, oneOf, unknown): a JSON editor."""
    return Widget("json", c.kind or "any", "json")


RULES: list[Rule] = [
    text_body_rule,
    file_alternatives_rule,
    texts_rule,
    names_or_object_rule,
    open_enum_rule,
    string_alternatives_rule,
    const_rule,
    enum_rule,
    enum_array_rule,
    image_rule,
    audio_rule,
    image_list_rule,
    file_rule,
    file_array_rule,
    password_rule,
    boolean_rule,
    slider_rule,
    number_rule,
    format_rule,
    long_text_rule,
    list_rule,
    table_rule,
    keyvalue_rule,
    text_rule,
    untyped_parameter_rule,
    untyped_prompt_rule,
    json_rule,
]


def name_of(rule: Rule) -> str:
    """A rule's name as the plan records it: `enum_rule` is `enum`."""
    return rule.__name__.removesuffix("_rule")
