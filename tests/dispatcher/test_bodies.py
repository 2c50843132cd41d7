"""Round trips of the harder request shapes through the echo backend (a real FastAPI app
on loopback that reports what arrived): variants with their discriminator, a body sent
as the media type the user chose, tables and key/value maps, multipart parts with their
own content types, form fields in their encoding styles, Swagger 2.0 collection formats
outside the query, and the checks made before sending.
"""

from __future__ import annotations

import base64
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from support.echo import echo_app, png_bytes
from support.servers import serve_asgi
from support.swagger_forms import SWAGGER

import autoui
from autoui.dispatcher import Dispatcher
from autoui.dispatcher.checks import Issue, check
from autoui.dispatcher.curl import curl_command
from autoui.mapper import OperationPlan, plan_api
from autoui.mapper.naming import RAW_BODY_PARAM

OK = {"200": {"description": "OK"}}
STRING = {"type": "string"}
BINARY = {"type": "string", "format": "binary"}
NAMED = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "maxLength": 8},
        "count": {"type": "integer", "minimum": 1},
        "colors": {"type": "array", "items": STRING},
    },
}
PETS = {
    "type": "object",
    "required": ["name", "pet"],
    "properties": {
        "name": STRING,
        "id": {"type": "integer", "readOnly": True},
        "born": {"type": "string", "format": "date"},
        "pet": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
            },
        },
        "toys": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["toy"],
                "properties": {
                    "toy": STRING,
                    "price": {"type": "number"},
                    "squeaks": {"type": "boolean"},
                },
            },
        },
        "labels": {"type": "object", "additionalProperties": {"type": "integer"}},
        "content": {"anyOf": [STRING, {"type": "array", "items": STRING}]},
        # OpenAI's `voice`: any name (some listed), or a custom voice object
        "voice": {
            "anyOf": [
                {"anyOf": [STRING, {"type": "string", "enum": ["alloy", "ash"]}]},
                {"type": "object", "required": ["id"], "properties": {"id": STRING}},
            ]
        },
    },
}


def _post(operation_id: str, content: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {
        "post": {
            "operationId": operation_id,
            "requestBody": {"required": True, "content": content},
            "responses": OK,
            **rest,
        }
    }


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "bodies", "version": "1"},
    "paths": {
        "/echo/pets": _post(
            "pets", {"application/json": {"schema": {"$ref": "#/components/schemas/Pets"}}}
        ),
        "/echo/named": _post(
            "named",
            {
                "application/json": {"schema": NAMED},
                "application/x-www-form-urlencoded": {"schema": NAMED},
                "multipart/form-data": {"schema": NAMED},
                "application/xml": {"schema": NAMED},
            },
        ),
        "/echo/upload": _post(
            "upload",
            {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "meta": {"type": "object", "properties": {"lang": STRING}},
                            "avatar": BINARY,
                            "docs": {"type": "array", "items": BINARY},
                            "note": STRING,
                        },
                    },
                    "encoding": {
                        "avatar": {"contentType": "image/png"},
                        "note": {"contentType": "text/markdown"},
                        "docs": {"contentType": "application/pdf, image/*"},
                    },
                }
            },
        ),
        "/echo/form": _post(
            "form",
            {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "colors": {"type": "array", "items": STRING},
                            "next": STRING,
                            "filter": {"type": "object", "additionalProperties": STRING},
                        },
                    },
                    "encoding": {
                        "colors": {"style": "pipeDelimited", "explode": False},
                        "next": {"allowReserved": True},
                        "filter": {"style": "deepObject", "explode": True},
                    },
                }
            },
        ),
        "/echo/limits/{id}": {
            "get": {
                "operationId": "limits",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                    {
                        "name": "size",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer", "maximum": 100},
                    },
                    {
                        "name": "sort",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["asc", "desc"]},
                    },
                ],
                "responses": OK,
            }
        },
    },
    "components": {
        "schemas": {
            "Pets": PETS,
            "Cat": {
                "type": "object",
                "required": ["kind", "lives"],
                "properties": {"kind": STRING, "lives": {"type": "integer", "maximum": 9}},
            },
            "Dog": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": STRING, "bark": STRING},
            },
        }
    },
}


@pytest.fixture(scope="module")
def plans() -> dict[str, OperationPlan]:
    found = {}
    for document in (SPEC, SWAGGER):
        for plan in plan_api(autoui.load_spec(document)).operations:
            found[plan.api_name] = plan
    return found


@pytest.fixture(scope="module")
def backend() -> Iterator[tuple[str, FastAPI]]:
    app = echo_app()
    with serve_asgi(app) as url:
        yield url, app


def send(backend: tuple[str, FastAPI], plan: OperationPlan, **values: Any) -> dict[str, Any]:
    """Send for real; what the echo backend saw."""
    reply = Dispatcher(backend[0], uploads=[tempfile.gettempdir()]).call(plan, values)
    assert reply.error is None, reply.error
    assert reply.status == 200 and isinstance(reply.data, dict)
    return reply.data


def body_of(echoed: dict[str, Any]) -> bytes:
    return base64.b64decode(echoed["body"])


def parts_of(echoed: dict[str, Any]) -> list[tuple[str, str | None, str | None, bytes]]:
    return [
        (p["name"], p["filename"], p["content_type"], base64.b64decode(p["data"]))
        for p in echoed["parts"]
    ]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("uploads")
    png = folder / "me.png"
    png.write_bytes(png_bytes())
    pdf = folder / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4 one")
    txt = folder / "b.txt"
    txt.write_bytes(b"two")
    return {"png": png, "pdf": pdf, "txt": txt}


# --- variants, tables, key/value maps ------------------------------------------------------


def test_only_the_chosen_variant_is_sent_with_its_discriminator(backend, plans) -> None:
    values = {"name": "Tom", "pet_variant": "dog", "pet_dog_bark": "woof", "pet_cat_lives": 3}
    echoed = send(backend, plans["pets"], **values)
    assert echoed["content_type"] == "application/json"
    # The cat's `lives`, typed before switching to "dog", is not sent.
    assert json.loads(body_of(echoed)) == {"name": "Tom", "pet": {"kind": "dog", "bark": "woof"}}


def test_the_default_variant_is_sent_as_an_object_with_its_discriminator(backend, plans) -> None:
    echoed = send(backend, plans["pets"], name="Tom")
    assert json.loads(body_of(echoed)) == {"name": "Tom", "pet": {"kind": "cat"}}


def test_a_text_or_a_list_is_one_text_box_and_a_typed_list_is_sent_as_one(backend, plans) -> None:
    plan = plans["pets"]
    assert plan.field_by_param("content").component == "texts"
    sent = [
        json.loads(body_of(send(backend, plan, name="a", content=value)))["content"]
        for value in ("hello", '["x", "y"]', ["x", "y"], "[not JSON] as it is")
    ]
    assert sent == ["hello", ["x", "y"], ["x", "y"], "[not JSON] as it is"]


def test_a_name_or_an_object_sends_a_name_as_text_and_a_typed_object_as_one(backend, plans) -> None:
    plan = plans["pets"]
    sent = [
        json.loads(body_of(send(backend, plan, name="a", voice=value)))["voice"]
        for value in ("alloy", "my-own", ' {"id": "voice_1"}', {"id": "voice_2"})
    ]
    assert sent == ["alloy", "my-own", {"id": "voice_1"}, {"id": "voice_2"}]
    reply = Dispatcher(backend[0]).call(plan, {"name": "a", "voice": '{"id": '})
    assert reply.error is not None and reply.error.startswith("voice: not valid JSON")
    reply = Dispatcher(backend[0]).call(plan, {"name": "a", "voice": "{}"})
    assert reply.error is None  # an empty object is a value (the schema check says `id`)


def test_table_rows_and_key_value_rows_become_a_list_of_objects_and_an_object(
    backend, plans
) -> None:
    echoed = send(
        backend,
        plans["pets"],
        name="Tom",
        # As gr.Dataframe(type="array") gives them: strings where the user typed, a
        # trailing empty row, and an empty cell that leaves its property out.
        toys=[["ball", "2.5", True], ["rope", "", False], ["", "", None]],
        labels=[["age", "3"], ["legs", 4], ["", ""]],
    )
    sent = json.loads(body_of(echoed))
    assert sent["toys"] == [
        {"toy": "ball", "price": 2.5, "squeaks": True},
        {"toy": "rope"},  # an unticked box in an optional column is not given
    ]
    assert sent["labels"] == {"age": 3, "legs": 4}


def test_table_and_map_from_gradio_client_are_taken_as_given(backend, plans) -> None:
    echoed = send(backend, plans["pets"], name="T", toys=[{"toy": "ball"}], labels={"age": 3})
    assert json.loads(body_of(echoed))["toys"] == [{"toy": "ball"}]
    assert json.loads(body_of(echoed))["labels"] == {"age": 3}


def test_a_bad_table_cell_names_row_and_column(backend, plans) -> None:
    reply = Dispatcher(backend[0]).call(plans["pets"], {"name": "T", "toys": [["a", "cheap"]]})
    assert reply.error == "toys, row 1, price: 'cheap' is not a number"


# --- media type choice ---------------------------------------------------------------------


def test_send_as_json_form_multipart_or_xml(backend, plans) -> None:
    plan = plans["named"]
    values = {"name": "Ada", "count": 2, "colors": ["red", "dark blue"]}
    as_json = send(backend, plan, **values)
    as_form = send(backend, plan, send_as="application/x-www-form-urlencoded", **values)
    as_parts = send(backend, plan, send_as="multipart/form-data", **values)
    as_xml = send(
        backend, plan, send_as="application/xml", xml_body="<named><name>Ada</name></named>"
    )
    assert json.loads(body_of(as_json)) == {
        "name": "Ada",
        "count": 2,
        "colors": ["red", "dark blue"],
    }
    assert body_of(as_form) == b"name=Ada&count=2&colors=red&colors=dark%20blue"
    assert [(n, c, d) for n, _, c, d in parts_of(as_parts)] == [
        ("name", None, b"Ada"),
        ("count", None, b"2"),
        ("colors", None, b"red"),
        ("colors", None, b"dark blue"),
    ]
    assert as_xml["content_type"] == "application/xml"
    assert body_of(as_xml) == b"<named><name>Ada</name></named>"


def test_a_media_type_the_body_does_not_offer_is_refused(backend, plans) -> None:
    reply = Dispatcher(backend[0]).call(plans["named"], {"name": "A", "send_as": "text/csv"})
    assert reply.status is None
    assert reply.error is not None and reply.error.startswith("send as: 'text/csv' is not one of")


def test_alternatives_that_only_require_properties_leave_one_object_of_fields(backend) -> None:
    """urlbox: an object whose `oneOf` says which of its properties is required (`url`
    or `html`). It was a selector between two text boxes, each sent as the whole body."""
    render = {
        "type": "object",
        "properties": {"url": STRING, "html": STRING, "width": {"type": "integer"}},
        "oneOf": [{"required": ["url"]}, {"required": ["html"]}],
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "render", "version": "1"},
        "paths": {"/echo/render": _post("render", {"application/json": {"schema": render}})},
    }
    (plan,) = plan_api(autoui.load_spec(document)).operations
    assert [(f.api_param, f.component) for f in plan.fields] == [
        ("url", "textbox"),
        ("html", "textbox"),
        ("width", "number"),
    ]
    assert json.loads(body_of(send(backend, plan, html="<p>hi</p>"))) == {"html": "<p>hi</p>"}
    assert check(plan, {"html": "<p>hi</p>"}) == []
    # Neither: the check before sending names the first alternative's property.
    assert check(plan, {"width": 3}) == [Issue("url", "required", "a value is required")]


# --- multipart and forms -------------------------------------------------------------------


def test_multipart_parts_carry_their_encoding_content_type(backend, plans, files) -> None:
    echoed = send(
        backend,
        plans["upload"],
        meta='{"lang": "fr"}',
        avatar={"path": str(files["png"]), "orig_name": "me.png"},
        docs=[str(files["pdf"]), str(files["txt"])],
        note="# hi",
    )
    assert parts_of(echoed) == [
        ("meta", None, "application/json", b'{"lang": "fr"}'),
        ("avatar", "me.png", "image/png", files["png"].read_bytes()),
        # `application/pdf, image/*` names no one type: each file keeps its own.
        ("docs", "a.pdf", "application/pdf", b"%PDF-1.4 one"),
        ("docs", "b.txt", "text/plain", b"two"),
        ("note", None, "text/markdown", b"# hi"),
    ]


def test_a_required_multipart_body_with_no_part_set_is_sent_empty(backend, plans) -> None:
    """exude-api's `/exude/{type}/file`: a required multipart body whose one property is
    optional. With nothing set, the request went out with no body (and Prism refused it:
    "Body parameter is required"); it is an empty multipart body."""
    echoed = send(backend, plans["upload"])
    assert echoed["content_type"].startswith("multipart/form-data; boundary=")
    boundary = echoed["content_type"].split("boundary=", 1)[1]
    assert body_of(echoed) == f"--{boundary}--\r\n".encode()
    assert parts_of(echoed) == []


def test_form_fields_follow_their_encoding_styles_and_allow_reserved(backend, plans) -> None:
    echoed = send(
        backend,
        plans["form"],
        colors=["red", "blue"],
        next="/a?b=c",
        filter=[["size", "L"], ["fit", "slim"]],
    )
    assert body_of(echoed) == (
        b"colors=red%7Cblue&next=/a?b%3Dc&filter%5Bsize%5D=L&filter%5Bfit%5D=slim"
    )
    assert echoed["form"] == [
        ["colors", "red|blue"],
        ["next", "/a?b=c"],
        ["filter[size]", "L"],
        ["filter[fit]", "slim"],
    ]


def test_swagger_2_collection_formats_in_path_header_and_form_data(backend, plans, files) -> None:
    echoed = send(
        backend,
        plans["items"],
        ids=[1, 2],
        X_Tags=None,
        x_tags=["a", "b c"],
        colors=["red", "blue"],
        sizes=[1, 2],
        doc=str(files["txt"]),
    )
    assert echoed["raw_path"] == "/echo/items/1%202"
    assert echoed["headers"]["x-tags"] == "a|b c"
    assert [(n, f, d) for n, f, _, d in parts_of(echoed)] == [
        ("colors", None, b"red,blue"),  # csv: one part
        ("sizes", None, b"1"),  # multi: one part each
        ("sizes", None, b"2"),
        ("doc", "b.txt", b"two"),
    ]


# --- checks before sending -----------------------------------------------------------------


def test_check_names_each_field_and_rule(plans) -> None:
    issues = check(
        plans["pets"],
        {
            "name": "Tom",
            "born": "2024-13-01",
            "pet_cat_lives": 12,
            "toys": [["ball", "-1"], ["", "3"]],
        },
    )
    assert issues == [
        Issue("born", "format", "'2024-13-01' is not a 'date'"),
        Issue("pet.lives", "maximum", "12 is greater than the maximum of 9"),
        Issue("toys.1.toy", "required", "a value is required"),
    ]


def test_check_passes_a_valid_request_and_ignores_read_only_required(plans) -> None:
    # `Pets.id` is readOnly: it is left out of the form and not demanded by the check.
    assert check(plans["pets"], {"name": "Tom", "born": "2024-02-29", "pet_cat_lives": 9}) == []


def test_check_parameters_and_missing_required_ones(plans) -> None:
    issues = check(plans["limits"], {"id": 3, "size": 500, "sort": "up"})
    assert issues == [
        Issue("size (query)", "maximum", "500 is greater than the maximum of 100"),
        Issue("sort (query)", "enum", "'up' is not one of ['asc', 'desc']"),
    ]
    assert check(plans["limits"], {"id": 3}) == [
        Issue("size (query)", "required", "a value is required")
    ]


def test_check_reports_a_value_that_cannot_be_sent_at_all(plans) -> None:
    assert check(plans["upload"], {"meta": "{oops"}) == [
        Issue(
            "meta",
            "value",
            "not valid JSON (line 1, column 2: Expecting property name enclosed in double quotes)",
        )
    ]


def test_check_of_a_swagger_2_document(plans, files) -> None:
    assert check(plans["items"], {"ids": [1], "doc": str(files["txt"])}) == []
    assert check(plans["items"], {"ids": ["x"], "doc": str(files["txt"])}) == [
        Issue("ids (path)", "value", "'x' is not a number")
    ]
    assert check(plans["items"], {"ids": [1]}) == [Issue("doc", "required", "a value is required")]


def _optional_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A document of one operation whose JSON body is optional."""
    operation = _post("store", {"application/json": {"schema": schema}})
    operation["post"]["requestBody"]["required"] = False
    return {"openapi": "3.0.3", "info": {"title": "store", "version": "1"},
            "paths": {"/echo/store": operation}}  # fmt: skip


def test_a_required_object_with_nothing_set_in_an_optional_body_is_sent_empty(backend) -> None:
    """Adyen's `storeDetail` (and `/transfers`' `source`): an optional body whose required
    `recurring` object requires none of its own fields. With the body sent and nothing
    set in `recurring`, it was left out, and the check before sending refused the body
    ("recurring: a value is required"); it goes out as `{}`. The optional `address`
    with nothing set stays out, and with nothing set at all no body is sent."""
    schema = {
        "type": "object",
        "required": ["merchantAccount", "recurring"],
        "properties": {
            "merchantAccount": STRING,
            "recurring": {"type": "object", "properties": {"contract": STRING}},
            "address": {"type": "object", "properties": {"city": STRING}},
        },
    }
    (plan,) = plan_api(autoui.load_spec(_optional_body(schema))).operations
    assert check(plan, {"merchantAccount": "m"}) == []
    echoed = send(backend, plan, merchantAccount="m")
    assert json.loads(body_of(echoed)) == {"merchantAccount": "m", "recurring": {}}
    assert body_of(send(backend, plan)) == b""


def test_a_required_object_that_requires_fields_is_named_when_they_are_not_set(backend) -> None:
    """The same with a `recurring` that requires `contract`: the message names the field
    to fill in (the object is not silently dropped)."""
    recurring = {"type": "object", "required": ["contract"], "properties": {"contract": STRING}}
    schema = {
        "type": "object",
        "required": ["recurring"],
        "properties": {"merchantAccount": STRING, "recurring": recurring},
    }
    (plan,) = plan_api(autoui.load_spec(_optional_body(schema))).operations
    assert check(plan, {"merchantAccount": "m"}) == [
        Issue("recurring.contract", "required", "a value is required")
    ]
    assert check(plan, {"merchantAccount": "m", "recurring_contract": "ONECLICK"}) == []


def test_a_base64_file_is_not_checked_by_its_empty_stand_in(backend, files) -> None:
    """Adyen's TerminalAPI `APDUData`: `contentEncoding: base64` with `pattern: ^.+$`.
    The check before sending judges a stand-in file with no bytes (it reads no file), so
    it refused every upload ("'' does not match '^.+$'"); the encoded text goes out."""
    data = {"type": "string", "contentEncoding": "base64", "pattern": "^.+$", "maxLength": 9}
    schema = {"type": "object", "required": ["data"], "properties": {"data": data}}
    document = {
        "openapi": "3.1.0",
        "info": {"title": "apdu", "version": "1"},
        "paths": {"/echo/apdu": _post("apdu", {"application/json": {"schema": schema}})},
    }
    (plan,) = plan_api(autoui.load_spec(document)).operations
    (field,) = plan.fields
    assert field.encoding == "base64"
    assert check(plan, {"data": str(files["txt"])}) == []
    echoed = send(backend, plan, data=str(files["txt"]))
    assert json.loads(body_of(echoed)) == {"data": base64.b64encode(b"two").decode()}


# --- the raw body ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "content_type", "body"),
    [
        pytest.param('{"a": [1, 2]}', "application/json", b'{"a": [1, 2]}', id="json-text"),
        pytest.param("plain words", "text/plain; charset=utf-8", b"plain words", id="text"),
        pytest.param(
            {"content_type": "application/xml", "text": "<a>é</a>"},
            "application/xml",
            "<a>é</a>".encode(),
            id="typed-content-type",
        ),
    ],
)
def test_a_raw_body_is_sent_as_given_in_place_of_the_declared_one(
    backend, plans, given, content_type, body
) -> None:
    plan = plans["pets"]  # a required JSON body whose fields are left empty
    assert check(plan, {RAW_BODY_PARAM: given}) == []  # the API judges a raw body
    reply = Dispatcher(backend[0]).call(plan, {RAW_BODY_PARAM: given})
    assert reply.ok, reply.error
    assert (reply.data["content_type"], body_of(reply.data)) == (content_type, body)
    assert reply.notes == ["the raw body was sent, in place of the form's body fields"]


def test_a_raw_body_from_a_file_keeps_its_type_and_name(backend, plans, files) -> None:
    raw = {RAW_BODY_PARAM: {"content_type": "", "file": str(files["pdf"])}}
    refused = Dispatcher(backend[0]).call(plans["pets"], raw)  # no upload folder: no file
    assert refused.error is not None and "is not a file uploaded to this page" in refused.error
    reply = Dispatcher(backend[0], uploads=[tempfile.gettempdir()]).call(plans["pets"], raw)
    assert reply.ok, reply.error
    assert (reply.data["content_type"], body_of(reply.data)) == ("application/pdf", b"%PDF-1.4 one")
    assert reply.request is not None
    assert "--data-binary @a.pdf" in curl_command(reply.request)


def test_an_empty_raw_body_leaves_the_form_to_make_the_body(backend, plans) -> None:
    empty = {"content_type": "text/plain", "text": "", "file": None}
    echoed = send(backend, plans["named"], name="Ada", **{RAW_BODY_PARAM: empty})
    assert json.loads(body_of(echoed)) == {"name": "Ada"}


def test_a_raw_body_that_cannot_be_sent_is_one_line(backend, plans) -> None:
    assert check(plans["named"], {"name": "Ada", RAW_BODY_PARAM: 5}) == [
        Issue("raw body", "value", "expected text, or {content_type, text or file}")
    ]
    bad_type = {"content_type": "text/plain\r\nX-Admin: 1", "text": "hi"}
    reply = Dispatcher(backend[0]).call(plans["named"], {"name": "Ada", RAW_BODY_PARAM: bad_type})
    assert reply.error == "raw body: a content type is one line"
