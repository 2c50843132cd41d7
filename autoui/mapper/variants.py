"""The choices of a selector over a `oneOf`/`anyOf`: a readable, unique label (and the
discriminator's value) for each alternative."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.ir import Api
from autoui.mapper.plan import Variant
from autoui.mapper.shapes import main_type, prepare


def variant_choices(
    api: Api, options: list[Any], resolved: list[dict[str, Any]], discriminator: Any
) -> list[Variant]:
    """A label (and discriminator value) for each alternative, unique and readable:
    the discriminator's value, else the title, else the schema's name, else the value
    of a constant property such as `type: {const: "text"}`, else the JSON type."""
    mapping = discriminator.get("mapping") if isinstance(discriminator, Mapping) else None
    reverse = {str(v): str(k) for k, v in mapping.items()} if isinstance(mapping, Mapping) else {}
    prop_name = discriminator.get("propertyName") if isinstance(discriminator, Mapping) else None
    variants: list[Variant] = []
    taken: set[str] = set()
    for raw, schema in zip(options, resolved, strict=True):
        ref = api.schemas.ref_of(raw) or ""
        name = ref.rsplit("/", 1)[-1] if ref else ""
        value = None
        if prop_name:
            value = reverse.get(ref) or _constant(api, schema, str(prop_name)) or name or None
        label = str(
            value
            or schema.get("title")
            or name
            or _constant_label(api, schema)
            or _kind(api, schema)
        )
        base, n = label, 1
        while label in taken:
            n += 1
            label = f"{base} {n}"
        taken.add(label)
        variants.append(Variant(label, value, raw))
    return variants


def _constant(api: Api, schema: Mapping[str, Any], name: str) -> str | None:
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or name not in properties:
        return None
    prop, _ = prepare(api.schemas, properties[name])
    if "const" in prop:
        return str(prop["const"])
    enum = prop.get("enum")
    return str(enum[0]) if isinstance(enum, list) and len(enum) == 1 else None


def _constant_label(api: Api, schema: Mapping[str, Any]) -> str | None:
    """`{type: {const: "image_url"}, ...}` is best called `image_url`."""
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return None
    for name in properties:
        value = _constant(api, schema, str(name))
        if value:
            return value
    return None


def _kind(api: Api, schema: Mapping[str, Any]) -> str:
    if isinstance(schema.get("enum"), list):
        return "choice"
    kind = main_type(schema) or "value"
    if kind == "array":
        item = main_type(prepare(api.schemas, schema.get("items", {}))[0])
        return f"list of {item}s" if item else "list"
    return kind
