"""`texts`: a text, or several as a JSON list (`["a", "b"]`): an embedding or generation
input that takes both (`rules.texts_rule`)."""

from __future__ import annotations

import json
from typing import Any

from autoui.mapper.kinds.base import (
    Component,
    Kind,
    anything,
    complete,
    info,
    same,
    start,
    typed,
)
from autoui.mapper.plan import Field

_HINT = 'one text, or a JSON list of texts (["a", "b"]) for several'


def widget(field: Field) -> Component:
    default = start(field)
    return Component(
        "Textbox",
        {
            "value": None if default is None else str(default),
            "info": f"{info(field) or ''} ({_HINT})".strip(),
            "placeholder": field.placeholder or None,
            "lines": 3,
        },
    )


def to_wire(field: Field, value: Any) -> Any:
    """A text as typed; or, when it is a JSON list of texts (or token ids), that list:
    several inputs at once (the field takes both, `rules.texts_rule`)."""
    if isinstance(value, list):
        return value
    text = str(value)
    if text.lstrip().startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            return text
        if isinstance(parsed, list):
            return parsed
    return text


KIND = Kind(
    name="texts",
    rules=(),
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
    to_widget=same,
    annotation=typed,
    to_wire=to_wire,
)
