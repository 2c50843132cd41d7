"""`names`: names to pick, any other typed, or the object the field also takes typed as
JSON (OpenAI's speech `voice`: a built-in voice, or a custom voice `{"id": ...}`). The
first thing a user does, pick a name, needs no selector of shapes (`rules.names_or_object_rule`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.mapper.kinds.base import (
    Component,
    Kind,
    anything,
    as_text,
    complete,
    info,
    same,
    start,
)
from autoui.mapper.kinds.wire import ValueProblem, json_value
from autoui.mapper.plan import Field


def widget(field: Field) -> Component:
    return Component(
        "Dropdown",
        {
            "choices": list(field.choices or []),
            "value": as_text(field, start(field)),
            "allow_custom_value": True,
            "info": f"{info(field) or ''} (pick or type a name, or type an object as JSON)".strip(),
        },
    )


def annotation(field: Field) -> Any:
    return str | dict[str, Any]


def to_wire(field: Field, value: Any) -> Any:
    """A name as typed or picked; text that starts with `{` is the object the field also
    takes, and a gradio_client caller may pass it as such."""
    if isinstance(value, Mapping):
        return dict(value)
    text = str(value)
    if not text.lstrip().startswith("{"):
        return text
    parsed = json_value(field, text)
    if not isinstance(parsed, dict):
        raise ValueProblem(field, "expected a name, or an object as JSON ({...})")
    return parsed


KIND = Kind(
    name="names",
    rules=(),  # rules.names_or_object_rule, which needs its place among the union rules
    fit=same,
    shows_default="info",
    refuses=anything,
    keys=frozenset(),
    settle=complete,
    upload=False,
    text=False,
    json_text=False,
    secret=False,
    in_config=False,
    widget=widget,
    to_widget=as_text,
    annotation=annotation,
    to_wire=to_wire,
)
