"""A field's starting value and what it says of the server's default: the spec's
default or example for a required field, fitted to the widget its kind is; for an
optional one, the server's default said where the user looks (`Kind.shows_default`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from autoui.ir import Api
from autoui.mapper.kinds import kind_of
from autoui.mapper.plan import NO_DEFAULT, Field
from autoui.mapper.shapes import documented_default, first_example, skeleton


def fitting(field: Field, value: Any) -> Any:
    """A default as the widget can hold it, or none: real specs give `default: "10"`
    for an integer and `default: "x"` outside an enum, which a widget cannot show."""
    if value is NO_DEFAULT or value is None:
        return value
    return kind_of(field).fit(field, value)


def prefill(
    field: Field, schema: Mapping[str, Any], examples: list[Any], raw: Any, api: Api
) -> None:
    """A required field starts with the spec's default, else its example: it must be
    sent, and these are the values the spec suggests. An optional field starts empty:
    its default documents what the server does without it (`server_default`, shown, never
    sent) and an example is only a placeholder, so nothing is sent that the user did not
    set."""
    default = documented_default(schema)
    bare = {k: v for k, v in schema.items() if k != "default"}
    found, example = (True, examples[0]) if examples else first_example(bare)
    if field.encoding in ("base64", "file"):
        return
    if not field.required:
        field.server_default = default
    if kind_of(field).json_text:
        if field.required:
            value = (
                default
                if default is not NO_DEFAULT
                else example
                if found
                else skeleton(api.schemas, raw if raw is not None else schema)
            )
            if value is not None:
                field.default = json.dumps(value, indent=2, ensure_ascii=False)
        return
    if field.required and default is not NO_DEFAULT:
        field.default = default
    elif field.required and found:
        field.default = example
    if found and not isinstance(example, (dict, list)):
        field.placeholder = str(example)
    elif found:
        field.placeholder = json.dumps(example, ensure_ascii=False)[:200]


def show_server_default(field: Field) -> None:
    """An optional field's default, said where the user looks: the empty box's
    placeholder, and the help text of widgets without one. A slider starts there."""
    value = field.server_default
    if value is NO_DEFAULT:
        return
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    where = kind_of(field).shows_default
    if where == "start":
        field.default = value
    if where == "placeholder":
        field.placeholder = f"default: {shown}"[:200]
    else:
        field.info = f"{field.info} (default: {shown[:100]})".strip()
