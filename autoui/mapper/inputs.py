"""An operation's parameters and request body as a flat list of form fields: the walk.

Parameters are one field each. A body is walked for every media type it may be sent as;
offered in several, it gets a "send as" selector over per-media-type field sets. Its
objects are opened into fields (`objects.py`), its alternatives become selectors
(`unions.py`), and the rest is one field each; the steps share the walk's state
(`walk.py`) as an argument. Fields are then made from the items gathered (`items.py`:
the widget rule, starting values, media-type twins merged). Both selectors stay plain
data: the builder shows and hides groups, the dispatcher sends only the active fields.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from autoui.ir import Api, Body, MediaType, Operation
from autoui.mapper import objects, unions
from autoui.mapper.examples import form_examples
from autoui.mapper.items import fields
from autoui.mapper.media_types import body_media_type, media_alternatives, media_class
from autoui.mapper.objects import MAX_DEPTH
from autoui.mapper.plan import (
    MEDIA_SELECTOR,
    NO_DEFAULT,
    Field,
    FormExample,
    Variant,
    When,
    is_json,
)
from autoui.mapper.shapes import main_type, prepare
from autoui.mapper.walk import FORM_TYPES, Item, Place, Walk, add


def parameters(walk: Walk, operation: Operation) -> None:
    for param in operation.parameters:
        if param.name_problem:
            walk.notes.append(f"{param.name_problem}: it is left out")
            continue
        schema, nullable = prepare(walk.api.schemas, param.schema)
        if param.media_type is not None and main_type(schema) in ("object", "array", ""):
            schema = {**schema, "x-autoui-json": True}
        walk.items.append(
            Item(
                label=param.name,
                key=param.name,
                param_name=param.name,
                schema=schema,
                location=param.location,
                media_type=None,
                required=param.required and not nullable,
                description=param.description or str(schema.get("description", "")),
                examples=[e.value for e in param.examples],
                name=param.name,
                parameter=param,
            )
        )


def bodies(walk: Walk, body: Body) -> None:
    """The fields of every media type the body may be sent as (see module doc)."""
    alternatives = media_alternatives(body)
    classes: dict[tuple[str, str], list[MediaType]] = {}
    for media in alternatives:
        schema_id = json.dumps(media.schema, sort_keys=True, default=str)
        classes.setdefault((media_class(media), schema_id), []).append(media)
    if len(alternatives) > 1:
        walk.items.append(_send_as(alternatives))
    for i, members in enumerate(classes.values()):
        when: When = ((MEDIA_SELECTOR, tuple(m.name for m in members)),) if len(classes) > 1 else ()
        prefix = f"{media_class(members[0])}_" if i else ""
        key = f"[{media_class(members[0])}]" if i else ""
        _body(walk, members[0], body.required, Place(members[0], when, key, prefix))


def _send_as(alternatives: list[MediaType]) -> Item:
    """The selector of the media type a body is sent as."""
    return Item(
        label="send as",
        key="~send_as",
        param_name="send_as",
        schema={"type": "string", "enum": [m.name for m in alternatives]},
        location="body",
        media_type=None,
        required=True,
        description="the media type the request body is sent as",
        examples=[],
        name="",
        variants=[Variant(m.name, m.name) for m in alternatives],
    )


def _body(walk: Walk, media: MediaType, required: bool, place: Place) -> None:
    """One media type's body: an object opened into fields, alternatives as a selector,
    or (anything else, and any body that is not JSON or a form) one field."""
    schema, nullable = prepare(walk.api.schemas, media.schema)
    examples = [e.value for e in media.examples]
    raw_body = not (is_json(media.name) or media.name in FORM_TYPES)
    ref = walk.api.schemas.ref_of(media.schema)
    place.refs = (ref,) if ref else ()
    required = required and not nullable
    if not raw_body and objects.openable(walk, schema, media.schema, ()):
        example = examples[0] if examples and isinstance(examples[0], Mapping) else {}
        objects.properties(walk, schema, place, (), required, example, needed=required)
    elif not raw_body and unions.selector(
        walk, schema, media.schema, place, (), required, required
    ):
        pass
    else:
        add(walk, place, (), schema, media.schema, required, examples, "body")


@dataclass
class Form:
    fields: list[Field]
    media_type: str | None  # the body's preferred media type, None without a body
    required_objects: list[tuple[tuple[str, ...], When]]
    notes: list[str]
    examples: list[FormExample]


def plan_form(api: Api, operation: Operation) -> Form:
    walk = Walk(api, unions.selector)
    parameters(walk, operation)
    media = body_media_type(operation.body)
    if media is not None and operation.body is not None:
        bodies(walk, operation.body)
    found = fields(walk)
    return Form(
        found,
        media.name if media else None,
        walk.required_objects,
        walk.notes,
        form_examples(operation, media, found),
    )


__all__ = [
    "MAX_DEPTH",
    "NO_DEFAULT",
    "Form",
    "body_media_type",
    "media_alternatives",
    "plan_form",
]
