"""`dropdown`: one of the schema's values (an enum, a const), or of the API's models."""

from __future__ import annotations

from typing import Any, Literal

from autoui.mapper.kinds.base import (
    Component,
    Kind,
    enumerable,
    info,
    same,
    start,
    typed,
)
from autoui.mapper.kinds.wire import by_value_type
from autoui.mapper.plan import NO_DEFAULT, Field

CHOICES = frozenset({"choices"})


def fit(field: Field, value: Any) -> Any:
    """One of the choices (or any text, where the dropdown takes values it does not
    list): real specs give `default: "x"` outside their enum."""
    fits = value in (field.choices or []) or (field.custom_values and isinstance(value, str))
    return value if fits else NO_DEFAULT


def refuses(field: Field) -> str | None:
    kind = field.value_type
    if kind in ("object", "array"):
        return f"a dropdown picks one value; this field is an {kind} (try multiselect)"
    return None


def needs_choices(field: Field) -> tuple[str, str] | None:
    if field.choices:
        return None
    return (
        f"a {field.component} needs choices: the schema has no enum, so give `choices`",
        "dropdown has choices",
    )


def widget(field: Field) -> Component:
    choices = list(field.choices or [])
    one = choices[0] if field.required and len(choices) == 1 else None
    return Component(
        "Dropdown",
        {
            "choices": choices,
            "value": start(field, one),
            "allow_custom_value": field.custom_values,
            "info": info(field),
        },
    )


def annotation(field: Field) -> Any:
    """The choices as an enum for clients and MCP tools."""
    return Literal[tuple(field.choices or ())] if enumerable(field) else typed(field)


KIND = Kind(
    name="dropdown",
    rules=(),
    fit=fit,
    shows_default="info",
    refuses=refuses,
    keys=CHOICES,
    settle=needs_choices,
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
