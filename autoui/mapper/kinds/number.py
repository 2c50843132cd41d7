"""`number`: an integer or a number, typed; a text box while it has no value."""

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
from autoui.mapper.kinds.wire import by_value_type as to_wire
from autoui.mapper.plan import NO_DEFAULT, Field

BOUNDS = frozenset({"minimum", "maximum", "step"})


def fit_number(field: Field, value: Any) -> Any:
    """A number (real specs give `default: "10"` for an integer), or NO_DEFAULT."""
    if isinstance(value, str):
        try:
            value = float(value) if field.value_type == "number" else int(value)
        except ValueError:
            return NO_DEFAULT
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else NO_DEFAULT


def widget(field: Field) -> Component:
    """A Number, or a text box while there is no value: Gradio's Number shows and sends 0
    for "no value", which would send a number the user never gave."""
    if start(field) is None:
        kind = "an integer" if field.value_type == "integer" else "a number"
        bounds = [
            f"{word} {bound:g}"
            for word, bound in (("from", field.minimum), ("to", field.maximum))
            if bound is not None
        ]
        return Component(
            "Textbox",
            {"info": info(field), "placeholder": field.placeholder or " ".join([kind, *bounds])},
        )
    return Component(
        "Number",
        {
            "value": start(field),
            "info": info(field),
            "minimum": field.minimum,
            "maximum": field.maximum,
            "step": field.step or 1,
            "precision": 0 if field.value_type == "integer" else None,
            "placeholder": field.placeholder or None,
        },
    )


KIND = Kind(
    name="number",
    rules=(),
    fit=fit_number,
    shows_default="placeholder",
    refuses=requires_type(
        "integer", "number", what="a number edits numbers; this field is of type {kind}"
    ),
    keys=BOUNDS,
    settle=complete,
    upload=False,
    text=False,
    json_text=False,
    secret=False,
    in_config=True,
    widget=widget,
    to_widget=same,
    annotation=typed,
    to_wire=to_wire,
)
