"""Mapping rules for the harder shapes: variants, media type choice, tables, key/value
maps, formats, named examples, and the page of a document without operations.

Each test writes a small spec, loads it and reads the plan (no Gradio, no HTTP); the
round trips of the same shapes over the wire are in tests/dispatcher/test_bodies.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from support.swagger_forms import SWAGGER
from test_mapper import OK, body_plan, field, plan_of, spec

from autoui import load_spec
from autoui.mapper import NO_DEFAULT, plan_api
from autoui.mapper.plan import Column
from autoui.mapper.unions import MAX_VARIANT_FIELDS

CAT = {
    "type": "object",
    "required": ["kind", "lives"],
    "properties": {"kind": {"type": "string"}, "lives": {"type": "integer", "maximum": 9}},
}
DOG = {
    "type": "object",
    "required": ["kind"],
    "properties": {"kind": {"type": "string"}, "bark": {"type": "string"}},
}
PET = {
    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
    "discriminator": {
        "propertyName": "kind",
        "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
    },
}


def keyed(plan: Any) -> dict[str, Any]:
    return {f.key: f for f in plan.fields}


def json_body_spec(schema: dict[str, Any], **media: Any) -> dict[str, Any]:
    """A document whose one operation, POST /a, takes a JSON body of `schema`."""
    content = {"application/json": {"schema": schema, **media}}
    return spec({"/a": {"post": {"requestBody": {"content": content}, "responses": OK}}})


def choices(selector: Any) -> list[tuple[str, Any]]:
    """A selector's (label, discriminator value) pairs."""
    return [(v.label, v.value) for v in selector.variants]


# --- oneOf / anyOf -------------------------------------------------------------------------


def test_one_of_with_a_discriminator_is_a_selector_over_each_variants_fields() -> None:
    plan = body_plan({"pet": PET}, ("pet",), Cat=CAT, Dog=DOG)
    got = [(f.key, f.api_param, f.label, f.component, f.when) for f in plan.fields]
    selector = ("body.pet~variant",)
    assert got == [
        ("body.pet~variant", "pet_variant", "pet (variant) *", "variant", ()),
        (
            "body.pet[cat].lives",
            "pet_cat_lives",
            "pet.lives *",
            "number",
            (("body.pet~variant", ("cat",)),),
        ),
        (
            "body.pet[dog].bark",
            "pet_dog_bark",
            "pet.bark",
            "textbox",
            (("body.pet~variant", ("dog",)),),
        ),
    ]
    pet = keyed(plan)[selector[0]]
    # The discriminator has no field of its own: the dispatcher sets it from the choice.
    assert (pet.discriminator, choices(pet), pet.default) == (
        "kind",
        [("cat", "cat"), ("dog", "dog")],
        "cat",
    )
    assert [f.body_path for f in plan.fields] == [("pet",), ("pet", "lives"), ("pet", "bark")]
    # Either alternative, once chosen, is sent as an object even when left empty.
    assert [p for p, _ in plan.required_when] == [("pet",), ("pet",)]


def test_discriminator_without_mapping_uses_the_schema_names() -> None:
    pet = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind"},
    }
    selector = keyed(body_plan({"pet": pet}, Cat=CAT, Dog=DOG))["body.pet~variant"]
    assert choices(selector) == [("Cat", "Cat"), ("Dog", "Dog")]
    assert [v.schema for v in selector.variants or []] == pet["oneOf"]


def test_variants_are_named_by_title_then_a_constant_property_then_their_type() -> None:
    content = {
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string"}},
            {
                "type": "object",
                "properties": {"type": {"const": "image_url"}, "url": {"type": "string"}},
            },
            {"title": "Tokens", "type": "array", "items": {"type": "integer"}},
        ]
    }
    plan = body_plan({"content": content}, ("content",))
    fields = keyed(plan)
    assert fields["body.content~variant"].choices == [
        "string",
        "list of strings",
        "image_url",
        "Tokens",
    ]
    # Scalar and list alternatives are one field each at the property's own place.
    assert [(f.key, f.component, f.body_path) for f in plan.fields[1:]] == [
        ("body.content[string]", "textarea", ("content",)),
        ("body.content[list of strings]", "list", ("content",)),
        ("body.content[image_url].type", "dropdown", ("content", "type")),
        ("body.content[image_url].url", "textbox", ("content", "url")),
        ("body.content[Tokens]", "list", ("content",)),
    ]


def test_a_body_that_is_a_one_of_gets_its_selector_at_the_top() -> None:
    plan = plan_of(
        spec(
            {
                "/run": {
                    "post": {
                        "requestBody": {
                            "required": True,
                            "content": {
                                "application/json": {
                                    "schema": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
                                }
                            },
                        },
                        "responses": OK,
                    }
                }
            }
        )
    )
    assert [(f.key, f.api_param, f.body_path) for f in plan.fields] == [
        ("body.body~variant", "body_variant", ()),
        ("body.body[string]", "body_string", ()),
        ("body.body[integer]", "body_integer", ()),
    ]


def test_optional_alternatives_are_not_variants() -> None:
    # FastAPI's Optional[X] and Stripe's "empty string unsets it" are an optional X.
    for alternatives in (
        [{"type": "integer"}, {"type": "null"}],
        [{"type": "integer"}, {"type": "string", "enum": [""]}],
    ):
        f = field({"anyOf": alternatives}, "limit", required=True)
        assert (f.component, f.value_type, f.required) == ("number", "integer", False)


def test_a_one_of_with_too_many_fields_is_a_json_editor_and_a_note() -> None:
    wide = [
        {
            "type": "object",
            "properties": {f"p{v}_{i}": {"type": "string"} for i in range(MAX_VARIANT_FIELDS // 2)},
        }
        for v in range(3)
    ]
    plan = body_plan({"config": {"oneOf": wide}})
    assert [(f.key, f.component) for f in plan.fields] == [("body.config", "json")]
    count = 3 * (MAX_VARIANT_FIELDS // 2)
    assert plan.notes == [
        f"config: 3 alternatives with {count} fields in all; edited as JSON instead"
    ]


def test_a_recursive_one_of_stops_at_the_cycle() -> None:
    node = {
        "oneOf": [
            {"type": "string"},
            {
                "type": "object",
                "properties": {
                    "all": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
                },
            },
        ]
    }
    plan = body_plan({"filter": {"$ref": "#/components/schemas/Node"}}, Node=node)
    assert [(f.key, f.component) for f in plan.fields] == [
        ("body.filter~variant", "variant"),
        ("body.filter[string]", "textbox"),
        ("body.filter[object].all", "json"),
    ]


# --- tables, key/value maps, formats -------------------------------------------------------


def test_an_array_of_flat_objects_is_a_table_with_typed_columns() -> None:
    f = field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["role"],
                "properties": {
                    "role": {"type": "string", "enum": ["user", "assistant"]},
                    "content": {"type": "string"},
                    "weight": {"type": "number"},
                    "n": {"type": ["integer", "null"]},
                    "final": {"type": "boolean"},
                    "id": {"type": "string", "readOnly": True},
                },
            },
        },
        "messages",
    )
    assert (f.component, f.value_type, f.rule) == ("table", "array", "table")
    assert f.columns == [
        Column("role", "string", True),
        Column("content", "string"),
        Column("weight", "number"),
        Column("n", "integer"),
        Column("final", "boolean"),
    ]


def test_an_array_of_nested_objects_is_not_a_table() -> None:
    nested = {"type": "object", "properties": {"a": {"type": "object"}}}
    assert field({"type": "array", "items": nested}, "rows").component == "json"


@pytest.mark.parametrize(
    ("extra", "item_type"),
    [({"type": "string"}, "string"), ({"type": "integer"}, "integer"), (True, "any")],
)
def test_additional_properties_with_plain_values_are_key_value_rows(extra, item_type) -> None:
    f = field({"type": "object", "additionalProperties": extra}, "labels")
    assert (f.component, f.value_type, f.item_type, f.rule) == (
        "keyvalue",
        "object",
        item_type,
        "keyvalue",
    )


@pytest.mark.parametrize(
    ("fmt", "hint"),
    [
        ("date", "YYYY-MM-DD, e.g. 2024-05-31"),
        ("date-time", "YYYY-MM-DDThh:mm:ssZ, e.g. 2024-05-31T13:45:00Z"),
        ("email", "name@example.com"),
        ("uri", "https://…"),
        ("uuid", "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),
    ],
)
def test_formats_are_text_boxes_that_show_the_expected_shape(fmt: str, hint: str) -> None:
    f = field({"type": "string", "format": fmt}, "when")
    assert (f.component, f.placeholder, f.rule) == ("textbox", hint, "format")


def test_an_example_wins_over_the_format_hint_as_placeholder() -> None:
    f = field({"type": "string", "format": "date", "example": "1999-12-31"}, "when")
    assert f.placeholder == "1999-12-31"


@pytest.mark.parametrize(
    ("schema", "default"),
    [
        ({"type": "integer", "default": "10"}, 10),
        ({"type": "integer", "default": "ten"}, NO_DEFAULT),
        ({"type": "boolean", "default": "true"}, True),
        ({"type": "string", "enum": ["a", "b"], "default": "c"}, NO_DEFAULT),
    ],
)
def test_defaults_a_widget_cannot_hold_are_converted_or_dropped(schema, default) -> None:
    assert field(schema, "value").server_default == default


def test_nested_fields_name_their_group() -> None:
    plan = body_plan(
        {"options": {"type": "object", "properties": {"seed": {"type": "integer"}}}, "q": {}}
    )
    assert [(f.key, f.group) for f in plan.fields] == [
        ("body.options.seed", "options"),
        ("body.q", ""),
    ]


def test_write_only_properties_are_not_the_primary_output() -> None:
    reply = {
        "type": "object",
        "properties": {
            "password": {"type": "string", "writeOnly": True},
            "name": {"type": "string"},
            "id": {"type": "integer"},
        },
    }
    plan = plan_of(
        spec(
            {
                "/user": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {"application/json": {"schema": reply}},
                            }
                        }
                    }
                }
            }
        )
    )
    assert plan.outputs[0].field == "name"


# --- named examples ------------------------------------------------------------------------


def test_named_examples_fill_every_field_and_pick_the_variant() -> None:
    document = spec(
        {
            "/pets/{owner}": {
                "post": {
                    "parameters": [
                        {
                            "name": "owner",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                            "examples": {"cat": {"value": "ann"}, "dog": {"value": "bob"}},
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["pet"],
                                    "properties": {
                                        "name": {"type": "string", "default": "x"},
                                        "pet": PET,
                                    },
                                },
                                "examples": {
                                    "cat": {
                                        "summary": "A cat",
                                        "value": {
                                            "name": "Tom",
                                            "pet": {"kind": "cat", "lives": 9},
                                        },
                                    },
                                    "dog": {"value": {"pet": {"kind": "dog", "bark": "woof"}}},
                                },
                            }
                        },
                    },
                    "responses": OK,
                }
            }
        },
        Cat=CAT,
        Dog=DOG,
    )
    plan = plan_of(document)
    assert [(e.name, e.summary, e.values) for e in plan.examples] == [
        ("cat", "A cat", {"owner": "ann", "name": "Tom", "pet_variant": "cat", "pet_cat_lives": 9}),
        # A field the example leaves out is cleared (its spec default is the server's).
        ("dog", "", {"owner": "bob", "name": None, "pet_variant": "dog", "pet_dog_bark": "woof"}),
    ]


def test_one_unnamed_example_gives_no_examples_menu() -> None:
    q = {"type": "object", "properties": {"q": {"type": "string"}}}
    document = json_body_spec(q, example={"q": "hi"})
    assert plan_of(document).examples == []


# --- documents -----------------------------------------------------------------------------


def test_a_webhooks_only_document_says_what_it_holds_instead_of_an_empty_page() -> None:
    from autoui.app import build_app

    document = {
        "openapi": "3.1.0",
        "info": {"title": "Hooks", "version": "1"},
        "webhooks": {"newPet": {"post": {"responses": OK}}, "petGone": {"post": {"responses": OK}}},
    }
    api = load_spec(document)
    assert (api.operations, api.webhooks) == ([], ["newPet", "petGone"])
    demo = build_app(api, base_url="http://127.0.0.1:9")
    texts = " ".join(str(getattr(b, "value", "")) for b in demo.blocks.values())
    assert "This document describes no operations" in texts
    assert "2 webhooks (requests the API sends to you, not ones you send): newPet, petGone" in texts


def test_swagger_2_collection_formats_outside_the_query_keep_their_delimiter() -> None:

    document = SWAGGER
    plan = plan_api(load_spec(document)).operations[0]
    params = {f.name: f.parameter for f in plan.fields if f.parameter}
    assert (params["ids"].style, params["X-Tags"].style) == ("spaceDelimited", "pipeDelimited")
    body = plan.operation.body
    assert body is not None
    encoding = body.content["multipart/form-data"].encoding["colors"]
    assert (encoding.style, encoding.explode) == ("form", False)


def test_inspect_reports_selectors_their_conditions_examples_and_notes() -> None:
    from autoui.report import plan_report

    plan = plan_api(load_spec(spec({"/p": _pets_operation()}, Cat=CAT, Dog=DOG)))
    report = plan_report(plan, "http://127.0.0.1:9")["operations"][0]
    inputs = {i["api_param"]: i for i in report["inputs"]}
    assert inputs["pet_variant"]["choices"] == ["cat", "dog"]
    assert inputs["pet_dog_bark"]["when"] == {"body.pet~variant": ["dog"]}
    assert "when" not in inputs["pet_variant"]
    assert (report["examples"], report["notes"]) == ([], [])


def _pets_operation() -> dict[str, Any]:
    return {
        "post": {
            "requestBody": {
                "content": {
                    "application/json": {"schema": {"type": "object", "properties": {"pet": PET}}}
                }
            },
            "responses": OK,
        }
    }


def test_a_number_without_a_value_is_a_text_box_not_a_number_showing_zero() -> None:
    import gradio as gr

    from autoui.app import build_app

    document = json_body_spec(
        {
            "type": "object",
            "properties": {
                "count": {"type": "integer", "minimum": 1},
                "size": {"type": "integer", "default": 3},
            },
        }
    )
    demo = build_app(load_spec(document), base_url="http://127.0.0.1:9")
    by_id = {getattr(b, "elem_id", None): b for b in demo.blocks.values()}
    count, size = by_id["in-body-count"], by_id["in-body-size"]
    assert isinstance(count, gr.Textbox) and count.placeholder == "an integer from 1"
    # An optional field's default is the server's: shown, not a value to send.
    assert isinstance(size, gr.Textbox) and (size.value, size.placeholder) == (None, "default: 3")


def test_operations_named_like_the_pages_own_listeners_keep_their_names() -> None:
    # ... and a field named like the event data the Send listener gets (GitHub has one).
    from autoui.app import build_app

    body = {
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"pet": PET}},
                "examples": {"a": {"value": {}}, "b": {"value": {}}},
            }
        }
    }
    paths = {
        f"/{name}": {
            "post": {
                "operationId": name,
                "parameters": [{"name": "event", "in": "query", "schema": {"type": "string"}}],
                "requestBody": body,
                "responses": OK,
            }
        }
        for name in ("show", "fill", "handler")
    }
    demo = build_app(load_spec(spec(paths, Cat=CAT, Dog=DOG)), base_url="http://127.0.0.1:9")
    public = sorted(fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public")
    assert public == ["autoui_authorize", "autoui_logout", "fill", "handler", "show"]


def test_fields_named_like_autoui_own_parameters_are_sent_under_their_names() -> None:
    """Gradio fills autoui's handlers' `autoui_event`/`autoui_request`: a field of that
    name gets a keyword of its own, and its value still goes out under the spec's name."""
    from gradio_client import Client
    from support.echo import echo_app
    from support.servers import serve_asgi, serve_gradio

    from autoui.app import build_app

    names = ["event", "request", "autoui_event", "autoui_request"]
    paths = {
        "/echo/names": {
            "get": {
                "operationId": "names",
                "parameters": [
                    {"name": n, "in": "query", "schema": {"type": "string"}} for n in names
                ],
                "responses": OK,
            }
        }
    }
    backend = echo_app()
    with serve_asgi(backend) as base:
        api = load_spec(spec(paths))
        assert [f.api_param for f in plan_api(api).operations[0].fields] == [
            "event",
            "request",
            "autoui_event_",
            "autoui_request_",
        ]
        with serve_gradio(build_app(api, base_url=base)) as url:
            # download_files=False: the echo has a "path" key (see the README's pitfall)
            Client(url, verbose=False, download_files=False).predict(
                event="e", request="r", autoui_event_="ae", autoui_request_="ar", api_name="/names"
            )
    assert backend.state.seen[-1]["query"] == [
        ("event", "e"),
        ("request", "r"),
        ("autoui_event", "ae"),
        ("autoui_request", "ar"),
    ]
