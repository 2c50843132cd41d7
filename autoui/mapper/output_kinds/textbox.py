"""`textbox`: text (a `text/*`, XML or YAML reply, a JSON string or number), read-only,
with a copy button."""

from __future__ import annotations

from autoui.mapper.kinds.base import Component
from autoui.mapper.output_kinds.base import Kind, no_field, top_type


def media(media_type: str) -> bool:
    return top_type(media_type) == "text" or media_type.endswith(("xml", "yaml"))


COMPONENT = Component(
    "Textbox", {"lines": 3, "max_lines": 40, "interactive": False, "buttons": ["copy"]}
)

KIND = Kind(
    name="textbox",
    media=media,
    field_rule=no_field,
    text_value=True,
    holds="text",
    component=COMPONENT,
    shown_in="textbox",
    fallback="file",  # never needed: every output area has a text box
    may_be=(),
    returns="text",
    in_config=True,
)
