"""`autoui.schemas`: lazy `$ref` resolution and normalisation of 2.0/3.0 schemas to 3.1.

Each test hands `Schemas` a small document of its own and checks the schema that the
mapper would then read.
"""

from __future__ import annotations

from typing import Any

import pytest

from autoui.schemas import UNRESOLVED, Schemas, normalize, types_of


def components(**schemas: Any) -> dict[str, Any]:
    return {"components": {"schemas": schemas}}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# --- 2.0 / 3.0 -> 3.1 ---------------------------------------------------------------------


def test_nullable_string_becomes_a_type_list_and_its_enum_allows_null() -> None:
    schema = {"type": "string", "nullable": True, "enum": ["a", "b"]}
    assert normalize(schema, "3.0") == {"type": ["string", "null"], "enum": ["a", "b", None]}


def test_nullable_without_a_type_becomes_any_of_with_null_keeping_annotations() -> None:
    schema = {"nullable": True, "description": "either", "oneOf": [{"type": "string"}]}
    assert normalize(schema, "3.0") == {
        "description": "either",
        "anyOf": [{"oneOf": [{"type": "string"}]}, {"type": "null"}],
    }


def test_swagger_x_nullable_is_read_like_nullable() -> None:
    assert normalize({"type": "integer", "x-nullable": True}, "2.0") == {
        "type": ["integer", "null"]
    }


def test_nullable_false_is_dropped_without_changing_the_type() -> None:
    assert normalize({"type": "string", "nullable": False}, "3.0") == {"type": "string"}


def test_boolean_exclusive_minimum_becomes_the_number_it_qualifies() -> None:
    schema = {
        "type": "integer",
        "minimum": 0,
        "exclusiveMinimum": True,
        "maximum": 10,
        "exclusiveMaximum": True,
    }
    assert normalize(schema, "3.0") == {
        "type": "integer",
        "exclusiveMinimum": 0,
        "exclusiveMaximum": 10,
    }


def test_false_exclusive_bound_is_dropped_and_the_inclusive_bound_kept() -> None:
    schema = {"type": "number", "minimum": 1.5, "exclusiveMinimum": False}
    assert normalize(schema, "3.0") == {"type": "number", "minimum": 1.5}


def test_numeric_exclusive_minimum_of_3_1_is_left_alone() -> None:
    schema = {"type": "integer", "exclusiveMinimum": 5, "minimum": 1}
    assert normalize(schema, "3.1") == schema


def test_3_1_type_array_is_kept_as_is() -> None:
    assert normalize({"type": ["string", "null"]}, "3.1") == {"type": ["string", "null"]}


def test_example_becomes_a_one_item_examples_list() -> None:
    assert normalize({"type": "string", "example": "hi"}, "3.0")["examples"] == ["hi"]


def test_a_named_examples_map_is_reduced_to_its_values() -> None:
    schema = {"type": "string", "examples": {"a": {"value": "x"}, "b": {"value": "y"}}}
    assert normalize(schema, "3.1")["examples"] == ["x", "y"]


def test_swagger_file_type_becomes_a_binary_string() -> None:
    assert normalize({"type": "file"}, "2.0") == {"type": "string", "format": "binary"}


def test_swagger_string_discriminator_becomes_an_object() -> None:
    assert normalize({"discriminator": "kind"}, "2.0") == {
        "discriminator": {"propertyName": "kind"}
    }


def test_boolean_schemas_and_non_objects() -> None:
    assert normalize(True, "3.1") == {}
    assert normalize(False, "3.1") == {"not": {}}
    assert "a schema must be an object" in normalize("string", "3.1")[UNRESOLVED]


def test_types_of_always_gives_a_list() -> None:
    assert types_of({"type": "string"}) == ["string"]
    assert types_of({"type": ["integer", "null"]}) == ["integer", "null"]
    assert types_of({}) == []


# --- references ---------------------------------------------------------------------------


def test_a_reference_resolves_to_its_normalised_target() -> None:
    schemas = Schemas(components(Name={"type": "string", "nullable": True}), "3.0")
    assert schemas.resolve(ref("Name")) == {"type": ["string", "null"]}


def test_ref_siblings_description_is_kept_and_constraints_become_all_of() -> None:
    schemas = Schemas(components(Name={"type": "string"}), "3.1")
    node = {**ref("Name"), "description": "the pet's name", "maxLength": 5}
    assert schemas.resolve(node) == {
        "allOf": [{"type": "string"}, {"maxLength": 5}],
        "description": "the pet's name",
    }


def test_ref_with_only_annotations_merges_them_into_the_target() -> None:
    schemas = Schemas(components(Name={"type": "string", "description": "old"}), "3.1")
    node = {**ref("Name"), "description": "new", "default": "Rex"}
    assert schemas.resolve(node) == {"type": "string", "description": "new", "default": "Rex"}


def test_nullable_beside_a_ref_makes_the_target_nullable_in_3_0() -> None:
    schemas = Schemas(components(Pet={"type": "object"}), "3.0")
    assert schemas.resolve({**ref("Pet"), "nullable": True}) == {"type": ["object", "null"]}


def test_ref_siblings_survive_when_the_component_is_itself_reached_by_ref() -> None:
    # `Short` is a $ref with siblings; a property that points at `Short` must keep them.
    schemas = Schemas(
        components(
            Text={"type": "string"},
            Short={**ref("Text"), "description": "a short text", "maxLength": 5},
        ),
        "3.1",
    )
    assert schemas.resolve(ref("Short")) == {
        "allOf": [{"type": "string"}, {"maxLength": 5}],
        "description": "a short text",
    }


def test_a_chain_of_references_is_followed() -> None:
    schemas = Schemas(components(A=ref("B"), B=ref("C"), C={"type": "boolean"}), "3.1")
    assert schemas.resolve(ref("A")) == {"type": "boolean"}


def test_recursive_schema_resolves_lazily_one_level_at_a_time() -> None:
    node = {"type": "object", "properties": {"children": {"type": "array", "items": ref("Node")}}}
    schemas = Schemas(components(Node=node), "3.1")
    top = schemas.resolve(ref("Node"))
    items = top["properties"]["children"]["items"]
    assert items == ref("Node")  # children are not expanded until read
    assert schemas.resolve(items) == top


@pytest.mark.parametrize(
    ("document", "start"),
    [
        (components(Loop=ref("Loop")), "Loop"),
        (components(A=ref("B"), B=ref("A")), "A"),
    ],
    ids=["self", "two-cycle"],
)
def test_a_reference_loop_resolves_to_an_unresolved_marker(document: Any, start: str) -> None:
    resolved = Schemas(document, "3.1").resolve(ref(start))
    assert "refers to itself" in resolved[UNRESOLVED]


def test_a_missing_target_resolves_to_an_unresolved_marker_naming_it() -> None:
    resolved = Schemas(components(), "3.1").resolve(ref("Nope"))
    assert resolved == {UNRESOLVED: "reference '#/components/schemas/Nope' points at nothing"}


def test_a_reference_to_another_file_is_not_followed_here() -> None:
    resolved = Schemas(components(), "3.1").resolve({"$ref": "other.yaml#/Pet"})
    assert resolved == {UNRESOLVED: "reference 'other.yaml#/Pet' is not inside this document"}


def test_pointer_escapes_tilde_slash_and_percent_encoding_are_decoded() -> None:
    document = {"paths": {"/pets/{id}": {"x": 1}}, "a~b": {"c d": 2}}
    schemas = Schemas(document, "3.1")
    assert schemas.lookup("#/paths/~1pets~1%7Bid%7D/x") == 1
    assert schemas.lookup("#/a~0b/c%20d") == 2


def test_lookup_into_a_list_by_index() -> None:
    schemas = Schemas({"list": [{"a": 1}, {"a": 2}]}, "3.1")
    assert schemas.lookup("#/list/1/a") == 2
    with pytest.raises(KeyError, match="points at nothing"):
        schemas.lookup("#/list/2")


def test_deref_follows_reference_objects_for_parameters_and_responses() -> None:
    document = {"components": {"parameters": {"Id": {"name": "id", "in": "path"}}}}
    schemas = Schemas(document, "3.1")
    assert schemas.deref({"$ref": "#/components/parameters/Id"}) == {"name": "id", "in": "path"}
