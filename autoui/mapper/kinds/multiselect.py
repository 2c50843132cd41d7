"""`multiselect`: several of the schema's values (an array of an enum)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Literal

from autoui.mapper.kinds import dropdown
from autoui.mapper.kinds.base import (
    Component,
    enumerable,
    info,
    item_annotation,
    requires_type,
    start,
)
from autoui.mapper.plan import Field


def fit(field: Field, value: Any) -> Any:
    """The default's values that are among the choices."""
    items = value if isinstance(value, list) else [value]
    return [v for v in items if v in (field.choices or [])]


def widget(field: Field) -> Component:
    return Component(
        "Dropdown",
        {
            "choices": list(field.choices or []),
            "value": start(field, []),
            "multiselect": True,
            "info": info(field),
        },
    )


def annotation(field: Field) -> Any:
    if enumerable(field):
        return list[Literal[tuple(field.choices or ())]]  # type: ignore[misc]
    return list[item_annotation(field)]  # type: ignore[misc]


KIND = replace(
    dropdown.KIND,
    name="multiselect",
    fit=fit,
    refuses=requires_type("array", what="a multiselect edits a list; this field is of type {kind}"),
    widget=widget,
    annotation=annotation,
)
