"""An operation's parameters and request body as a flat list of form fields.

Body objects are opened into one field per property, nested objects into dotted
fields (`options.temperature`) down to MAX_DEPTH; below that, and at the first
recursive reference, a JSON editor takes the whole sub-tree, so nothing is dropped.

Alternatives become selectors: a `oneOf`/`anyOf` is a "variant" field whose choice
decides which alternative's fields are shown and sent (each such field carries the
condition in `Field.when`), and a body offered in several media types gets a "send as"
selector over per-media-type field sets. Both stay plain data: the builder shows and
hides groups, the dispatcher sends only the active fields.

Over 400 lines because `_Collector` is one recursive walk over parameters, objects and
alternatives that share its state (where it is, the fields so far, the notes); the
steps that need none live beside it: starting values (`defaults.py`), a selector's
labels (`variants.py`), named examples (`examples.py`), media types (`media_types.py`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from autoui.ir import Api, Body, MediaType, Operation, Parameter
from autoui.mapper.defaults import fitting, prefill, show_server_default
from autoui.mapper.examples import form_examples
from autoui.mapper.kinds import choose
from autoui.mapper.media_types import body_media_type, media_alternatives, media_class
from autoui.mapper.naming import unique_params
from autoui.mapper.plan import (
    MEDIA_SELECTOR,
    NO_DEFAULT,
    Field,
    FieldLocation,
    FormExample,
    Variant,
    When,
)
from autoui.mapper.rules import Candidate, is_json, is_text_or_texts, names_or_object
from autoui.mapper.shapes import (
    main_type,
    open_enum,
    prepare,
    required_names,
)
from autoui.mapper.variants import variant_choices

MAX_DEPTH = 3  # path segments in a field name (a.b.c); deeper objects get a JSON editor
MAX_FIELDS = 60  # a body with more properties than this is edited as JSON
# A oneOf/anyOf with more alternatives, or whose alternatives add up to more fields
# than this (nested ones included), is edited as JSON: a selector over hundreds of
# hidden fields costs more to build and to read than it helps.
MAX_VARIANTS = 16
MAX_VARIANT_FIELDS = 60
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


@dataclass
class _Item:
    """A field before its widget is chosen."""

    label: str  # the dotted path shown to the user, without the location
    key: str  # unique in the operation, without the location
    param_name: str  # what the api_param is made from
    schema: dict[str, Any]
    location: FieldLocation
    media_type: str | None
    required: bool
    description: str
    examples: list[Any]
    name: str  # the wire name
    parameter: Parameter | None = None
    body_path: tuple[str, ...] = ()
    raw: Any = None
    group: str = ""
    when: When = ()
    variants: list[Variant] | None = None
    discriminator: str = ""


@dataclass
class _Place:
    """Where the collector is in a body: the media type and the enclosing selectors."""

    media: MediaType
    when: When = ()
    key: str = ""  # key of the enclosing object ("" at the top), variant labels included
    param_prefix: str = ""  # added to api_params of a media type other than the first
    refs: tuple[str, ...] = ()  # $refs being opened, to stop at recursion
    required_objects: list[tuple[tuple[str, ...], When]] = field(default_factory=list)


class _Collector:
    """Walks one operation, gathering items in form order."""

    def __init__(self, api: Api, operation: Operation) -> None:
        self.api = api
        self.operation = operation
        self.items: list[_Item] = []
        self.notes: list[str] = []
        self.required_objects: list[tuple[tuple[str, ...], When]] = []

    def parameters(self) -> None:
        for param in self.operation.parameters:
            if param.name_problem:
                self.notes.append(f"{param.name_problem}: it is left out")
                continue
            schema, nullable = prepare(self.api.schemas, param.schema)
            if param.media_type is not None and main_type(schema) in ("object", "array", ""):
                schema = {**schema, "x-autoui-json": True}
            self.items.append(
                _Item(
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

    def bodies(self, body: Body) -> None:
        """The fields of every media type the body may be sent as (see module doc)."""
        alternatives = media_alternatives(body)
        classes: dict[tuple[str, str], list[MediaType]] = {}
        for media in alternatives:
            schema_id = json.dumps(media.schema, sort_keys=True, default=str)
            classes.setdefault((media_class(media), schema_id), []).append(media)
        if len(alternatives) > 1:
            self.items.append(
                _Item(
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
            )
        for i, members in enumerate(classes.values()):
            when: When = (
                ((MEDIA_SELECTOR, tuple(m.name for m in members)),) if len(classes) > 1 else ()
            )
            prefix = f"{media_class(members[0])}_" if i else ""
            key = f"[{media_class(members[0])}]" if i else ""
            self.body(members[0], body.required, _Place(members[0], when, key, prefix))

    def body(self, media: MediaType, required: bool, place: _Place) -> None:
        schema, nullable = prepare(self.api.schemas, media.schema)
        examples = [e.value for e in media.examples]
        raw_body = not (is_json(media.name) or media.name in _FORM_TYPES)
        ref = self.api.schemas.ref_of(media.schema)
        place.refs = (ref,) if ref else ()
        required = required and not nullable
        if not raw_body and self._openable(schema, media.schema, ()):
            example = examples[0] if examples and isinstance(examples[0], Mapping) else {}
            self._properties(schema, place, (), required, example, needed=required)
        elif not raw_body and self._variants(schema, media.schema, place, (), required, required):
            pass
        else:
            self._add(place, (), schema, media.schema, required, examples, "body")

    def _openable(self, schema: Mapping[str, Any], raw: Any, refs: tuple[str, ...]) -> bool:
        properties = schema.get("properties")
        ref = self.api.schemas.ref_of(raw)
        return (
            main_type(schema) == "object"
            and isinstance(properties, Mapping)
            and 0 < len(properties) <= MAX_FIELDS
            and not any(_shaped(schema.get(k)) for k in ("oneOf", "anyOf"))
            and (ref is None or ref not in refs)
        )

    def _add(
        self,
        place: _Place,
        path: tuple[str, ...],
        schema: dict[str, Any],
        raw: Any,
        required: bool,
        examples: list[Any],
        label: str = "",
        key: str = "",
    ) -> None:
        label = label or ".".join(path)
        key = key or _join(place.key, path[-1] if path else "body")
        self.items.append(
            _Item(
                label=label,
                key=key,
                param_name=place.param_prefix + (_bare(key) if _in_variant(place) else label),
                schema=schema,
                location="body",
                media_type=place.media.name,
                required=required,
                description=str(schema.get("description", "")),
                examples=examples,
                name=path[-1] if path else label,
                body_path=path,
                raw=raw,
                group=".".join(path[:-1]),
                when=place.when,
            )
        )

    def _properties(
        self,
        schema: Mapping[str, Any],
        place: _Place,
        path: tuple[str, ...],
        required: bool,
        example: Mapping[str, Any],
        skip: str = "",
        needed: bool = False,
    ) -> None:
        """The object's fields. `required`: the request must hold the object (its fields
        are marked required); `needed`: its parent object requires it, so it is sent,
        `{}` at least, whenever its parent is (an optional body's required `recurring`,
        Adyen's): the plan's required objects."""
        if needed:
            self.required_objects.append((path, place.when))
        names_required = required_names(schema)
        for name, raw in schema["properties"].items():
            prop, nullable = prepare(self.api.schemas, raw)
            if prop.get("readOnly") is True or name == skip:
                continue
            sub_path = (*path, str(name))
            in_parent = name in names_required and not nullable
            is_required = required and in_parent
            sub_example = example.get(name) if isinstance(example, Mapping) else None
            ref = self.api.schemas.ref_of(raw)
            nested = len(sub_path) < MAX_DEPTH and place.media.name not in _FORM_TYPES
            inner = _Place(
                place.media,
                place.when,
                _join(place.key, str(name)),
                place.param_prefix,
                (*place.refs, ref) if ref else place.refs,
            )
            if nested and self._openable(prop, raw, place.refs):
                self._properties(
                    prop,
                    inner,
                    sub_path,
                    is_required,
                    sub_example if isinstance(sub_example, Mapping) else {},
                    needed=in_parent,
                )
            elif not (
                nested and self._variants(prop, raw, inner, sub_path, is_required, in_parent)
            ):
                examples = [] if sub_example is None else [sub_example]
                self._add(place, sub_path, prop, raw, is_required, examples)

    def _variants(
        self,
        schema: dict[str, Any],
        raw: Any,
        place: _Place,
        path: tuple[str, ...],
        required: bool,
        needed: bool,
    ) -> bool:
        """A `oneOf`/`anyOf` as a selector and each alternative's fields; False (nothing
        added) when there is none, or it is too big, so the caller adds a JSON editor."""
        key_word = "oneOf" if isinstance(schema.get("oneOf"), list) else "anyOf"
        options = schema.get(key_word)
        ref = self.api.schemas.ref_of(raw)
        if not isinstance(options, list) or not 1 < len(options) <= MAX_VARIANTS:
            return False
        if (
            open_enum(self.api.schemas, schema) is not None
            or names_or_object(self.api.schemas, schema) is not None
            or (path and is_text_or_texts(self.api.schemas, schema))
        ):
            return False  # one field: names to pick from, or a text box (`rules.texts_rule`)
        if ref is not None and ref in place.refs[:-1]:
            return False
        discriminator = schema.get("discriminator")
        prop_name = (
            str(discriminator.get("propertyName", "")) if isinstance(discriminator, Mapping) else ""
        )
        resolved = [prepare(self.api.schemas, o)[0] for o in options]
        variants = variant_choices(self.api, options, resolved, discriminator)
        label = ".".join(path) or "body"
        node_key = place.key if path else _join(place.key, "body")
        selector_key = node_key + "~variant"
        start, objects_start = len(self.items), len(self.required_objects)
        self.items.append(
            _Item(
                label=f"{label} (variant)",
                key=selector_key,
                param_name=place.param_prefix + _bare(selector_key).replace("~", "_"),
                schema={"type": "string", "enum": [v.label for v in variants]},
                location="body",
                media_type=place.media.name,
                required=required,
                description=str(schema.get("description", "")),
                examples=[],
                name=path[-1] if path else "",
                body_path=path,
                group=".".join(path[:-1]),
                when=place.when,
                variants=variants,
                discriminator=prop_name,
            )
        )
        full_key = f"body.{selector_key}"
        for variant, option, option_raw in zip(variants, resolved, options, strict=True):
            inner_ref = self.api.schemas.ref_of(option_raw)
            inner = _Place(
                place.media,
                (*place.when, (full_key, (variant.label,))),
                f"{node_key}[{variant.label}]",
                place.param_prefix,
                (*place.refs, inner_ref) if inner_ref else place.refs,
            )
            if self._openable(option, option_raw, place.refs):
                self._properties(option, inner, path, required, {}, prop_name, needed)
            else:
                self._add(inner, path, option, option_raw, required, [], label, inner.key)
        added = len(self.items) - start - 1
        if added > MAX_VARIANT_FIELDS:
            del self.items[start:]
            del self.required_objects[objects_start:]
            self.notes.append(
                f"{label}: {len(options)} alternatives with {added} fields in all; "
                "edited as JSON instead"
            )
            return False
        return True

    def fields(self) -> list[Field]:
        kept = _merge_media_twins([(self._field(item), item) for item in self.items])
        params = unique_params([(item.param_name, item.location) for _, item in kept])
        for (built, _), api_param in zip(kept, params, strict=True):
            built.api_param = api_param
        return [built for built, _ in kept]

    def _field(self, item: _Item) -> Field:
        location = item.location
        label = item.label if location == "body" else f"{item.label} ({location})"
        field = Field(
            key=f"{location}.{item.key}",
            api_param="",  # given once every field is known (see `fields`)
            label=label + (" *" if item.required else ""),
            location=location,
            name=item.name,
            component="variant",
            value_type="string",
            required=item.required,
            info=" ".join(item.description.split())[:500],
            schema=item.schema,
            body_path=item.body_path,
            parameter=item.parameter,
            group=item.group,
            when=item.when,
            variants=item.variants,
            discriminator=item.discriminator,
        )
        if item.variants is not None:
            field.choices = [v.label for v in item.variants]
            field.default = field.choices[0]
            field.rule = "variants" if item.key != "~send_as" else "media types"
            return field
        candidate = Candidate(
            item.name if item.body_path else item.label,
            item.schema,
            location,
            item.media_type,
            self.api.schemas,
            item.required,
        )
        widget, rule = choose(candidate)
        field.component = widget.component
        field.value_type = widget.value_type
        field.item_type = widget.item_type
        field.encoding = widget.encoding
        field.choices = widget.choices
        field.custom_values = widget.custom_values
        field.minimum, field.maximum, field.step = widget.minimum, widget.maximum, widget.step
        field.columns = widget.columns
        field.rule = rule
        examples = item.examples or ([] if widget.example is NO_DEFAULT else [widget.example])
        prefill(field, item.schema, examples, item.raw, self.api)
        field.default = fitting(field, field.default)
        field.server_default = fitting(field, field.server_default)
        field.placeholder = field.placeholder or widget.placeholder
        show_server_default(field)
        return field


def _merge_media_twins(built: list[tuple[Field, _Item]]) -> list[tuple[Field, _Item]]:
    """One field for a property that is the same widget in several media types.

    `name` typed once is then sent as JSON, a form field or a part, whichever the user
    chooses; only what differs (a nested object opened in JSON but edited as JSON text
    in a form, a file sent as base64 or as a part) keeps a field per media type.
    """
    first: dict[tuple[Any, ...], Field] = {}
    kept = []
    for f, item in built:
        media_only = len(f.when) == 1 and f.when[0][0] == MEDIA_SELECTOR
        if not media_only or f.is_selector:
            kept.append((f, item))
            continue
        twin = (
            _bare(item.key),
            f.component,
            f.encoding,
            f.value_type,
            f.item_type,
            f.body_path,
            f.required,
            tuple(f.choices or ()),  # OpenAI's image sizes differ between JSON and multipart
            f.custom_values,
            (f.minimum, f.maximum),
        )
        if twin in first:
            earlier = first[twin]
            earlier.when = ((MEDIA_SELECTOR, earlier.when[0][1] + f.when[0][1]),)
            continue
        first[twin] = f
        kept.append((f, item))
    return kept


def _in_variant(place: _Place) -> bool:
    return any(key != MEDIA_SELECTOR for key, _ in place.when)


def _bare(key: str) -> str:
    """A key without the `[media class]` that starts the keys of a second media type."""
    return key.split("]", 1)[1].lstrip(".") if key.startswith("[") else key


# Keywords of an alternative that only constrain the object it belongs to.
_CONSTRAINTS = frozenset(
    {"required", "not", "minProperties", "maxProperties", "description", "title"}
)


def _shaped(alternatives: Any) -> bool:
    """Whether a `oneOf`/`anyOf` list offers shapes, not only constraints on its object's
    properties (urlbox's `oneOf: [{required: [url]}, {required: [html]}]`: one object
    whose fields are its properties, the choice checked before sending)."""
    return isinstance(alternatives, list) and not all(
        isinstance(a, Mapping) and a.keys() <= _CONSTRAINTS for a in alternatives
    )


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix and name else prefix or name


@dataclass
class Form:
    fields: list[Field]
    media_type: str | None  # the body's preferred media type, None without a body
    required_objects: list[tuple[tuple[str, ...], When]]
    notes: list[str]
    examples: list[FormExample]


def plan_form(api: Api, operation: Operation) -> Form:
    collector = _Collector(api, operation)
    collector.parameters()
    media = body_media_type(operation.body)
    if media is not None and operation.body is not None:
        collector.bodies(operation.body)
    fields = collector.fields()
    return Form(
        fields,
        media.name if media else None,
        collector.required_objects,
        collector.notes,
        form_examples(operation, media, fields),
    )


__all__ = [
    "MAX_DEPTH",
    "NO_DEFAULT",
    "Form",
    "body_media_type",
    "media_alternatives",
    "plan_form",
]
