"""`checkbox`: true or false, for a required boolean."""

from __future__ import annotations

from typing import Any

from autoui.mapper.kinds.base import (
    Component,
    Kind,
    complete,
    info,
    requires_type,
    same,
    start,
    typed,
)
from autoui.mapper.kinds.wire import by_value_type
from autoui.mapper.plan import Field


def fit_boolean(field: Field, value: Any) -> Any:
    return value if isinstance(value, bool) else str(value).lower() == "true"


def widget(field: Field) -> Component:
    return Component("Checkbox", {"value": bool(start(field, False)), "info": info(field)})


KIND = Kind(
    name="checkbox",
    rules=(),
    fit=fit_boolean,
    shows_default="info",
    refuses=requires_type(
        "boolean", what="a checkbox edits true/false; this field is of type {kind}"
    ),
    keys=frozenset(),
    settle=complete,
    upload=False,
    text=False,
    json_text=False,
    secret=False,
    in_config=True,
    widget=widget,
    to_widget=same,
    annotation=typed,
    to_wire=by_value_type,
)
