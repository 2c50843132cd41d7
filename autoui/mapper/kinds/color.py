"""`color`: a colour (`format: color`), picked in a colour picker and sent as the text the
picker gives (`#rrggbb`). Its default and example follow a text box's rules: a required
field starts with them, an optional one starts empty with them said in the help text
(a colour picker has no grey placeholder text)."""

from __future__ import annotations

from typing import Any

from autoui.mapper.kinds.base import (
    Component,
    Kind,
    Placed,
    complete,
    info,
    requires_type,
    same,
    start,
    typed,
)
from autoui.mapper.kinds.wire import by_value_type
from autoui.mapper.plan import NO_DEFAULT, Field
from autoui.mapper.rules import Candidate, Widget


def color_rule(c: Candidate) -> Widget | None:
    """A string of `format: color`; an enum of colours stays a dropdown (the enum's rule
    comes first)."""
    if c.kind != "string" or c.schema.get("format") != "color":
        return None
    return Widget("color", "string")


def fit(field: Field, value: Any) -> Any:
    return value if isinstance(value, str) else NO_DEFAULT


def widget(field: Field) -> Component:
    example = f"e.g. {field.placeholder}" if field.placeholder else ""
    return Component(
        "ColorPicker",
        {"value": start(field), "info": " ".join(filter(None, [info(field), example])) or None},
    )


KIND = Kind(
    name="color",
    rules=(Placed("format", color_rule),),
    fit=fit,
    shows_default="info",
    refuses=requires_type("string", what="a color picker edits text; this field is of type {kind}"),
    keys=frozenset(),
    settle=complete,
    upload=False,
    text=False,
    json_text=False,
    secret=False,
    in_config=False,  # to offer it in autoui.yaml, add it to the config schema's enum
    widget=widget,
    to_widget=same,
    annotation=typed,
    to_wire=by_value_type,
)
