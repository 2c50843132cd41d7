"""`table`: an array of flat objects, one row per item and one typed column per property;
rows are added in the table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.mapper.kinds import wire
from autoui.mapper.kinds.base import Component, Kind, anything, complete, same, start
from autoui.mapper.plan import Field

# Number columns are typed as text: Gradio fills a new row's number cells with 0, which
# would send numbers nobody typed (`to_wire` converts the text by the column's type).
DATATYPES = {"boolean": "bool"}


def widget(field: Field) -> Component:
    columns = field.columns or []
    return Component(
        "Dataframe",
        {
            "value": to_widget(field, start(field)) or None,
            "headers": [c.name + (" *" if c.required else "") for c in columns],
            "datatype": [DATATYPES.get(c.value_type, "str") for c in columns],
            "column_count": len(columns),
            "row_count": 1,
            "type": "array",
        },
    )


def to_widget(field: Field, value: Any) -> Any:
    if not isinstance(value, list):
        return None
    names = [c.name for c in field.columns or []]
    return [[row.get(n) for n in names] if isinstance(row, Mapping) else row for row in value]


def annotation(field: Field) -> Any:
    return list[dict[str, Any]]


def to_wire(field: Field, value: Any) -> Any:
    """Rows of a table as a list of objects, one property per filled cell, typed by its
    column; a list of objects (from gradio_client) or JSON text is taken as it is."""
    if isinstance(value, str):
        value = wire.json_value(field, value)
        if value is wire.ABSENT:
            return wire.ABSENT
    listed = wire.rows(field, value)
    if listed is None:
        raise wire.ValueProblem(field, "expected a table: a list of rows")
    columns = field.columns or []
    found: list[Any] = []
    for number, row in enumerate(listed, 1):
        if isinstance(row, Mapping):
            found.append(dict(row))
            continue
        cells = list(row) if isinstance(row, (list, tuple)) else [row]
        if wire.empty_row(cells):
            continue
        item = {}
        for column, cell in zip(columns, cells, strict=False):
            # An unticked box in an optional column is "not given", as in a form.
            if not wire.blank(cell) and not (cell is False and not column.required):
                where = f"{field.label.removesuffix(' *')}, row {number}, {column.name}"
                item[column.name] = wire.cell_value(field, column.value_type, where, cell)
        found.append(item)
    if not found and not field.required:
        return wire.ABSENT
    return found


KIND = Kind(
    name="table",
    rules=(),
    fit=same,
    shows_default="info",
    refuses=anything,
    keys=frozenset(),
    settle=complete,
    upload=False,
    text=False,
    json_text=False,
    secret=False,
    in_config=False,
    widget=widget,
    to_widget=to_widget,
    annotation=annotation,
    to_wire=to_wire,
)
