"""The UI plan: which input and output widgets an operation gets, as plain data.

The plan is what `autoui inspect` prints and what the builder and the dispatcher read.
It names components by kind ("textbox", "image", ...) rather than holding Gradio
objects, so it can be computed, tested and printed without Gradio.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from autoui.ir import Api, Operation, Parameter
from autoui.schemas import Schemas

FieldLocation = Literal["path", "query", "header", "cookie", "body"]
# The kinds of input widget, each a module of `autoui.mapper.kinds` (`kinds.KINDS`), in
# the order messages name them.
InputKind = Literal[
    "textbox",
    "textarea",
    "password",
    "number",
    "slider",
    "checkbox",
    "tristate",  # an optional boolean: not set, true or false
    "dropdown",
    "names",  # a dropdown of names that takes others, or a JSON object
    "multiselect",
    "list",
    "image",
    "images",  # pictures sent as a list
    "audio",
    "file",
    "json",
    "table",
    "keyvalue",
    "texts",
    "color",
    "variant",  # a selector: not sent itself, it decides which other fields are
]

# The kinds of output component, each a module of `autoui.mapper.output_kinds`
# (`output_kinds.KINDS`), in the order their media-type rules are tried.
OutputKind = Literal[
    "image",
    "audio",
    "video",
    "stream",  # a token stream, shown as its growing text
    "markdown",
    "html",
    "textbox",
    "json",
    "table",
    "label",  # labelled scores: a classification
    "vector",  # embeddings: the numbers, with their dimension
    "gallery",  # several pictures
    "color",  # a colour's swatch
    "file",
]
# What an operation's output is planned as: a kind, `auto` (the reply's Content-Type
# decides), or `chat` (a conversation beside the form, as well as the primary output).
Planned = OutputKind | Literal["auto", "chat"]

# How a widget's value becomes the value sent on the wire.
#   plain  - the value as is (str, number, bool, list) after type coercion
#   json   - text typed into a JSON editor, parsed before sending
#   base64 - a file (path) whose bytes are sent as a base64 string
#   file   - a file (path) sent as a file part or as the raw body
#   data_url - a file (path) sent as a `data:<type>;base64,...` URL (only by an override)
Encoding = Literal["plain", "json", "base64", "file", "data_url"]
FILE_ENCODINGS = ("base64", "file", "data_url")
UNTAGGED = "Other"  # the group of operations without a tag


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"

    def __bool__(self) -> bool:
        return False


NO_DEFAULT: Any = _NoDefault()

# Conditions under which a field is shown and sent: for each (selector key, choices),
# the selector's current choice is one of the choices. () means always.
When = tuple[tuple[str, tuple[str, ...]], ...]


MISSING: Any = object()  # what `value_at` finds where a document has nothing


def value_at(document: Any, path: tuple[str, ...]) -> Any:
    """The value at `path` in a JSON document, or MISSING."""
    for key in path:
        if not isinstance(document, dict) or key not in document:
            return MISSING
        document = document[key]
    return document


def holds(when: When, chosen: dict[str, str]) -> bool:
    """Whether a field with these conditions is active, given each selector's choice."""
    return all(chosen.get(key) in labels for key, labels in when)


@dataclass
class Variant:
    """One choice of a selector field (`component == "variant"`).

    A selector picks one alternative of a `oneOf`/`anyOf` (the fields of the other
    alternatives are hidden and not sent) or the media type a body is sent as.
    """

    label: str  # what the user picks, and the value the selector's widget holds
    value: Any = None  # the discriminator value, or the media type, to send
    schema: Any = None  # the alternative's schema node, to check a request against


@dataclass
class Column:
    """One column of a table field: a property of the array's objects."""

    name: str
    value_type: str  # string | integer | number | boolean
    required: bool = False


def is_json(media_type: str) -> bool:
    """`application/json`, `text/json` and the `+json` suffix types."""
    return media_type.endswith(("/json", "+json"))


MEDIA_SELECTOR = "body.~send_as"  # the key of the "send as" selector


@dataclass
class ModelList:
    """The operation that lists the API's models (`GET /v1/models`, Ollama's
    `/api/tags`, TGI's `/info`) and where the names are in its reply: `("data", "*",
    "id")` is each `data[].id`."""

    plan: OperationPlan
    path: tuple[str, ...]


EACH = "*"  # a step of `ModelList.path` that is each item of a list


def names_at(data: Any, path: tuple[str, ...]) -> list[str]:
    """The model names a listing reply holds at `path` (`*` is each item), in order."""
    found: list[Any] = [data]
    for step in path:
        if step == EACH:
            found = [item for value in found if isinstance(value, list) for item in value]
        else:
            found = [value[step] for value in found if isinstance(value, Mapping) and step in value]
    names = [str(v) for v in found if isinstance(v, (str, int)) and not isinstance(v, bool)]
    return list(dict.fromkeys(n for n in names if n))


@dataclass
class Field:
    """One input widget and where its value goes in the request."""

    key: str  # unique in the operation: "path.id", "body.options.temperature"
    api_param: str  # the keyword argument name for gradio_client / MCP
    label: str
    location: FieldLocation
    name: str  # the wire name: the parameter name, or the body property name
    component: InputKind  # what each is: its module in mapper/kinds
    value_type: str  # string | integer | number | boolean | array | object | any
    item_type: str = ""  # for arrays of scalars: the items' type
    encoding: Encoding = "plain"
    required: bool = False
    info: str = ""
    default: Any = NO_DEFAULT  # what the widget starts with, and sends unless changed
    # The spec's `default` of an optional field: what the server does without it. Shown
    # (placeholder, info), never sent: an optional slider starts there and is not sent
    # while it stays there.
    server_default: Any = NO_DEFAULT
    placeholder: str = ""
    choices: list[Any] | None = None
    custom_values: bool = False  # a dropdown that also takes values it does not list
    # Where a model picker's choices come from: the API's own list of models.
    options_from: ModelList | None = None
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    schema: dict[str, Any] = field(default_factory=dict)  # resolved, for validation
    body_path: tuple[str, ...] = ()  # where in the request body (() is the whole body)
    parameter: Parameter | None = None  # for path/query/header/cookie fields
    rule: str = ""  # the mapping rule that chose the component, shown by inspect
    group: str = ""  # the enclosing object's dotted path, for visual grouping
    when: When = ()  # shown and sent only while these selectors have these choices
    variants: list[Variant] | None = None  # a selector's choices
    discriminator: str = ""  # a selector's property set to the chosen variant's value
    columns: list[Column] | None = None  # a table's columns

    @property
    def is_selector(self) -> bool:
        return self.component == "variant"


@dataclass
class Output:
    """How the reply is shown. The first output of an operation is its primary one."""

    component: Planned  # what each kind is: its module in mapper/output_kinds
    field: str | None = None  # dotted path of the primary value in a JSON reply
    media_type: str | None = None
    rule: str = ""
    # Request field names: a reply field of the same name echoes the input, not the answer.
    echoes: frozenset[str] = frozenset()


@dataclass
class FormExample:
    """A named example: the value of every field it fills, keyed by api_param."""

    name: str
    summary: str = ""
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class OperationPlan:
    operation: Operation
    api_name: str  # unique, without the leading "/"
    title: str  # short label for a tab or a list entry
    fields: list[Field] = field(default_factory=list)
    body_media_type: str | None = None  # the media type the body is sent as
    # Body objects their parent object requires: sent (`{}` at least) whenever their
    # parent is, even when none of their fields is set (`()`: a required body), each with
    # the selector choices it depends on (the media type, for instance).
    required_objects: list[tuple[str, ...]] = field(default_factory=list)
    required_when: list[tuple[tuple[str, ...], When]] = field(default_factory=list)
    examples: list[FormExample] = field(default_factory=list)
    schemas: Schemas | None = None  # the document's schemas, for validating a request
    outputs: list[Output] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was simplified, for the user
    mcp_name: str = ""  # the MCP tool's name (`naming.tool_names`); "" is the api_name
    mcp_exclude: bool = False  # an API endpoint, but no MCP tool

    def field_by_param(self, api_param: str) -> Field:
        for f in self.fields:
            if f.api_param == api_param:
                return f
        raise KeyError(api_param)

    @property
    def media_selector(self) -> Field | None:
        """The "send as" selector, when the body may be sent as several media types."""
        return next((f for f in self.fields if f.is_selector and f.key == MEDIA_SELECTOR), None)


@dataclass
class AppPlan:
    api: Api
    operations: list[OperationPlan] = field(default_factory=list)
    title: str = ""
    description: str = ""
    theme: str = ""  # a Gradio built-in theme name; "" is Gradio's default
    hidden: list[str] = field(default_factory=list)  # operations left out, and why

    def by_tag(self) -> dict[str, list[OperationPlan]]:
        """Operations under their first tag, tags in the document's order (UNTAGGED last)."""
        order = [t.name for t in self.api.tags]
        groups: dict[str, list[OperationPlan]] = {}
        for op in self.operations:
            tag = op.operation.tags[0] if op.operation.tags else UNTAGGED
            groups.setdefault(tag, []).append(op)
        ranked = sorted(
            groups, key=lambda t: (order.index(t) if t in order else len(order), t == UNTAGGED)
        )
        return {t: groups[t] for t in ranked}


def nothing_to_call(api: Api) -> str:
    """What the page says for a document without operations, instead of nothing."""
    text = "**This document describes no operations**, so there is nothing to call."
    if api.webhooks:
        count = len(api.webhooks)
        text += (
            f" It describes {count} webhook{'s' if count != 1 else ''} (requests the API "
            f"sends to you, not ones you send): {', '.join(api.webhooks)}."
        )
    else:
        text += " (It may hold only components.)"
    return text
