"""`stream`: a token stream (Server-Sent Events, NDJSON), shown as its growing text in the
output area's text box while it comes (`dispatcher.streams` reads the events)."""

from __future__ import annotations

from autoui.mapper.output_kinds import textbox
from autoui.mapper.output_kinds.base import Kind, no_field

STREAM_TYPES = (
    "text/event-stream",
    "application/x-ndjson",
    "application/jsonl",
    "application/x-jsonlines",
    "application/json-seq",
)


def media(media_type: str) -> bool:
    return media_type in STREAM_TYPES


KIND = Kind(
    name="stream",
    media=media,
    field_rule=no_field,
    text_value=False,
    holds="text",
    component=textbox.COMPONENT,
    shown_in="textbox",  # while it comes, and once it has come
    fallback="textbox",
    may_be=(),
    returns="text",
    in_config=False,
)
