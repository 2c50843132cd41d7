"""Body objects opened into one field per property, nested objects into dotted fields
(`options.temperature`) down to MAX_DEPTH; below that, and at the first recursive
reference, a JSON editor takes the whole sub-tree, so nothing is dropped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.mapper.shapes import main_type, prepare, required_names
from autoui.mapper.walk import FORM_TYPES, Place, Walk, add, join

MAX_DEPTH = 3  # path segments in a field name (a.b.c); deeper objects get a JSON editor
MAX_FIELDS = 60  # a body with more properties than this is edited as JSON
# Keywords of an alternative that only constrain the object it belongs to.
_CONSTRAINTS = frozenset(
    {"required", "not", "minProperties", "maxProperties", "description", "title"}
)


def openable(walk: Walk, schema: Mapping[str, Any], raw: Any, refs: tuple[str, ...]) -> bool:
    """An object of a few properties, not a choice between shapes, not a reference to one
    being opened already (recursion)."""
    properties = schema.get("properties")
    ref = walk.api.schemas.ref_of(raw)
    return (
        main_type(schema) == "object"
        and isinstance(properties, Mapping)
        and 0 < len(properties) <= MAX_FIELDS
        and not any(_shaped(schema.get(k)) for k in ("oneOf", "anyOf"))
        and (ref is None or ref not in refs)
    )


def _shaped(alternatives: Any) -> bool:
    """Whether a `oneOf`/`anyOf` list offers shapes, not only constraints on its object's
    properties (urlbox's `oneOf: [{required: [url]}, {required: [html]}]`: one object
    whose fields are its properties, the choice checked before sending)."""
    return isinstance(alternatives, list) and not all(
        isinstance(a, Mapping) and a.keys() <= _CONSTRAINTS for a in alternatives
    )


def properties(
    walk: Walk,
    schema: Mapping[str, Any],
    place: Place,
    path: tuple[str, ...],
    required: bool,
    example: Mapping[str, Any],
    skip: str = "",
    needed: bool = False,
) -> None:
    """The fields of an object's properties (but `skip`, a discriminator the selector
    sets): nested objects opened in turn, alternatives as selectors, the rest one field
    each. `required`: the request must hold the object (its fields are marked required);
    `needed`: its parent object requires it, so it is sent, `{}` at least, whenever its
    parent is (an optional body's required `recurring`, Adyen's): the plan's required
    objects."""
    if needed:
        walk.required_objects.append((path, place.when))
    names_required = required_names(schema)
    for name, raw in schema["properties"].items():
        prop, nullable = prepare(walk.api.schemas, raw)
        if prop.get("readOnly") is True or name == skip:
            continue
        sub_path = (*path, str(name))
        in_parent = name in names_required and not nullable
        is_required = required and in_parent
        sub_example = example.get(name) if isinstance(example, Mapping) else None
        ref = walk.api.schemas.ref_of(raw)
        nested = len(sub_path) < MAX_DEPTH and place.media.name not in FORM_TYPES
        inner = Place(
            place.media,
            place.when,
            join(place.key, str(name)),
            place.param_prefix,
            (*place.refs, ref) if ref else place.refs,
        )
        if nested and openable(walk, prop, raw, place.refs):
            properties(
                walk,
                prop,
                inner,
                sub_path,
                is_required,
                sub_example if isinstance(sub_example, Mapping) else {},
                needed=in_parent,
            )
        elif not (nested and walk.union(walk, prop, raw, inner, sub_path, is_required, in_parent)):
            examples = [] if sub_example is None else [sub_example]
            add(walk, place, sub_path, prop, raw, is_required, examples)
