"""Alternatives as selectors: a `oneOf`/`anyOf` is a "variant" field whose choice decides
which alternative's fields are shown and sent (each such field carries the condition in
`Field.when`). A selector's labels come from `variants.py`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.mapper import objects
from autoui.mapper.plan import Variant
from autoui.mapper.rules import is_text_or_texts, names_or_object
from autoui.mapper.shapes import open_enum, prepare
from autoui.mapper.variants import variant_choices
from autoui.mapper.walk import Item, Place, Walk, add, bare, join

# A oneOf/anyOf with more alternatives, or whose alternatives add up to more fields
# than this (nested ones included), is edited as JSON: a selector over hundreds of
# hidden fields costs more to build and to read than it helps.
MAX_VARIANTS = 16
MAX_VARIANT_FIELDS = 60


def selector(
    walk: Walk,
    schema: dict[str, Any],
    raw: Any,
    place: Place,
    path: tuple[str, ...],
    required: bool,
    needed: bool,
) -> bool:
    """A `oneOf`/`anyOf` as a selector and each alternative's fields; False (nothing
    added) when there is none, or it is too big, so the caller adds a JSON editor."""
    options = schema.get("oneOf" if isinstance(schema.get("oneOf"), list) else "anyOf")
    if not isinstance(options, list) or not 1 < len(options) <= MAX_VARIANTS:
        return False
    if _one_field(walk, schema, path) or _recursive(walk, raw, place):
        return False
    discriminator = schema.get("discriminator")
    prop_name = (
        str(discriminator.get("propertyName", "")) if isinstance(discriminator, Mapping) else ""
    )
    resolved = [prepare(walk.api.schemas, o)[0] for o in options]
    variants = variant_choices(walk.api, options, resolved, discriminator)
    label = ".".join(path) or "body"
    start, objects_start = len(walk.items), len(walk.required_objects)
    item = _selector_item(schema, place, path, required, variants, prop_name)
    walk.items.append(item)
    node_key = place.key if path else join(place.key, "body")
    for variant, option, option_raw in zip(variants, resolved, options, strict=True):
        inner = _inside(walk, place, f"body.{item.key}", variant, node_key, option_raw)
        if objects.openable(walk, option, option_raw, place.refs):
            objects.properties(walk, option, inner, path, required, {}, prop_name, needed)
        else:
            add(walk, inner, path, option, option_raw, required, [], label, inner.key)
    added = len(walk.items) - start - 1
    if added > MAX_VARIANT_FIELDS:
        del walk.items[start:]
        del walk.required_objects[objects_start:]
        walk.notes.append(
            f"{label}: {len(options)} alternatives with {added} fields in all; "
            "edited as JSON instead"
        )
        return False
    return True


def _one_field(walk: Walk, schema: dict[str, Any], path: tuple[str, ...]) -> bool:
    """Alternatives that one widget edits: names to pick from (an open enum, names or an
    object), or text or texts below the top (`rules.texts_rule`)."""
    return (
        open_enum(walk.api.schemas, schema) is not None
        or names_or_object(walk.api.schemas, schema) is not None
        or bool(path and is_text_or_texts(walk.api.schemas, schema))
    )


def _recursive(walk: Walk, raw: Any, place: Place) -> bool:
    """A reference to an alternative already being opened further up."""
    ref = walk.api.schemas.ref_of(raw)
    return ref is not None and ref in place.refs[:-1]


def _selector_item(
    schema: dict[str, Any],
    place: Place,
    path: tuple[str, ...],
    required: bool,
    variants: list[Variant],
    discriminator: str,
) -> Item:
    label = ".".join(path) or "body"
    key = (place.key if path else join(place.key, "body")) + "~variant"
    return Item(
        label=f"{label} (variant)",
        key=key,
        param_name=place.param_prefix + bare(key).replace("~", "_"),
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
        discriminator=discriminator,
    )


def _inside(
    walk: Walk, place: Place, selector_key: str, variant: Variant, node_key: str, raw: Any
) -> Place:
    """Where an alternative's fields are: shown while the selector has its label."""
    ref = walk.api.schemas.ref_of(raw)
    return Place(
        place.media,
        (*place.when, (selector_key, (variant.label,))),
        f"{node_key}[{variant.label}]",
        place.param_prefix,
        (*place.refs, ref) if ref else place.refs,
    )
