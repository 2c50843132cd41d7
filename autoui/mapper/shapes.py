"""Reading a schema's shape the way a form needs it: merged, unwrapped, exemplified.

A form cares whether a field is "an optional integer", not whether the spec spelled
that `nullable: true`, `type: [integer, "null"]` or `anyOf: [{type: integer},
{type: "null"}]`. These helpers take the normalised schema from `Schemas.resolve()` and
answer such questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.mapper.plan import NO_DEFAULT
from autoui.schemas import UNRESOLVED, Schemas, types_of

_MAX_MERGE_DEPTH = 8
_SKELETON_DEPTH = 4


def merge_all_of(schemas: Schemas, schema: dict[str, Any], depth: int = 0) -> dict[str, Any]:
    """`allOf` folded into one schema: properties and `required` united, the rest layered."""
    members = schema.get("allOf")
    if not isinstance(members, list) or depth > _MAX_MERGE_DEPTH:
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties: dict[str, Any] = {}
    required: list[str] = []
    for raw in members:
        part = merge_all_of(schemas, schemas.resolve(raw), depth + 1)
        for key, value in part.items():
            if key == "properties" and isinstance(value, Mapping):
                properties.update(value)
            elif key == "required" and isinstance(value, list):
                required += [r for r in value if r not in required]
            elif key not in merged:
                merged[key] = value
    if isinstance(schema.get("properties"), Mapping):
        properties.update(schema["properties"])
    required += [r for r in required_names(schema) if r not in required]
    if properties:
        merged["properties"] = properties
        merged.setdefault("type", "object")
    if required:
        merged["required"] = required
    return merged


def split_null(schemas: Schemas, schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """The schema without its `null` alternative, and whether there was one."""
    kinds = types_of(schema)
    if "null" in kinds and len(kinds) > 1:
        rest = [k for k in kinds if k != "null"]
        return {**schema, "type": rest[0] if len(rest) == 1 else rest}, True
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if not isinstance(options, list):
            continue
        resolved = [schemas.resolve(o) for o in options]
        non_null = [(raw, s) for raw, s in zip(options, resolved, strict=True) if not _is_null(s)]
        if len(non_null) == len(options):
            continue
        outer = {k: v for k, v in schema.items() if k != key}
        if len(non_null) == 1:
            inner = non_null[0][1]
            return {**inner, **{k: v for k, v in outer.items() if k not in ("type",)}}, True
        return {**outer, key: [raw for raw, _ in non_null]}, True
    return schema, False


def _is_null(schema: Mapping[str, Any]) -> bool:
    """`null`, and Stripe's `{enum: [""]}` ("send an empty string to unset"): an
    alternative that only means "no value" makes the other one optional, not a variant."""
    return (
        types_of(schema) == ["null"]
        or (schema.get("const", 0) is None and "const" in schema)
        or schema.get("enum") == [""]
    )


def prepare(schemas: Schemas, node: Any) -> tuple[dict[str, Any], bool]:
    """Resolve, merge `allOf` and split off `null`: (schema, nullable)."""
    schema = merge_all_of(schemas, schemas.resolve(node))
    schema, nullable = split_null(schemas, schema)
    return merge_all_of(schemas, schema), nullable


def main_type(schema: Mapping[str, Any]) -> str:
    """The one JSON type a widget should edit ("" when the schema does not say)."""
    kinds = [k for k in types_of(schema) if k != "null"]
    if kinds:
        return kinds[0]
    if isinstance(schema.get("properties"), Mapping) or "additionalProperties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    if "enum" in schema and isinstance(schema["enum"], list) and schema["enum"]:
        return _json_type(schema["enum"][0])
    if "const" in schema:
        return _json_type(schema["const"])
    if any(k in schema for k in ("minLength", "maxLength", "pattern", "format")):
        return "string"
    if any(k in schema for k in ("minimum", "maximum", "multipleOf")):
        return "number"
    return ""


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return ""


def is_unresolved(schema: Mapping[str, Any]) -> bool:
    return UNRESOLVED in schema


def first_example(schema: Mapping[str, Any]) -> tuple[bool, Any]:
    """(found, value) from `default`, then `examples[0]`."""
    if "default" in schema:
        return True, schema["default"]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return True, examples[0]
    return False, None


# Defaults that mean "none": generators write Rust's `None`/`null` (TGI, TEI) as text.
_NO_DEFAULT_TEXT = ("null", "None")


def documented_default(schema: Mapping[str, Any]) -> Any:
    """The schema's `default`, or NO_DEFAULT: a `null` default, or the text "null"/"None"
    where the schema does not list it as a value (TGI's `adapter_id`, TEI's
    `prompt_name`), means the field has no default."""
    value = schema.get("default")
    enum = schema.get("enum")
    if value is None or (
        value in _NO_DEFAULT_TEXT and not (isinstance(enum, list) and value in enum)
    ):
        return NO_DEFAULT
    return value


def open_enum(schemas: Schemas, schema: Mapping[str, Any]) -> list[str] | None:
    """The named values of an "open enum", or None: `anyOf: [{type: string}, {type:
    string, enum: [...]}]` (OpenAI's model names) offers names to pick from and takes
    any other, so it is one text field with suggestions, not two alternatives."""
    options = schema.get("anyOf", schema.get("oneOf"))
    if not isinstance(options, list) or len(options) < 2:
        return None
    resolved = [schemas.resolve(o) for o in options]
    if any(types_of(o) != ["string"] or "properties" in o for o in resolved):
        return None
    enums = [o.get("enum") for o in resolved]
    if all(isinstance(e, list) for e in enums):
        return None
    names = [v for e in enums if isinstance(e, list) for v in e if isinstance(v, str)]
    return list(dict.fromkeys(names)) or None


def required_names(schema: Mapping[str, Any]) -> list[str]:
    """The schema's `required` names, or none when it is not a list of strings (a broken
    spec must still build)."""
    listed = schema.get("required")
    return [r for r in listed if isinstance(r, str)] if isinstance(listed, list) else []


def skeleton(schemas: Schemas, node: Any, depth: int = 0, refs: tuple[str, ...] = ()) -> Any:
    """A plausible value for a JSON editor: the schema's own example, else one built
    from its shape (required properties first), stopping at recursion or depth."""
    ref = schemas.ref_of(node)
    if ref is not None and ref in refs:
        return None
    schema, _ = prepare(schemas, node)
    found, value = first_example(schema)
    if found:
        return value
    if depth > _SKELETON_DEPTH:
        return None
    refs = (*refs, ref) if ref else refs
    kind = main_type(schema)
    if "enum" in schema and isinstance(schema["enum"], list) and schema["enum"]:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if kind == "object":
        found_props = schema.get("properties")
        props: Mapping[str, Any] = found_props if isinstance(found_props, Mapping) else {}
        required = [r for r in required_names(schema) if r in props]
        names = required or list(props)[:8]
        return {
            name: skeleton(schemas, props[name], depth + 1, refs)
            for name in names
            if not schemas.resolve(props[name]).get("readOnly")
        }
    if kind == "array":
        item = skeleton(schemas, schema.get("items", {}), depth + 1, refs)
        return [] if item is None else [item]
    for option_key in ("oneOf", "anyOf"):
        options = schema.get(option_key)
        if isinstance(options, list) and options:
            return skeleton(schemas, options[0], depth + 1, refs)
    return {"string": "", "integer": 0, "number": 0, "boolean": False}.get(kind)
