"""Which JSON values read best as a table or as labelled scores.

A list of detections, rows or scores is unreadable as JSON and obvious as a table;
`{"cat": 0.91, "dog": 0.07}` (or Hugging Face's `[{"label": "cat", "score": 0.91}]`)
is a classification, shown as labels with confidence bars.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from autoui.mapper.naming import METADATA_NAMES

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


def label_scores(value: Any) -> dict[str, float] | None:
    """`{label: score}` when `value` is a classification: an object of two or more scores
    between 0 and 1, or a list of `{"label", "score"}` objects."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        value = value[0]  # Hugging Face nests one list per input
    if isinstance(value, list) and value:
        if all(
            isinstance(item, Mapping)
            and isinstance(item.get("label"), str)
            and _is_score(item.get("score"))
            for item in value
        ):
            return {item["label"]: float(item["score"]) for item in value}
        return None
    if isinstance(value, Mapping) and len(value) >= 2 and all(map(_is_score, value.values())):
        return {str(k): float(v) for k, v in value.items()}
    return None


def _is_score(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1
