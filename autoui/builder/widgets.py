"""Gradio components for the plan's component kinds: one small factory per kind."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import gradio as gr

from autoui.mapper.plan import NO_DEFAULT, Field

Factory = Callable[[Field], gr.components.Component]


def _common(field: Field) -> dict[str, Any]:
    # Interactive said outright: Gradio's front end guesses it from the page's events,
    # and a form built by `gr.render` (the navigator) would get read-only inputs.
    return {
        "label": field.label,
        "elem_id": f"in-{field.key}".replace(".", "-"),
        "interactive": True,
    }


def _value(field: Field, fallback: Any = None) -> Any:
    return fallback if field.default is NO_DEFAULT else field.default


def _info(field: Field) -> str | None:
    return field.info or None


def _textbox(field: Field, **extra: Any) -> gr.Textbox:
    default = _value(field)
    return gr.Textbox(
        value=None if default is None else str(default),
        info=_info(field),
        placeholder=field.placeholder or None,
        **_common(field),
        **extra,
    )


def textbox(field: Field) -> gr.Textbox:
    return _textbox(field, lines=1)


def textarea(field: Field) -> gr.Textbox:
    return _textbox(field, lines=4, max_lines=30)


def password(field: Field) -> gr.Textbox:
    return _textbox(field, type="password")


def number(field: Field) -> gr.components.Component:
    """A Number, or a text box while there is no value: Gradio's Number shows and sends 0
    for "no value", which would send a number the user never gave."""
    if _value(field) is None:
        kind = "an integer" if field.value_type == "integer" else "a number"
        bounds = [
            f"{word} {bound:g}"
            for word, bound in (("from", field.minimum), ("to", field.maximum))
            if bound is not None
        ]
        return gr.Textbox(
            info=_info(field),
            placeholder=field.placeholder or " ".join([kind, *bounds]),
            **_common(field),
        )
    return gr.Number(
        value=_value(field),
        info=_info(field),
        minimum=field.minimum,
        maximum=field.maximum,
        step=field.step or 1,
        precision=0 if field.value_type == "integer" else None,
        placeholder=field.placeholder or None,
        **_common(field),
    )


def slider(field: Field) -> gr.Slider:
    assert field.minimum is not None and field.maximum is not None
    return gr.Slider(
        minimum=field.minimum,
        maximum=field.maximum,
        step=field.step,
        value=_slider_start(field, field.minimum, field.maximum),
        info=_info(field),
        **_common(field),
    )


def _slider_start(field: Field, low: float, high: float) -> float:
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


def checkbox(field: Field) -> gr.Checkbox:
    return gr.Checkbox(value=bool(_value(field, False)), info=_info(field), **_common(field))


# The choices of an optional boolean: (label, value); "" is "not given", as for a text box.
TRISTATE_CHOICES = [("not set", ""), ("true", "true"), ("false", "false")]


def tristate(field: Field) -> gr.Radio:
    """Not set, true or false: an unticked checkbox could not tell "false" from "not
    given", so an optional boolean could never be sent as false."""
    return gr.Radio(
        choices=TRISTATE_CHOICES,
        value=widget_value(field, _value(field)),
        info=_info(field),
        **_common(field),
    )


def dropdown(field: Field) -> gr.Dropdown:
    choices = list(field.choices or [])
    return gr.Dropdown(
        choices=choices,
        value=_value(field, choices[0] if field.required and len(choices) == 1 else None),
        allow_custom_value=field.custom_values,
        info=_info(field),
        **_common(field),
    )


def names(field: Field) -> gr.Dropdown:
    """Names to pick, any other typed, or the object the field also takes typed as JSON
    (OpenAI's voice: a built-in voice, or a custom voice `{"id": ...}`)."""
    return gr.Dropdown(
        choices=list(field.choices or []),
        value=widget_value(field, _value(field)),
        allow_custom_value=True,
        info=f"{field.info} (pick or type a name, or type an object as JSON)".strip(),
        **_common(field),
    )


def multiselect(field: Field) -> gr.Dropdown:
    return gr.Dropdown(
        choices=list(field.choices or []),
        value=_value(field, []),
        multiselect=True,
        info=_info(field),
        **_common(field),
    )


def list_input(field: Field) -> gr.Dropdown:
    """Free entries: type a value and press Enter to add it."""
    default = _value(field, [])
    return gr.Dropdown(
        choices=[],
        value=default if isinstance(default, list) else [],
        multiselect=True,
        allow_custom_value=True,
        info=(_info(field) or "") + " (type a value, press Enter to add)",
        **_common(field),
    )


def image(field: Field) -> gr.Image:
    # image_mode=None and type="filepath" hand over the uploaded file untouched.
    return gr.Image(
        type="filepath", image_mode=None, sources=["upload", "clipboard"], **_common(field)
    )


def texts(field: Field) -> gr.Textbox:
    """A text, or several as a JSON list (`dispatcher.values` reads which)."""
    hint = 'one text, or a JSON list of texts (["a", "b"]) for several'
    default = _value(field)
    return gr.Textbox(
        value=None if default is None else str(default),
        info=f"{_info(field) or ''} ({hint})".strip(),
        placeholder=field.placeholder or None,
        lines=3,
        **_common(field),
    )


def images(field: Field) -> gr.Gallery:
    """Pictures for a list of base64 strings in JSON (Ollama's `images`): uploaded and
    shown as they will be sent."""
    return gr.Gallery(type="filepath", file_types=["image"], columns=4, **_common(field))


def audio(field: Field) -> gr.Audio:
    return gr.Audio(type="filepath", sources=["upload", "microphone"], **_common(field))


def file(field: Field) -> gr.File:
    return gr.File(
        type="filepath",
        file_count="multiple" if field.value_type == "array" else "single",
        **_common(field),
    )


def json_editor(field: Field) -> gr.Code:
    return gr.Code(
        value=_value(field),
        language="json",
        lines=4,
        max_lines=30,
        **_common(field),
    )


# Number columns are typed as text: Gradio fills a new row's number cells with 0, which
# would send numbers nobody typed (the dispatcher converts the text by the column's type).
_DATATYPES = {"boolean": "bool"}


def table(field: Field) -> gr.Dataframe:
    """One row per array item, one typed column per property; rows are added in the table."""
    columns = field.columns or []
    return gr.Dataframe(
        value=widget_value(field, _value(field)) or None,
        headers=[c.name + (" *" if c.required else "") for c in columns],
        datatype=[_DATATYPES.get(c.value_type, "str") for c in columns],  # type: ignore[misc]
        column_count=len(columns),
        row_count=1,
        type="array",
        **_common(field),  # interactive, as every input
    )


def keyvalue(field: Field) -> gr.Dataframe:
    """Free keys (`additionalProperties`): a two-column table of keys and values."""
    return gr.Dataframe(
        value=widget_value(field, _value(field)) or None,
        headers=["key", "value"],
        datatype=["str", _DATATYPES.get(field.item_type, "str")],  # type: ignore[list-item]
        column_count=2,
        row_count=1,
        type="array",
        **_common(field),  # interactive, as every input
    )


def variant(field: Field) -> gr.Dropdown:
    """A selector: which alternative (or media type) the fields below are for."""
    return gr.Dropdown(
        choices=list(field.choices or []),
        value=_value(field),
        info=_info(field),
        **_common(field),
    )


def widget_value(field: Field, value: Any) -> Any:
    """A wire-shaped value (from a default or an example) as the field's widget holds it."""
    if field.component == "tristate":
        return str(value).lower() if isinstance(value, bool) else ""
    if value is None:
        return None
    if field.component == "json":
        return value if isinstance(value, str) else json.dumps(value, indent=2, ensure_ascii=False)
    if field.component == "table":
        if not isinstance(value, list):
            return None
        names = [c.name for c in field.columns or []]
        return [[row.get(n) for n in names] if isinstance(row, Mapping) else row for row in value]
    if field.component == "keyvalue":
        if not isinstance(value, Mapping):
            return None
        return [
            [k, v if isinstance(v, (str, int, float, bool)) else json.dumps(v)]
            for k, v in value.items()
        ]
    if field.component in ("textbox", "textarea", "password", "names") and not isinstance(
        value, str
    ):
        return json.dumps(value, ensure_ascii=False)
    return value


FACTORIES: dict[str, Factory] = {
    "textbox": textbox,
    "textarea": textarea,
    "password": password,
    "number": number,
    "slider": slider,
    "checkbox": checkbox,
    "tristate": tristate,
    "dropdown": dropdown,
    "names": names,
    "multiselect": multiselect,
    "list": list_input,
    "image": image,
    "images": images,
    "texts": texts,
    "audio": audio,
    "file": file,
    "json": json_editor,
    "table": table,
    "keyvalue": keyvalue,
    "variant": variant,
}


def input_component(field: Field) -> gr.components.Component:
    return FACTORIES.get(field.component, textbox)(field)
