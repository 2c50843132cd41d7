"""`list`: free entries of strings or numbers (an array of scalars without an enum)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from autoui.mapper.kinds import multiselect
from autoui.mapper.kinds.base import (
    SCALARS,
    Component,
    complete,
    info,
    item_annotation,
    start,
)
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


KIND = replace(
    multiselect.KIND,
    name="list",
    fit=fit,
    refuses=refuses,
    keys=frozenset(),
    settle=complete,
    widget=widget,
    annotation=annotation,
)
