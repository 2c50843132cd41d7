"""`slider`: a number between two bounds; an optional one starts at the server's default
and is not sent while it stays there."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from autoui.mapper.kinds import number
from autoui.mapper.kinds.base import (
    Component,
    info,
    requires_type,
)
from autoui.mapper.kinds.wire import ABSENT, by_value_type
from autoui.mapper.plan import NO_DEFAULT, Field


def widget(field: Field) -> Component:
    assert field.minimum is not None and field.maximum is not None
    return Component(
        "Slider",
        {
            "minimum": field.minimum,
            "maximum": field.maximum,
            "step": field.step,
            "value": _start(field, field.minimum, field.maximum),
            "info": info(field),
        },
    )


def _start(field: Field, low: float, high: float) -> float:
    """Where a slider starts: its default (an optional one's is the server's, not sent
    while the slider stays there), else a bound the schema allows, else the middle: an
    exclusive bound (`0 < top_p < 1`) is not a value to send."""
    for value in (field.default, field.server_default):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
    schema = field.schema
    if "exclusiveMinimum" not in schema or "minimum" in schema:
        return low
    if "exclusiveMaximum" not in schema or "maximum" in schema:
        return high
    return (low + high) / 2


def settle(field: Field) -> tuple[str, str] | None:
    if field.minimum is None or field.maximum is None:
        return (
            "a slider needs both bounds: the schema lacks them, so give minimum and maximum",
            "slider has bounds",
        )
    if field.minimum >= field.maximum:
        return "a slider's minimum must be below its maximum", "slider has bounds"
    span = field.maximum - field.minimum
    field.step = field.step or (1.0 if field.value_type == "integer" else span / 100)
    return None


def to_wire(field: Field, value: Any) -> Any:
    """An optional slider left where it starts, at the server's default, is not sent: a
    slider cannot be empty, and sending the default would send what the user never set."""
    if (
        not field.required
        and field.server_default is not NO_DEFAULT
        and not isinstance(value, bool)
        and isinstance(value, (int, float))
        and value == field.server_default
    ):
        return ABSENT
    return by_value_type(field, value)


KIND = replace(
    number.KIND,
    name="slider",
    shows_default="start",
    refuses=requires_type(
        "integer", "number", what="a slider edits numbers; this field is of type {kind}"
    ),
    settle=settle,
    widget=widget,
    to_wire=to_wire,
)
