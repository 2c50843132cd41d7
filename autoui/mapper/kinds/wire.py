"""A widget's value as sent on the wire: the conversions by value type that most kinds
use, and the parts of them the kinds that shape their value (tables, key/value rows)
share. Moved here from `dispatcher.values` so a kind's module can hold its own wire
conversion; the dispatcher applies them (`dispatcher.values.wire_value`).

Widgets give loose values: a Number gives 3.0 for an integer field, a JSON editor gives
text. A value that cannot be converted raises `ValueProblem` naming the field, so the
user sees "body.count: 2.5 is not an integer" instead of a 422 later.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from autoui.errors import AutouiError
from autoui.mapper.plan import Field


class ValueProblem(AutouiError):
    def __init__(self, field: Field, reason: str) -> None:
        self.field = field
        super().__init__(f"{field.label.removesuffix(' *')}: {reason}")


class Absent:
    """A field left empty: it is not sent at all."""


ABSENT: Any = Absent()


def json_value(field: Field, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if not value.strip():
        return ABSENT
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ValueProblem(
            field, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def _as_is(field: Field, value: Any) -> Any:
    return value


def _string(field: Field, value: Any) -> Any:
    return value if isinstance(value, str) else str(value)


def _number(field: Field, value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueProblem(field, f"{value!r} is not a number")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return ABSENT
        try:
            value = float(text) if field.value_type == "number" or "." in text else int(text)
        except ValueError:
            raise ValueProblem(field, f"{value!r} is not a number") from None
    if not isinstance(value, (int, float)):
        raise ValueProblem(field, f"{value!r} is not a number")
    if field.value_type == "integer":
        if isinstance(value, float) and not value.is_integer():
            raise ValueProblem(field, f"{value:g} is not an integer")
        return int(value)
    return value


def _boolean(field: Field, value: Any) -> Any:
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            value = True
        elif lowered in ("false", "0", "no", "off", ""):
            value = False
        else:
            raise ValueProblem(field, f"{value!r} is not true or false")
    return bool(value)


def _array(field: Field, value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return ABSENT
        if text.startswith("["):
            value = json_value(field, text)
        else:
            value = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    if not isinstance(value, (list, tuple)):
        value = [value]
    if not value and not field.required:
        return ABSENT
    convert = CONVERTERS.get(field.item_type, _as_is)
    item_field = replace(field, value_type=field.item_type, required=True)
    return [convert(item_field, item) for item in value]


CONVERTERS = {
    "string": _string,
    "integer": _number,
    "number": _number,
    "boolean": _boolean,
    "array": _array,
}


def rows(field: Field, value: Any) -> list[Any] | None:
    """The rows of a table widget's value (Gradio gives a list of rows, a dict with
    `data`, or a DataFrame); None when the value is not a table at all."""
    if isinstance(value, Mapping) and isinstance(value.get("data"), list):
        return list(value["data"])
    if hasattr(value, "values") and hasattr(value, "columns"):  # a pandas DataFrame
        return [list(row) for row in value.values.tolist()]
    if isinstance(value, (list, tuple)):
        return list(value)
    return None


def blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or cell != cell  # NaN


def empty_row(cells: list[Any]) -> bool:
    """Nothing typed: blank cells, and boxes the table shows unticked by default."""
    return all(blank(c) or c is False for c in cells)


def cell_value(field: Field, kind: str, where: str, cell: Any) -> Any:
    if kind == "any":
        if isinstance(cell, str):
            try:
                return json.loads(cell)
            except json.JSONDecodeError:
                return cell
        return cell
    item = replace(field, value_type=kind, required=True, label=where)
    return CONVERTERS.get(kind, _as_is)(item, cell)


def by_value_type(field: Field, value: Any) -> Any:
    """The value converted by the field's value type (a string, a number, a list...)."""
    return CONVERTERS.get(field.value_type, _as_is)(field, value)
