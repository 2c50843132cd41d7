"""`list`: free entries of strings or numbers (an array of scalars without an enum)."""

from __future__ import annotations

from typing import Any

from autoui.mapper.kinds.base import (
    SCALARS,
    Component,
    Kind,
    complete,
    info,
    item_annotation,
    same,
    start,
)
from autoui.mapper.kinds.wire import by_value_type
from autoui.mapper.plan import Field


def fit(field: Field, value: Any) -> Any:
    return value if isinstance(value, list) else [value]


def refuses(field: Field) -> str | None:
    if field.value_type != "array":
        return f"a list edits a list; this field is of type {field.value_type or 'any'}"
    if field.item_type not in SCALARS:
        return "a list edits strings or numbers; this array holds other things"
    return None


def widget(field: Field) -> Component:
    """Type a value and press Enter to add it."""
    default = start(field, [])
    return Component(
        "Dropdown",
        {
            "choices": [],
            "value": default if isinstance(default, list) else [],
            "multiselect": True,
            "allow_custom_value": True,
            "info": (info(field) or "") + " (type a value, press Enter to add)",
        },
    )


def annotation(field: Field) -> Any:
    return list[item_annotation(field)]  # type: ignore[misc]


KIND = Kind(
    name="list",
    rules=(),
    fit=fit,
    shows_default="info",
    refuses=refuses,
    keys=frozenset(),
    settle=complete,
    upload=False,
    text=False,
    json_text=False,
    secret=False,
    in_config=True,
    widget=widget,
    to_widget=same,
    annotation=annotation,
    to_wire=by_value_type,
)
