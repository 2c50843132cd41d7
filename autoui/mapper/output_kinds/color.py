"""`color`: a colour the reply answers with (`format: color`), shown as its swatch, a
colour picker that cannot be changed; clients get the text (`#rrggbb`).

The kind added as one module, to show what a new output kind takes
(tests/mapper/test_color_output.py): its field rule chooses it from the response schema,
a text answer planned as it is shown by it, and the builder makes its component from the
data here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.mapper.kinds.base import Component
from autoui.mapper.output_kinds.base import Kind, never
from autoui.mapper.shapes import main_type


def field_rule(name: str, schema: Mapping[str, Any]) -> bool:
    return main_type(schema) == "string" and schema.get("format") == "color"


KIND = Kind(
    name="color",
    media=never,
    field_rule=field_rule,
    text_value=True,
    holds="text",
    component=Component("ColorPicker", {"interactive": False}),
    shown_in="color",
    fallback="textbox",
    may_be=(),
    returns="text",
    in_config=False,  # to offer it in autoui.yaml, add it to the config schema's enum
)
