"""`tristate`: an optional boolean, not set, true or false. An unticked checkbox could
not tell "false" from "not given", so an optional boolean could never be sent as false."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from autoui.mapper.kinds import checkbox
from autoui.mapper.kinds.base import Component, info, start
from autoui.mapper.plan import Field

# The choices: (label, value); "" is "not given", as for a text box.
CHOICES = [("not set", ""), ("true", "true"), ("false", "false")]


def to_widget(field: Field, value: Any) -> Any:
    return str(value).lower() if isinstance(value, bool) else ""


def widget(field: Field) -> Component:
    return Component(
        "Radio",
        {"choices": CHOICES, "value": to_widget(field, start(field)), "info": info(field)},
    )


KIND = replace(
    checkbox.KIND,
    name="tristate",
    in_config=False,
    widget=widget,
    to_widget=to_widget,
)
