"""`variant`: a selector, which alternative of a `oneOf`/`anyOf` (or which media type) the
fields below are for. It decides which other fields are sent and is not sent itself
(`dispatcher.values.wire_value` leaves every selector out)."""

from __future__ import annotations

from dataclasses import replace

from autoui.mapper.kinds import dropdown
from autoui.mapper.kinds.base import Component, anything, complete, info, start
from autoui.mapper.plan import Field


def widget(field: Field) -> Component:
    return Component(
        "Dropdown",
        {"choices": list(field.choices or []), "value": start(field), "info": info(field)},
    )


KIND = replace(
    dropdown.KIND,
    name="variant",
    refuses=anything,
    keys=frozenset(),
    settle=complete,
    in_config=False,
    widget=widget,
)
