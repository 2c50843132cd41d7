"""`textbox`: one line of text; any value, objects and lists as JSON text."""

from __future__ import annotations

from autoui.mapper.kinds.base import (
    Component,
    Kind,
    anything,
    as_text,
    complete,
    same,
    text_widget,
    typed,
)
from autoui.mapper.kinds.wire import by_value_type as to_wire
from autoui.mapper.plan import Field


def widget(field: Field) -> Component:
    return text_widget(field, lines=1)


KIND = Kind(
    name="textbox",
    rules=(),
    fit=same,
    shows_default="placeholder",
    refuses=anything,
    keys=frozenset(),
    settle=complete,
    upload=False,
    text=True,
    json_text=False,
    secret=False,
    in_config=True,
    widget=widget,
    to_widget=as_text,
    annotation=typed,
    to_wire=to_wire,
)
