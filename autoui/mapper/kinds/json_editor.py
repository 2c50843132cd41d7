"""`json`: a JSON editor, for anything else (objects, mixed arrays, untyped values)."""

from __future__ import annotations

import json
from typing import Any

from autoui.mapper.kinds.base import Component, Kind, anything, complete, same, start, typed
from autoui.mapper.kinds.wire import json_value
from autoui.mapper.plan import Field


def widget(field: Field) -> Component:
    return Component(
        "Code", {"value": start(field), "language": "json", "lines": 4, "max_lines": 30}
    )


def to_widget(field: Field, value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, indent=2, ensure_ascii=False)


KIND = Kind(
    name="json",
    rules=(),
    fit=same,
    shows_default="info",
    refuses=anything,
    keys=frozenset(),
    settle=complete,
    upload=False,
    text=False,
    json_text=True,
    secret=False,
    in_config=True,
    widget=widget,
    to_widget=to_widget,
    annotation=typed,
    to_wire=json_value,
)
