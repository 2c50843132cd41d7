"""`table`: rows of a JSON reply (a list of flat objects), inference tensors
(`tensors.py`) or several vectors (`vector.py`), as a read-only table."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from autoui.mapper.kinds.base import Component
from autoui.mapper.naming import METADATA_NAMES
from autoui.mapper.output_kinds.base import Kind, never, no_field

MAX_ROWS = 2000  # rows shown in a table; the raw reply has them all
_SCALARS = (str, int, float, bool, type(None))


def table_rows(value: Any, echoes: Collection[str] = ()) -> list[Mapping[str, Any]] | None:
    """The rows when `value` is a non-empty list of flat objects, or an object whose one
    field (besides metadata and echoes of the request) is such a list."""
    if isinstance(value, Mapping):
        rest = [v for k, v in value.items() if k not in METADATA_NAMES and k not in echoes]
        return table_rows(rest[0]) if len(rest) == 1 and isinstance(rest[0], list) else None
    if not (isinstance(value, list) and value):
        return None
    if all(isinstance(row, Mapping) and row for row in value) and all(
        isinstance(cell, _SCALARS) for row in value for cell in row.values()
    ):
        return value
    return None


def table(rows: list[Mapping[str, Any]]) -> dict[str, Any]:
    """`{"headers": [...], "data": [[...], ...]}`: the columns in order of appearance."""
    headers: dict[str, None] = {}
    for row in rows[:MAX_ROWS]:
        headers.update(dict.fromkeys(row))
    data = [[row.get(h) for h in headers] for row in rows[:MAX_ROWS]]
    return {"headers": list(headers), "data": data}


KIND = Kind(
    name="table",
    media=never,
    field_rule=no_field,
    text_value=False,
    holds="view",
    component=Component("Dataframe", {"interactive": False, "wrap": True}),
    shown_in="table",
    fallback="json",
    may_be=("label",),
    returns="any",
    in_config=False,
)
