"""`keyvalue`: an object of free keys (`additionalProperties`) with scalar values, as a
two-column table of keys and values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from autoui.mapper.kinds import table, wire
from autoui.mapper.kinds.base import Component, start, typed
from autoui.mapper.kinds.table import DATATYPES
from autoui.mapper.plan import Field


def widget(field: Field) -> Component:
    return Component(
        "Dataframe",
        {
            "value": to_widget(field, start(field)) or None,
            "headers": ["key", "value"],
            "datatype": ["str", DATATYPES.get(field.item_type, "str")],
            "column_count": 2,
            "row_count": 1,
            "type": "array",
        },
    )


def to_widget(field: Field, value: Any) -> Any:
    if not isinstance(value, Mapping):
        return None
    return [
        [k, v if isinstance(v, (str, int, float, bool)) else json.dumps(v)]
        for k, v in value.items()
    ]


def to_wire(field: Field, value: Any) -> Any:
    """Key/value rows as an object; an object (from gradio_client) or JSON text as it is."""
    if isinstance(value, str):
        value = wire.json_value(field, value)
        if value is wire.ABSENT:
            return wire.ABSENT
    if isinstance(value, Mapping) and not isinstance(value.get("data"), list):
        return dict(value)  # an object given as such (gradio_client): sent, even empty
    listed = wire.rows(field, value)
    if listed is None:
        raise wire.ValueProblem(field, "expected key/value rows")
    found: dict[str, Any] = {}
    label = field.label.removesuffix(" *")
    for number, row in enumerate(listed, 1):
        cells = list(row) if isinstance(row, (list, tuple)) else [row]
        key, cell = [*cells, None, None][:2]
        if wire.blank(key):
            if not wire.blank(cell):
                raise wire.ValueProblem(field, f"row {number} has a value but no key")
            continue
        key = str(key).strip()
        if key in found:
            raise wire.ValueProblem(field, f"the key {key!r} is given twice")
        if not wire.blank(cell):
            found[key] = wire.cell_value(field, field.item_type or "any", f"{label}, {key}", cell)
        elif field.item_type == "string":
            found[key] = ""
    if not found and not field.required:
        return wire.ABSENT
    return found


KIND = replace(
    table.KIND,
    name="keyvalue",
    widget=widget,
    to_widget=to_widget,
    annotation=typed,
    to_wire=to_wire,
)
