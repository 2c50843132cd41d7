"""What every output kind says about itself (`OutputKind`), and the parts kinds share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from autoui.mapper.kinds.base import Component
from autoui.mapper.naming import identifier
from autoui.mapper.plan import OutputKind
from autoui.mapper.shapes import main_type

# What a reply of a kind holds in `Reply.primary` (the dispatcher fills it so), and so how
# the builder turns it into its component's value:
#   text, markdown, html - text (markdown and html sanitised before they are shown)
#   json - a JSON value
#   view - a JSON value, with the rows, the scores or the numbers' text in `Reply.view`
#   file - bytes (or a file on disk, for a reply too big to hold)
#   files - a list of bytes
Holds = Literal["text", "markdown", "html", "json", "view", "file", "files"]
# The type a gradio_client or MCP caller gets: text, a file, or any JSON value.
Returns = Literal["text", "file", "any"]


@dataclass(frozen=True)
class Kind:
    """Everything about one output kind, each layer's part in one place. Every part is
    given (no defaults): a new kind says what it does at each step."""

    name: OutputKind
    # mapper (and dispatcher, for a reply the plan did not foresee): a whole reply of this
    # media type is shown as this kind; kinds are tried in `plan.OutputKind`'s order
    media: Callable[[str], bool]
    # mapper: a JSON reply's answer field, by its name and schema, is shown as this kind;
    # tried in `plan.OutputKind`'s order before the field is shown as JSON or text
    field_rule: Callable[[str, Mapping[str, Any]], bool]
    # dispatcher: a text answer of a reply planned as this kind is shown by it (not by the
    # text box every output area has)
    text_value: bool
    # dispatcher: what `Reply.primary` holds; builder: how it becomes the component's value
    holds: Holds
    # builder: the Gradio component, as data (the builder adds label, visibility, id), and
    # the kind whose component shows it: itself, or another's (a stream grows in the text box)
    component: Component
    shown_in: OutputKind
    # builder: the kind that shows this one in an output area that has no component of it
    fallback: OutputKind
    # builder: what else a reply planned as this kind may turn out to be at run time (its
    # output area holds a component for each)
    may_be: tuple[OutputKind, ...]
    # gradio_client and MCP: the endpoint's return type
    returns: Returns
    in_config: bool  # chosen in autoui.yaml / x-autoui (the config schema lists it)


def never(media_type: str) -> bool:
    """The media-type rule of a kind no whole reply is shown as (only a JSON reply's
    contents are: a table, labels, a vector, a gallery)."""
    return False


def no_field(name: str, schema: Mapping[str, Any]) -> bool:
    """The field rule of a kind no single answer field is shown as by its schema alone."""
    return False


def said_base64(schema: Mapping[str, Any]) -> bool:
    """A string whose schema says it holds base64 bytes (by format, encoding or words)."""
    return (
        schema.get("format") in ("byte", "base64")
        or schema.get("contentEncoding") == "base64"
        or "base64" in str(schema.get("description", "")).lower()
    )


def holds_media(name: str, schema: Mapping[str, Any], top: str, names: frozenset[str]) -> bool:
    """A string field whose `contentMediaType` is of `top` (image, audio), or that is
    base64 and named for one (`image`, `audio`; `audio_data`, Mistral's speech: "Base64
    encoded audio data")."""
    media = str(schema.get("contentMediaType", ""))
    ident = identifier(name).lower().removesuffix("_data")
    return main_type(schema) == "string" and (
        media.startswith(f"{top}/") or (said_base64(schema) and ident in names)
    )


def top_type(media_type: str) -> str:
    """`image` for `image/png` (the media type's top-level type, RFC 6838)."""
    return media_type.split("/", 1)[0]
