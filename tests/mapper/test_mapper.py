"""The mapper: which widget each field gets, how it is named, and which output is primary.

Each test writes a tiny spec, loads it with `load_spec` and reads the UI plan, the
same data `autoui inspect` prints and the builder turns into Gradio components.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any

import pytest
from fastapi import FastAPI, File, UploadFile
from pydantic import BaseModel, Field

from autoui import load_spec
from autoui.ir import Operation
from autoui.mapper import NO_DEFAULT, OperationPlan, plan_api, title_of
from autoui.mapper.naming import identifier, tool_names, unique_names, unique_params
from autoui.mapper.plan import Field as PlanField
from autoui.mapper.unions import MAX_VARIANTS

OK = {"200": {"description": "ok"}}


def spec(paths: Mapping[str, Any], **components: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1"},
        "paths": dict(paths),
    }
    if components:
        document["components"] = {"schemas": components}
    return document


def plan_of(document: Mapping[str, Any]) -> OperationPlan:
    """The plan of the document's only operation."""
    plans = plan_api(load_spec(document)).operations
    assert len(plans) == 1
    return plans[0]


def body_plan(
    properties: Mapping[str, Any],
    required: tuple[str, ...] = (),
    media_type: str = "application/json",
    **components: Any,
) -> OperationPlan:
    schema: dict[str, Any] = {"type": "object", "properties": dict(properties)}
    if required:
        schema["required"] = list(required)
    return plan_of(
        spec(
            {
                "/run": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {media_type: {"schema": schema}},
                        },
                        "responses": OK,
                    }
                }
            },
            **components,
        )
    )


def field(
    schema: Mapping[str, Any],
    name: str = "value",
    required: bool = False,
    media_type: str = "application/json",
) -> PlanField:
    """The plan of one body property `name` with `schema`."""
    plan = body_plan({name: schema}, (name,) if required else (), media_type)
    assert len(plan.fields) == 1, [f.key for f in plan.fields]
    return plan.fields[0]


def fields(plan: OperationPlan) -> dict[str, PlanField]:
    return {f.key: f for f in plan.fields}


# --- text ---------------------------------------------------------------------------------


def test_string_is_a_textbox() -> None:
    f = field({"type": "string"}, "title")
    assert (f.component, f.value_type, f.encoding, f.rule) == ("textbox", "string", "plain", "text")


@pytest.mark.parametrize("name", ["prompt", "text", "content", "description", "system_prompt"])
def test_long_text_names_are_a_textarea(name: str) -> None:
    assert field({"type": "string"}, name).component == "textarea"


def test_max_length_over_200_is_a_textarea() -> None:
    assert field({"type": "string", "maxLength": 201}, "title").component == "textarea"
    assert field({"type": "string", "maxLength": 200}, "title").component == "textbox"


def test_password_format_is_a_password_box() -> None:
    assert field({"type": "string", "format": "password"}, "pin").component == "password"


@pytest.mark.parametrize(
    "name", ["api_key", "X-API-Key", "apiKey", "access_token", "refreshToken", "client_secret"]
)
def test_secret_names_are_password_boxes(name: str) -> None:
    assert field({"type": "string"}, name).component == "password"


@pytest.mark.parametrize("name", ["tokenizer", "next_page_token", "secretary"])
def test_names_that_merely_contain_a_secret_word_are_plain_text(name: str) -> None:
    assert field({"type": "string"}, name).component == "textbox"


# --- choices ------------------------------------------------------------------------------


def test_enum_is_a_dropdown_with_its_choices() -> None:
    f = field({"type": "string", "enum": ["small", "large"]}, "size")
    assert (f.component, f.choices) == ("dropdown", ["small", "large"])


def test_an_enum_that_lists_a_value_twice_offers_it_once() -> None:
    assert field({"type": "string", "enum": ["b", "a", "b"]}).choices == ["b", "a"]
    items = {"type": "string", "enum": ["x", "y", "x"]}
    assert field({"type": "array", "items": items}).choices == ["x", "y"]


def test_nullable_enum_leaves_null_out_of_the_choices() -> None:
    f = field({"type": ["string", "null"], "enum": ["a", "b", None]}, "size")
    assert (f.component, f.choices) == ("dropdown", ["a", "b"])


def test_integer_enum_keeps_integer_choices() -> None:
    f = field({"type": "integer", "enum": [1, 2, 4]}, "n")
    assert (f.component, f.value_type, f.choices) == ("dropdown", "integer", [1, 2, 4])


def test_const_is_a_dropdown_of_one() -> None:
    f = field({"const": "v1"}, "version")
    assert (f.component, f.choices) == ("dropdown", ["v1"])


def test_array_of_enum_is_a_multiselect() -> None:
    f = field({"type": "array", "items": {"type": "string", "enum": ["red", "green"]}}, "colors")
    assert (f.component, f.value_type, f.item_type, f.choices) == (
        "multiselect",
        "array",
        "string",
        ["red", "green"],
    )


# --- numbers and booleans -----------------------------------------------------------------


def test_integer_is_a_number_with_step_1() -> None:
    f = field({"type": "integer"}, "count")
    assert (f.component, f.value_type, f.minimum, f.maximum, f.step) == (
        "number",
        "integer",
        None,
        None,
        1.0,
    )


def test_number_with_one_bound_is_a_number_with_that_bound() -> None:
    f = field({"type": "number", "minimum": 0.5}, "scale")
    assert (f.component, f.value_type, f.minimum, f.maximum) == ("number", "number", 0.5, None)


def test_exclusive_bounds_are_used_as_bounds() -> None:
    f = field({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}, "p")
    assert (f.component, f.minimum, f.maximum) == ("number", 0.0, 1.0)


def test_required_number_with_both_bounds_is_a_slider() -> None:
    f = field({"type": "integer", "minimum": 1, "maximum": 10}, "n", required=True)
    assert (f.component, f.minimum, f.maximum, f.step) == ("slider", 1.0, 10.0, 1.0)


def test_optional_number_with_both_bounds_and_a_default_is_a_slider() -> None:
    f = field({"type": "number", "minimum": 0, "maximum": 2, "default": 0.7}, "temperature")
    assert (f.component, f.default, f.step) == ("slider", 0.7, 0.02)


def test_optional_number_with_both_bounds_and_no_default_is_a_number() -> None:
    # A slider always holds a value, so it would always send one.
    f = field({"type": "integer", "minimum": 1, "maximum": 10}, "n")
    assert (f.component, f.minimum, f.maximum) == ("number", 1.0, 10.0)


def test_optional_number_with_a_null_default_is_a_number_not_a_slider() -> None:
    # Pydantic's `Optional[int] = Field(None, ge=1, le=10)` as older FastAPI wrote it.
    f = field(
        {
            "anyOf": [{"type": "integer", "minimum": 1, "maximum": 10}, {"type": "null"}],
            "default": None,
        },
        "top_k",
    )
    assert (f.component, f.minimum, f.maximum, f.required) == ("number", 1.0, 10.0, False)


def test_multiple_of_is_the_step() -> None:
    f = field(
        {"type": "number", "minimum": 0, "maximum": 1, "multipleOf": 0.25}, "x", required=True
    )
    assert (f.component, f.step) == ("slider", 0.25)


def test_a_required_boolean_is_a_checkbox_an_optional_one_has_three_choices() -> None:
    f = field({"type": "boolean"}, "stream", required=True)
    assert (f.component, f.value_type) == ("checkbox", "boolean")
    # Not set, true or false: an unticked box could not be told from "not given".
    f = field({"type": "boolean", "default": True}, "stream")
    assert (f.component, f.value_type, f.default) == ("tristate", "boolean", NO_DEFAULT)
    assert (f.server_default, f.info) == (True, "(default: true)")


# --- images, files, raw bodies ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "schema"),
    [
        ("image", {"type": "string"}),
        ("img", {"type": "string"}),
        ("photo", {"type": "string"}),
        ("picture", {"type": "string"}),
        ("input_image", {"type": "string"}),
        ("data", {"type": "string", "format": "byte"}),
        ("data", {"type": "string", "contentEncoding": "base64"}),
        ("data", {"type": "string", "contentMediaType": "image/png"}),
    ],
    ids=["image", "img", "photo", "picture", "_image", "byte", "base64", "image-media-type"],
)
def test_image_rule_in_a_json_body_sends_base64(name: str, schema: dict[str, Any]) -> None:
    f = field(schema, name)
    assert (f.component, f.encoding, f.rule) == ("image", "base64", "image")


def test_a_string_named_image_with_a_url_format_stays_text() -> None:
    assert field({"type": "string", "format": "uri"}, "image").component == "textbox"


def test_image_name_only_counts_in_a_body() -> None:
    plan = plan_of(
        spec(
            {
                "/a": {
                    "get": {
                        "parameters": [
                            {"name": "image", "in": "query", "schema": {"type": "string"}}
                        ],
                        "responses": OK,
                    }
                }
            }
        )
    )
    assert plan.fields[0].component == "textbox"


def test_multipart_binary_is_a_file_sent_as_a_file_part() -> None:
    f = field({"type": "string", "format": "binary"}, "document", media_type="multipart/form-data")
    assert (f.component, f.encoding) == ("file", "file")


def test_multipart_binary_named_image_is_an_image_sent_as_a_file_part() -> None:
    f = field({"type": "string", "format": "binary"}, "image", media_type="multipart/form-data")
    assert (f.component, f.encoding) == ("image", "file")


def test_fastapi_upload_file_named_image_is_an_image() -> None:
    # FastAPI 0.1xx describes `image: UploadFile` as an octet-stream string, no format.
    f = field(
        {"type": "string", "contentMediaType": "application/octet-stream"},
        "image",
        media_type="multipart/form-data",
    )
    assert (f.component, f.encoding) == ("image", "file")


def test_fastapi_upload_file_with_another_name_is_a_file() -> None:
    f = field(
        {"type": "string", "contentMediaType": "application/octet-stream"},
        "upload",
        media_type="multipart/form-data",
    )
    assert (f.component, f.encoding) == ("file", "file")


def test_multipart_array_of_binary_is_a_multi_file_upload() -> None:
    f = field(
        {"type": "array", "items": {"type": "string", "format": "binary"}},
        "attachments",
        media_type="multipart/form-data",
    )
    assert (f.component, f.value_type, f.item_type, f.encoding) == (
        "file",
        "array",
        "string",
        "file",
    )


def test_fastapi_list_of_upload_files_is_a_multi_file_upload() -> None:
    app = FastAPI()

    @app.post("/upload")
    def upload(files: Annotated[list[UploadFile], File()]) -> None: ...

    plan = plan_api(load_spec(app.openapi())).operations[0]
    assert [
        (f.api_param, f.component, f.value_type, f.encoding, f.required) for f in plan.fields
    ] == [("files", "file", "array", "file", True)]


def test_json_array_of_base64_strings_is_a_multi_file_upload_sent_as_base64() -> None:
    f = field({"type": "array", "items": {"type": "string", "format": "byte"}}, "pages")
    assert (f.component, f.value_type, f.encoding) == ("file", "array", "base64")


def test_byte_format_not_named_like_an_image_in_json_is_still_an_image() -> None:
    assert field({"type": "string", "format": "byte"}, "payload").component == "image"


def test_base64_named_like_a_file_is_a_file() -> None:
    f = field({"type": "string", "format": "byte"}, "pdf")
    assert (f.component, f.encoding) == ("file", "base64")


def raw_body_plan(media_type: str, schema: Mapping[str, Any] | None) -> OperationPlan:
    content: dict[str, Any] = {} if schema is None else {"schema": dict(schema)}
    return plan_of(
        spec(
            {
                "/upload": {
                    "post": {
                        "requestBody": {"required": True, "content": {media_type: content}},
                        "responses": OK,
                    }
                }
            }
        )
    )


@pytest.mark.parametrize(
    "schema", [{"type": "string", "format": "binary"}, None], ids=["binary", "no-schema"]
)
def test_octet_stream_body_is_one_file_field(schema: Mapping[str, Any] | None) -> None:
    plan = raw_body_plan("application/octet-stream", schema)
    assert plan.body_media_type == "application/octet-stream"
    assert [(f.key, f.component, f.encoding, f.required) for f in plan.fields] == [
        ("body.body", "file", "file", True)
    ]


def test_image_body_is_one_image_field() -> None:
    plan = raw_body_plan("image/jpeg", {"type": "string", "format": "binary"})
    assert [(f.component, f.encoding) for f in plan.fields] == [("image", "file")]


def test_text_plain_body_is_a_textarea() -> None:
    plan = raw_body_plan("text/plain", {"type": "string"})
    assert [(f.key, f.component, f.encoding, f.rule) for f in plan.fields] == [
        ("body.body", "textarea", "plain", "text_body")
    ]


def test_json_is_preferred_when_a_body_offers_several_media_types() -> None:
    plan = plan_of(
        spec(
            {
                "/a": {
                    "post": {
                        "requestBody": {
                            "content": {
                                "application/xml": {
                                    "schema": {"type": "object", "properties": {"x": {}}}
                                },
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"y": {"type": "string"}},
                                    }
                                },
                            }
                        },
                        "responses": OK,
                    }
                }
            }
        )
    )
    assert plan.body_media_type == "application/json"
    got = [(f.key, f.api_param, f.component, f.when) for f in plan.fields]
    json_only = (("body.~send_as", ("application/json",)),)
    xml_only = (("body.~send_as", ("application/xml",)),)
    assert got == [
        ("body.~send_as", "send_as", "variant", ()),
        ("body.y", "y", "textbox", json_only),
        ("body.[xml].body", "xml_body", "textarea", xml_only),
    ]
    selector = plan.media_selector
    assert selector is not None
    assert (selector.choices, selector.default) == (
        ["application/json", "application/xml"],
        "application/json",
    )


def test_media_types_of_one_kind_and_schema_share_their_fields() -> None:
    schema = {"type": "object", "properties": {"y": {"type": "string"}}}
    plan = plan_of(
        spec(
            {
                "/a": {
                    "post": {
                        "requestBody": {
                            "content": {
                                "text/json": {"schema": schema},
                                "application/json": {"schema": schema},
                                "application/merge-patch+json": {"schema": schema},
                            }
                        },
                        "responses": OK,
                    }
                }
            }
        )
    )
    assert [(f.key, f.when) for f in plan.fields] == [("body.~send_as", ()), ("body.y", ())]
    # application/json first, the others in the document's order.
    assert plan.fields[0].choices == [
        "application/json",
        "text/json",
        "application/merge-patch+json",
    ]


# --- arrays, objects, JSON editors ---------------------------------------------------------


def test_array_of_strings_is_a_list() -> None:
    f = field({"type": "array", "items": {"type": "string"}}, "stop")
    assert (f.component, f.value_type, f.item_type, f.encoding) == (
        "list",
        "array",
        "string",
        "plain",
    )


def test_array_of_numbers_is_a_list_of_numbers() -> None:
    f = field({"type": "array", "items": {"type": "number"}}, "weights")
    assert (f.component, f.item_type) == ("list", "number")


def test_nested_objects_become_dotted_fields() -> None:
    plan = body_plan(
        {
            "prompt": {"type": "string"},
            "options": {
                "type": "object",
                "required": ["temperature"],
                "properties": {
                    "temperature": {"type": "number", "minimum": 0, "maximum": 2},
                    "seed": {"type": "integer"},
                },
            },
        },
        required=("prompt", "options"),
    )
    got = [(f.key, f.label, f.api_param, f.component, f.body_path, f.name) for f in plan.fields]
    assert got == [
        ("body.prompt", "prompt *", "prompt", "textarea", ("prompt",), "prompt"),
        (
            "body.options.temperature",
            "options.temperature *",
            "options_temperature",
            "slider",
            ("options", "temperature"),
            "temperature",
        ),
        (
            "body.options.seed",
            "options.seed",
            "options_seed",
            "number",
            ("options", "seed"),
            "seed",
        ),
    ]
    assert plan.required_objects == [(), ("options",)]


def test_required_only_counts_when_every_enclosing_object_is_required() -> None:
    plan = body_plan(
        {
            "options": {
                "type": "object",
                "required": ["seed"],
                "properties": {"seed": {"type": "integer"}},
            }
        }
    )
    assert [(f.key, f.required) for f in plan.fields] == [("body.options.seed", False)]


def test_objects_deeper_than_three_segments_are_json_editors() -> None:
    plan = body_plan(
        {
            "a": {
                "type": "object",
                "properties": {
                    "b": {
                        "type": "object",
                        "properties": {
                            "c": {"type": "string"},
                            "d": {"type": "object", "properties": {"e": {"type": "string"}}},
                        },
                    }
                },
            }
        }
    )
    assert [(f.key, f.component, f.encoding) for f in plan.fields] == [
        ("body.a.b.c", "textbox", "plain"),
        ("body.a.b.d", "json", "json"),
    ]


_OBJECT_MAP = {"type": "object", "additionalProperties": {"type": "object"}}


def test_required_json_editor_is_prefilled_from_the_default() -> None:
    f = field({**_OBJECT_MAP, "default": {"en": {"k": 1}}}, "headers", required=True)
    assert (f.component, f.encoding) == ("json", "json")
    assert json.loads(f.default) == {"en": {"k": 1}}


def test_optional_json_editor_starts_empty_and_says_the_default() -> None:
    f = field({**_OBJECT_MAP, "default": {"en": {"k": 1}}, "example": {"x": {}}}, "headers")
    assert (f.default, f.server_default) == (NO_DEFAULT, {"en": {"k": 1}})
    assert f.info.endswith('(default: {"en": {"k": 1}})')


def test_required_json_editor_is_prefilled_from_the_example() -> None:
    f = field({**_OBJECT_MAP, "example": {"k": {}}}, "meta", required=True)
    assert json.loads(f.default) == {"k": {}}


def test_required_json_editor_is_prefilled_from_a_skeleton() -> None:
    f = field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["q", "w"],
                "properties": {
                    "q": {"type": "integer"},
                    "w": {"type": "boolean"},
                    "skip": {"type": "array", "items": {"type": "object"}},
                },
            },
        },
        "rows",
        required=True,
    )
    assert (f.component, json.loads(f.default)) == ("json", [{"q": 0, "w": False}])


def test_optional_json_editor_without_default_is_empty() -> None:
    f = field({"type": "object"}, "extra")
    assert (f.component, f.default) == ("json", NO_DEFAULT)


def test_a_one_of_too_big_for_a_selector_is_a_json_editor_prefilled_with_the_first() -> None:
    many = [
        {"type": "object", "required": [f"p{i}"], "properties": {f"p{i}": {"type": "string"}}}
        for i in range(MAX_VARIANTS + 1)
    ]
    f = field({"oneOf": many}, "source", required=True)
    assert (f.component, f.value_type, json.loads(f.default)) == ("json", "any", {"p0": ""})


def test_a_body_that_is_an_array_of_numbers_is_one_list_field() -> None:
    plan = plan_of(
        spec(
            {
                "/batch": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"type": "integer"}}
                                }
                            },
                        },
                        "responses": OK,
                    }
                }
            }
        )
    )
    assert [(f.key, f.component, f.body_path) for f in plan.fields] == [("body.body", "list", ())]


def test_fastapi_optional_is_an_optional_value_not_a_json_editor() -> None:
    plan = body_plan(
        {
            "seed": {"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "Seed"},
            "stop": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Stop"},
            "options": {"anyOf": [{"$ref": "#/components/schemas/Opts"}, {"type": "null"}]},
        },
        Opts={"type": "object", "properties": {"top_p": {"type": "number"}}},
    )
    assert [(f.key, f.component, f.value_type, f.required) for f in plan.fields] == [
        ("body.seed", "number", "integer", False),
        ("body.stop", "textbox", "string", False),
        ("body.options.top_p", "number", "number", False),
    ]


def test_nullable_required_field_is_not_required() -> None:
    f = field({"type": ["string", "null"]}, "nick", required=True)
    assert (f.required, f.label) == (False, "nick")


def test_all_of_is_merged_into_one_set_of_fields() -> None:
    plan = plan_of(
        spec(
            {
                "/pets": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "allOf": [
                                            {"$ref": "#/components/schemas/Base"},
                                            {
                                                "type": "object",
                                                "required": ["kind"],
                                                "properties": {"kind": {"type": "string"}},
                                            },
                                        ]
                                    }
                                }
                            },
                        },
                        "responses": OK,
                    }
                }
            },
            Base={
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}},
            },
        )
    )
    assert [(f.key, f.required) for f in plan.fields] == [("body.name", True), ("body.kind", True)]


def test_read_only_properties_are_left_out() -> None:
    plan = body_plan({"id": {"type": "integer", "readOnly": True}, "name": {"type": "string"}})
    assert [f.key for f in plan.fields] == ["body.name"]


def test_recursive_schema_gets_a_json_editor_at_the_cycle() -> None:
    plan = plan_of(
        spec(
            {
                "/tree": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Node"}
                                }
                            },
                        },
                        "responses": OK,
                    }
                }
            },
            Node={
                "type": "object",
                "required": ["label"],
                "properties": {
                    "label": {"type": "string"},
                    "child": {"$ref": "#/components/schemas/Node"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                },
            },
        )
    )
    assert [(f.key, f.component) for f in plan.fields] == [
        ("body.label", "textbox"),
        ("body.child", "json"),
        ("body.children", "json"),
    ]


def test_a_required_recursive_json_field_gets_a_finite_skeleton() -> None:
    plan = plan_of(
        spec(
            {
                "/tree": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["root"],
                                        "properties": {
                                            "root": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Node"},
                                            }
                                        },
                                    }
                                }
                            },
                        },
                        "responses": OK,
                    }
                }
            },
            Node={
                "type": "object",
                "required": ["label", "children"],
                "properties": {
                    "label": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                },
            },
        )
    )
    assert json.loads(plan.fields[0].default) == [{"label": "", "children": []}]


# --- labels, help, defaults and examples --------------------------------------------------


def test_required_fields_are_marked_in_label_and_flag() -> None:
    plan = body_plan({"a": {"type": "string"}, "b": {"type": "string"}}, required=("a",))
    assert [(f.label, f.required) for f in plan.fields] == [("a *", True), ("b", False)]


def test_description_becomes_info_with_whitespace_collapsed() -> None:
    f = field({"type": "string", "description": "The pet's\n   name."}, "name")
    assert f.info == "The pet's name."


def test_default_prefills_a_required_field() -> None:
    f = field({"type": "string", "default": "en"}, "lang", required=True)
    assert (f.default, f.placeholder) == ("en", "")


def test_an_optional_field_s_default_is_shown_never_prefilled() -> None:
    # A spec's default documents what the server does without the field.
    f = field({"type": "string", "default": "en", "example": "fr"}, "lang")
    assert (f.default, f.server_default, f.placeholder) == (NO_DEFAULT, "en", "default: en")


@pytest.mark.parametrize("text", ["null", "None"])
def test_the_text_null_as_a_default_means_no_default(text: str) -> None:
    # TGI writes `default: "null"` (Rust's None) for `adapter_id`, `top_p`, ...
    f = field({"type": "string", "default": text}, "adapter_id", required=True)
    assert (f.default, f.placeholder) == (NO_DEFAULT, "")
    f = field({"type": "number", "default": text, "minimum": 0, "maximum": 1}, "top_p")
    assert (f.component, f.server_default) == ("number", NO_DEFAULT)
    f = field({"type": "string", "enum": ["None", "some"], "default": "None"}, "mode")
    assert f.server_default == "None"  # a value the schema lists is a value


def test_example_prefills_a_required_field() -> None:
    f = field({"type": "string", "example": "Rex"}, "name", required=True)
    assert (f.default, f.placeholder) == ("Rex", "Rex")


def test_example_is_only_a_placeholder_in_an_optional_field() -> None:
    f = field({"type": "integer", "examples": [42]}, "seed")
    assert (f.default, f.placeholder) == (NO_DEFAULT, "42")


def test_media_type_example_prefills_the_fields_it_covers() -> None:
    plan = plan_of(
        spec(
            {
                "/a": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["name"],
                                        "properties": {
                                            "name": {"type": "string"},
                                            "tag": {"type": "string"},
                                        },
                                    },
                                    "example": {"name": "Rex", "tag": "dog"},
                                }
                            },
                        },
                        "responses": OK,
                    }
                }
            }
        )
    )
    assert [(f.key, f.default, f.placeholder) for f in plan.fields] == [
        ("body.name", "Rex", "Rex"),
        ("body.tag", NO_DEFAULT, "dog"),
    ]


def test_parameter_fields_say_where_they_go() -> None:
    plan = plan_of(
        spec(
            {
                "/pets/{petId}": {
                    "get": {
                        "parameters": [
                            {
                                "name": "petId",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "integer"},
                                "description": "Which pet",
                            },
                            {"name": "X-API-Key", "in": "header", "schema": {"type": "string"}},
                            {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                            {
                                "name": "from",
                                "in": "query",
                                "schema": {"type": "string", "format": "date"},
                            },
                        ],
                        "responses": OK,
                    }
                }
            }
        )
    )
    got = [
        (f.key, f.api_param, f.label, f.location, f.name, f.component, f.info) for f in plan.fields
    ]
    assert got == [
        ("path.petId", "petId", "petId (path) *", "path", "petId", "number", "Which pet"),
        (
            "header.X-API-Key",
            "x_api_key",
            "X-API-Key (header)",
            "header",
            "X-API-Key",
            "password",
            "",
        ),
        ("cookie.session", "session", "session (cookie)", "cookie", "session", "textbox", ""),
        ("query.from", "from_", "from (query)", "query", "from", "textbox", ""),
    ]
    assert plan.fields[0].parameter is not None
    assert plan.fields[0].parameter.location == "path"


def test_a_path_id_and_a_body_id_are_two_fields() -> None:
    plan = plan_of(
        spec(
            {
                "/items/{id}": {
                    "put": {
                        "parameters": [
                            {
                                "name": "id",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "integer"},
                            }
                        ],
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["id"],
                                        "properties": {
                                            "id": {"type": "string"},
                                            "name": {"type": "string"},
                                        },
                                    }
                                }
                            },
                        },
                        "responses": OK,
                    }
                }
            }
        )
    )
    assert [(f.api_param, f.location, f.name, f.value_type) for f in plan.fields] == [
        ("path_id", "path", "id", "integer"),
        ("body_id", "body", "id", "string"),
        ("name", "body", "name", "string"),
    ]


# --- naming -------------------------------------------------------------------------------


def test_fastapi_operation_ids_become_the_function_names() -> None:
    app = FastAPI()

    @app.post("/generate")
    def generate() -> None: ...

    @app.get("/words/{word}")
    def words(word: str) -> None: ...

    @app.post("/v1/chat/completions")
    def chat_completions() -> None: ...

    document = app.openapi()
    ids = [o["operationId"] for item in document["paths"].values() for o in item.values()]
    assert ids == [
        "generate_generate_post",
        "words_words__word__get",
        "chat_completions_v1_chat_completions_post",
    ]
    names = [p.api_name for p in plan_api(load_spec(document)).operations]
    assert names == ["generate", "words", "chat_completions"]


def test_plain_operation_ids_are_kept() -> None:
    assert unique_names([Operation("GET", "/pets", operation_id="listPets")]) == ["listPets"]


def test_operation_id_with_other_characters_is_sanitized() -> None:
    assert unique_names([Operation("GET", "/a", operation_id="pets.list-all")]) == ["pets_list_all"]


def test_no_operation_id_gives_method_and_path() -> None:
    names = unique_names(
        [Operation("GET", "/pets/{petId}"), Operation("PUT", "/a-b/c.d"), Operation("GET", "/")]
    )
    assert names == ["get__pets_petId", "put__a_b_c_d", "get"]
    assert all(n.isidentifier() for n in names)


def test_duplicate_api_names_are_numbered() -> None:
    ops = [
        Operation("GET", "/a", operation_id="list"),
        Operation("GET", "/b", operation_id="list"),
        Operation("GET", "/c", operation_id="List"),
        Operation("GET", "/d", operation_id="list"),
    ]
    assert unique_names(ops) == ["list", "list_2", "List_3", "list_4"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("X-API-Key", "x_api_key"),
        ("petId", "petId"),
        ("from", "from_"),
        ("class", "class_"),
        ("a.b", "a_b"),
        ("2fa", "_2fa"),
        ("api_name", "api_name_"),
        ("headers", "headers_"),
        ("page[size]", "page_size"),
        ("$$", "value"),
    ],
)
def test_identifier(name: str, expected: str) -> None:
    assert identifier(name) == expected


def test_unique_params_prefix_only_names_that_clash() -> None:
    assert unique_params([("id", "path"), ("id", "body"), ("q", "query")]) == [
        "path_id",
        "body_id",
        "q",
    ]


def test_unique_params_never_give_two_fields_one_name() -> None:
    params = unique_params([("X-Id", "header"), ("x_id", "header"), ("x.id", "query")])
    assert len(set(params)) == 3
    assert all(p.isidentifier() for p in params)


def test_title_is_the_summary_or_method_and_path() -> None:
    assert title_of(Operation("GET", "/pets", summary="List  all\npets")) == "List all pets"
    assert title_of(Operation("GET", "/pets")) == "GET /pets"
    assert title_of(Operation("GET", "/p", summary="x" * 60)) == "x" * 47 + "…"


# --- outputs ------------------------------------------------------------------------------


def reply_plan(content: Mapping[str, Any] | None, status: str = "200") -> OperationPlan:
    response: dict[str, Any] = {"description": "reply"}
    if content is not None:
        response["content"] = dict(content)
    return plan_of(spec({"/run": {"post": {"responses": {status: response}}}}))


def json_reply(schema: Mapping[str, Any]) -> tuple[str, str | None]:
    output = reply_plan({"application/json": {"schema": dict(schema)}}).outputs[0]
    return output.component, output.field


def obj(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


STRING = {"type": "string"}


def test_a_response_field_is_the_primary_textbox() -> None:
    assert json_reply(obj(response=STRING)) == ("textbox", "response")


def test_the_only_string_field_is_primary() -> None:
    assert json_reply(obj(count={"type": "integer"}, label=STRING)) == ("textbox", "label")


def test_a_known_answer_name_among_several_strings_is_primary() -> None:
    assert json_reply(obj(source=STRING, answer=STRING, lang=STRING)) == ("textbox", "answer")


def test_many_fields_without_a_primary_one_show_the_whole_json() -> None:
    assert json_reply(obj(a=STRING, b=STRING, c={"type": "integer"})) == ("json", None)


def test_an_image_field_in_json_is_an_image_output() -> None:
    schema = obj(
        image={"type": "string", "contentMediaType": "image/png", "contentEncoding": "base64"},
        seed={"type": "integer"},
    )
    assert json_reply(schema) == ("image", "image")


def test_a_primary_object_field_is_json() -> None:
    assert json_reply(obj(result={"type": "object"})) == ("json", "result")


def test_a_json_string_reply_is_a_textbox() -> None:
    assert json_reply(STRING) == ("textbox", None)


def test_a_json_array_reply_is_json() -> None:
    assert json_reply({"type": "array", "items": STRING}) == ("json", None)


def test_primary_field_through_a_ref() -> None:
    plan = plan_of(
        spec(
            {
                "/run": {
                    "post": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "#/components/schemas/Out"}
                                    }
                                },
                            }
                        }
                    }
                }
            },
            Out=obj(generated_text=STRING, model=STRING, tokens={"type": "integer"}),
        )
    )
    assert (plan.outputs[0].component, plan.outputs[0].field) == ("textbox", "generated_text")


def test_an_image_png_reply_is_an_image() -> None:
    output = reply_plan({"image/png": {"schema": {"type": "string", "format": "binary"}}})
    assert (output.outputs[0].component, output.outputs[0].media_type) == ("image", "image/png")


@pytest.mark.parametrize(
    ("media_type", "component"),
    [
        ("audio/wav", "audio"),
        ("text/plain", "textbox"),
        ("text/markdown", "markdown"),
        ("text/event-stream", "stream"),
        ("application/pdf", "file"),
    ],
)
def test_other_reply_media_types(media_type: str, component: str) -> None:
    assert reply_plan({media_type: {}}).outputs[0].component == component


def test_no_response_schema_is_decided_at_run_time() -> None:
    assert reply_plan(None).outputs[0].component == "auto"


ERROR_REPLY = {
    "description": "error",
    "content": {"application/json": {"schema": obj(code={"type": "integer"}, message=STRING)}},
}


def test_a_204_wins_over_a_default_error_response() -> None:
    plan = plan_of(
        spec(
            {
                "/pets/{id}": {
                    "delete": {
                        "parameters": [
                            {"name": "id", "in": "path", "required": True, "schema": STRING}
                        ],
                        "responses": {"204": {"description": "deleted"}, "default": ERROR_REPLY},
                    }
                }
            }
        )
    )
    assert (plan.outputs[0].component, plan.outputs[0].field) == ("auto", None)


def test_default_is_used_when_there_is_no_2xx_response() -> None:
    plan = plan_of(spec({"/a": {"get": {"responses": {"default": ERROR_REPLY}}}}))
    assert (plan.outputs[0].component, plan.outputs[0].field) == ("textbox", "message")


def test_the_success_response_is_used_not_the_error_one() -> None:
    plan = plan_of(
        spec(
            {
                "/run": {
                    "post": {
                        "responses": {
                            "422": {
                                "description": "bad",
                                "content": {
                                    "application/json": {"schema": obj(detail={"type": "array"})}
                                },
                            },
                            "201": {
                                "description": "made",
                                "content": {"application/json": {"schema": obj(result=STRING)}},
                            },
                        }
                    }
                }
            }
        )
    )
    assert (plan.outputs[0].component, plan.outputs[0].field) == ("textbox", "result")


def test_swagger_produces_image_png_is_an_image() -> None:
    plan = plan_of(
        {
            "swagger": "2.0",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/render": {
                    "get": {
                        "produces": ["image/png"],
                        "responses": {
                            "200": {"description": "the picture", "schema": {"type": "file"}}
                        },
                    }
                }
            },
        }
    )
    assert (plan.outputs[0].component, plan.outputs[0].media_type) == ("image", "image/png")


class Generated(BaseModel):
    response: str
    model: str


class Request(BaseModel):
    prompt: str
    max_tokens: int = Field(64, ge=1, le=512)
    image: str | None = None


def test_a_fastapi_generate_endpoint_maps_to_what_a_user_expects() -> None:
    app = FastAPI()

    @app.post("/generate", response_model=Generated)
    def generate(request: Request) -> Generated:
        return Generated(response=request.prompt, model="echo")

    plan = plan_api(load_spec(app.openapi())).operations[0]
    assert plan.api_name == "generate"
    assert [(f.api_param, f.component, f.encoding, f.required, f.default) for f in plan.fields] == [
        ("prompt", "textarea", "plain", True, NO_DEFAULT),
        ("max_tokens", "slider", "plain", False, 64),
        ("image", "image", "base64", False, NO_DEFAULT),
    ]
    assert (plan.outputs[0].component, plan.outputs[0].field) == ("textbox", "response")


# --- model servers' shapes (issue 15) ------------------------------------------------------


def test_a_text_or_lists_of_texts_or_token_ids_is_one_text_box() -> None:
    # TEI's `inputs`: oneOf [oneOf [string, [int]], [oneOf [string, [int]]]]
    text_or_ids = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "integer"}}]}
    f = field({"oneOf": [text_or_ids, {"type": "array", "items": text_or_ids}]}, "inputs", True)
    assert (f.key, f.component, f.value_type, f.rule) == ("body.inputs", "texts", "any", "texts")


def test_a_text_or_an_object_is_still_a_choice_of_variants() -> None:
    plan = body_plan(
        {"format": {"oneOf": [{"type": "string"}, {"type": "object", "properties": {}}]}}
    )
    assert plan.fields[0].component == "variant"


def test_an_open_enum_is_a_dropdown_that_takes_other_values() -> None:
    # OpenAI's model names: anyOf [string, {string, enum}]
    f = field(
        {"anyOf": [{"type": "string"}, {"type": "string", "enum": ["a", "b"]}]}, "model", True
    )
    assert (f.component, f.choices, f.custom_values) == ("dropdown", ["a", "b"], True)


def test_a_name_or_an_object_is_a_dropdown_of_the_names_that_takes_others() -> None:
    # OpenAI's `voice`: anyOf [anyOf [string, enum of names], {custom voice object}]
    names = {
        "anyOf": [{"type": "string"}, {"type": "string", "enum": ["alloy", "ash", "alloy"]}],
        "example": "ash",
    }
    custom = {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}}
    f = field({"anyOf": [names, custom]}, "voice", True)
    assert (f.key, f.component, f.choices, f.custom_values, f.rule, f.default) == (
        "body.voice",
        "names",
        ["alloy", "ash"],
        True,
        "names_or_object",
        "ash",  # required: it starts with the names' example, as a required field does
    )
    # Without any-other-name (`tool_choice`: a closed list beside objects), or without
    # names, the objects keep their own fields under a selector.
    closed = {"anyOf": [{"type": "string", "enum": ["none", "auto"]}, custom]}
    unnamed = {"anyOf": [{"type": "string"}, custom]}
    for schema in (closed, unnamed):
        assert body_plan({"v": schema}).fields[0].component == "variant"


def test_an_untyped_field_named_for_words_is_a_text_box() -> None:
    # LocalAI's `prompt` (a Go interface{}): no type at all
    assert field({"description": "The prompt"}, "prompt").component == "textarea"
    assert field({"description": "Anything"}, "extra").component == "json"


def test_tool_names_fit_in_64_characters_stable_and_unique() -> None:
    long = "enterprise_admin_list_self_hosted_runner_groups_for_enterprise_with_a_tail"
    twin = long.replace("tail", "tale")  # the same first 55 characters
    names = tool_names(["short", long, twin, "ünïcode"])
    assert names[0] == "short"
    assert names[1].startswith(long[:55] + "_") and len(names[1]) == 64
    assert names[2].startswith(long[:55] + "_") and names[2] != names[1]
    assert names[3].startswith("_n_code_") and names[3].isascii()
    assert tool_names([twin]) == [names[2]]  # the same name whatever else the spec holds
    assert tool_names(["short", "short_x"]) == ["short", "short_x"]
