"""The dispatcher against real loopback backends: what goes over the wire, what comes back.

Every plan here is built the way the app builds it (an OpenAPI dict -> `load_spec` ->
`plan_api`), every request is really sent, and the echo backend (`support.echo`) reports
what it received exactly as a server sees it: raw path, raw query, headers, body bytes.
Nothing about the backend is mocked.
"""

from __future__ import annotations

import base64
import json
import string
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support.echo import PDF_BYTES, echo_app, png_bytes, recorder_app
from support.servers import free_port, serve_asgi

import autoui
from autoui.dispatcher import Dispatcher, Options, Reply
from autoui.mapper import OperationPlan, plan_api


def _op(operation_id: str, responses: dict[str, Any] | None = None, **rest: Any) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "responses": responses or {"200": {"description": "OK"}},
        **rest,
    }


def _param(name: str, where: str, schema: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "schema": schema, **rest}


def _json_reply(properties: dict[str, Any]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties}
    return {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}


def _body(media_type: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"required": required, "content": {media_type: {"schema": schema}}}


_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": _STRING}
_BINARY = {"type": "string", "format": "binary"}

JSON_BODY = {
    "type": "object",
    "required": ["prompt", "options"],
    "properties": {
        "prompt": _STRING,
        "count": {"type": "integer"},
        "temperature": {"type": "number"},
        "stream": {"type": "boolean"},
        "echo": {"type": "boolean", "default": False},
        "options": {
            "type": "object",
            "required": ["mode"],
            "properties": {
                "mode": _STRING,
                "top": {"type": "object", "properties": {"k": {"type": "integer"}}},
            },
        },
        "tags": _STRINGS,
        "meta": {"type": "object", "additionalProperties": True},
        "image": _STRING,
    },
}

SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "echo", "version": "1"},
    "paths": {
        "/echo/items/{item}": {
            "get": _op("path_param", parameters=[_param("item", "path", _STRING, required=True)])
        },
        "/echo/search": {
            "get": _op(
                "query_params",
                parameters=[
                    _param("tags", "query", _STRINGS),
                    _param(
                        "ids",
                        "query",
                        {"type": "array", "items": {"type": "integer"}},
                        explode=False,
                    ),
                    _param(
                        "filter",
                        "query",
                        {
                            "type": "object",
                            "properties": {"color": _STRING, "size": {"type": "integer"}},
                        },
                        style="deepObject",
                        explode=True,
                    ),
                    _param("words", "query", _STRINGS, style="spaceDelimited", explode=False),
                    _param("next", "query", _STRING, allowReserved=True),
                    _param("q", "query", _STRING),
                ],
            )
        },
        "/echo/headers": {
            "get": _op(
                "header_cookie",
                parameters=[
                    _param("X-Trace-Id", "header", _STRING),
                    _param("x-team", "header", _STRING),
                    _param("session", "cookie", _STRING),
                    _param("theme", "cookie", _STRING),
                ],
            )
        },
        "/echo/json": {
            "post": _op(
                "json_body", requestBody=_body("application/json", JSON_BODY, required=True)
            )
        },
        "/echo/form": {
            "post": _op(
                "form_body",
                requestBody=_body(
                    "application/x-www-form-urlencoded",
                    {
                        "type": "object",
                        "properties": {
                            "name": _STRING,
                            "count": {"type": "integer"},
                            "tags": _STRINGS,
                        },
                    },
                ),
            )
        },
        "/echo/upload": {
            "post": _op(
                "multipart_body",
                requestBody=_body(
                    "multipart/form-data",
                    {
                        "type": "object",
                        "properties": {
                            "title": _STRING,
                            "file": _BINARY,
                            "attachments": {"type": "array", "items": _BINARY},
                            "meta": {"type": "object", "properties": {"lang": _STRING}},
                            "count": {"type": "integer"},
                        },
                    },
                ),
            )
        },
        "/echo/raw": {
            "put": _op("raw_body", requestBody=_body("application/octet-stream", _BINARY))
        },
        "/echo/picture": {"put": _op("picture_body", requestBody=_body("image/*", _BINARY))},
        "/echo/text": {"post": _op("text_body", requestBody=_body("text/plain", _STRING))},
        "/hi": {
            "get": _op("hi", _json_reply({"response": _STRING, "tokens": {"type": "integer"}}))
        },
        "/renamed": {
            "get": _op("renamed", _json_reply({"response": _STRING, "tokens": {"type": "integer"}}))
        },
        "/describe": {"get": _op("describe")},
        "/image": {
            "get": _op(
                "image",
                {
                    "200": {
                        "description": "a picture",
                        "content": {"image/png": {"schema": _BINARY}},
                    }
                },
            )
        },
        "/report": {
            "get": _op(
                "report",
                {
                    "200": {
                        "description": "a PDF",
                        "content": {"application/pdf": {"schema": _BINARY}},
                    }
                },
            )
        },
        "/boom": {"get": _op("boom", _json_reply({"response": _STRING}))},
        "/generate": {
            "post": _op(
                "generate",
                _json_reply({"response": _STRING}),
                requestBody=_body(
                    "application/json",
                    {
                        "type": "object",
                        "required": ["prompt"],
                        "properties": {"prompt": _STRING, "max_tokens": {"type": "integer"}},
                    },
                    required=True,
                ),
            )
        },
        "/html-error": {"get": _op("html_error", _json_reply({"response": _STRING}))},
        "/not-json": {"get": _op("not_json", _json_reply({"response": _STRING}))},
        "/bad-json": {"get": _op("bad_json", _json_reply({"response": _STRING}))},
        "/slow": {"get": _op("slow")},
        "/slow-body": {"get": _op("slow_body")},
        "/set-cookie": {"get": _op("set_cookie")},
        "/redirect-home": {
            "get": _op("redirect_home"),
            "post": _op(
                "redirect_home_post",
                requestBody=_body(
                    "application/json", {"type": "object", "properties": {"prompt": _STRING}}
                ),
            ),
        },
        "/redirect-away": {
            "get": _op("redirect_away", parameters=[_param("to", "query", _STRING, required=True)])
        },
        "/redirect-307": {"post": _op("redirect_307", requestBody=_body("text/plain", _STRING))},
        "/redirect-loop": {"get": _op("redirect_loop")},
        "/gone": {"delete": _op("gone", {"204": {"description": "deleted"}})},
        "/resume": {
            "get": _op(
                "resume",
                {
                    "200": {
                        "description": "a PDF",
                        "content": {"application/pdf": {"schema": _BINARY}},
                    }
                },
            )
        },
    },
}


@pytest.fixture(scope="module")
def plans() -> dict[str, OperationPlan]:
    """The real plans for SPEC, by api_name (= operationId)."""
    app_plan = plan_api(autoui.load_spec(SPEC))
    return {plan.api_name: plan for plan in app_plan.operations}


@pytest.fixture(scope="module")
def backend() -> Iterator[tuple[str, FastAPI]]:
    """The echo backend on a loopback port: (base URL, app with `state.seen`)."""
    app = echo_app()
    with serve_asgi(app) as url:
        yield url, app


@pytest.fixture(scope="module")
def other_origin() -> Iterator[tuple[str, FastAPI]]:
    """A second server on another port: another origin, which records what reaches it."""
    app = recorder_app()
    with serve_asgi(app) as url:
        yield url, app


@pytest.fixture
def base(backend: tuple[str, FastAPI]) -> str:
    return backend[0]


@pytest.fixture
def seen(backend: tuple[str, FastAPI]) -> list[dict[str, Any]]:
    """What the echo backend received so far (each test sees the list as it grows)."""
    return backend[1].state.seen  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def png_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("files") / "red square.png"
    path.write_bytes(png_bytes((5, 4)))
    return path


# The files these tests send are made in the temporary folder: uploads, to the dispatcher.
UPLOADS = [tempfile.gettempdir()]


def send(base: str, plans: dict[str, OperationPlan], api_name: str, /, **values: Any) -> Reply:
    return Dispatcher(base, uploads=UPLOADS).call(plans[api_name], values)


def wire(reply: Reply) -> dict[str, Any]:
    """What the echo backend saw, from its reply; fails clearly if there was none."""
    assert reply.error is None, reply.error
    assert reply.status == 200, reply.summary()
    assert isinstance(reply.data, dict)
    return reply.data


def body_bytes(echoed: dict[str, Any]) -> bytes:
    return base64.b64decode(echoed["body"])


def body_json(echoed: dict[str, Any]) -> Any:
    assert echoed["content_type"] == "application/json"
    return json.loads(body_bytes(echoed))


def assert_not_sent(seen: list[dict[str, Any]], before: int, reply: Reply) -> None:
    """The dispatcher refused before sending: the backend saw nothing, the reply no status."""
    assert len(seen) == before
    assert reply.status is None
    assert not reply.ok


# Path parameters


def test_path_value_is_percent_encoded_into_one_segment(base, plans) -> None:
    echoed = wire(send(base, plans, "path_param", item="a b/c"))
    assert echoed["raw_path"] == "/echo/items/a%20b%2Fc"
    assert echoed["path"] == "/echo/items/a b/c"


def test_path_traversal_stays_inside_its_segment(base, plans) -> None:
    echoed = wire(send(base, plans, "path_param", item="../../admin"))
    assert echoed["raw_path"] == "/echo/items/..%2F..%2Fadmin"


@pytest.mark.parametrize("dots", [".", ".."])
def test_dot_segments_are_refused_naming_the_field(base, plans, seen, dots) -> None:
    before = len(seen)
    reply = send(base, plans, "path_param", item=dots)
    assert reply.error == f"item (path): {dots!r} would change the path, not fill it in"
    assert_not_sent(seen, before, reply)


@pytest.mark.parametrize("empty", [None, ""])
def test_required_path_value_left_empty_is_refused(base, plans, seen, empty) -> None:
    before = len(seen)
    reply = send(base, plans, "path_param", item=empty)
    assert reply.error == "item (path): a value is required (it is part of the URL path)"
    assert_not_sent(seen, before, reply)


# Query parameters


def test_query_styles_on_the_wire(base, plans) -> None:
    echoed = wire(
        send(
            base,
            plans,
            "query_params",
            tags=["a b", "c&d"],  # form, explode: repeated
            ids="1, 2, 3",  # form, no explode: comma-joined; typed as text in a list widget
            filter='{"color": "red", "size": 2}',  # deepObject, from the JSON editor
            words=["hello", "big world"],  # spaceDelimited
            next="/a/b?c=d&e=f",  # allowReserved: / and ? stay raw; & and = are still encoded
            q=None,  # left empty: absent
        )
    )
    assert echoed["raw_query"] == (
        "tags=a%20b&tags=c%26d"
        "&ids=1,2,3"
        "&filter%5Bcolor%5D=red&filter%5Bsize%5D=2"
        "&words=hello%20big%20world"
        "&next=/a/b?c%3Dd%26e%3Df"
    )
    assert echoed["query"] == [
        ["tags", "a b"],
        ["tags", "c&d"],
        ["ids", "1,2,3"],
        ["filter[color]", "red"],
        ["filter[size]", "2"],
        ["words", "hello big world"],
        ["next", "/a/b?c=d&e=f"],
    ]


def test_empty_optional_query_values_are_left_out(base, plans) -> None:
    echoed = wire(send(base, plans, "query_params", tags=[], ids="", filter="", q=""))
    assert echoed["raw_query"] == ""


def test_integer_query_array_item_that_is_not_an_integer_is_refused(base, plans, seen) -> None:
    before = len(seen)
    reply = send(base, plans, "query_params", ids="1, 2.5")
    assert reply.error == "ids (query): 2.5 is not an integer"
    assert_not_sent(seen, before, reply)


# Header and cookie parameters


def test_header_and_cookie_parameters(base, plans) -> None:
    echoed = wire(
        send(base, plans, "header_cookie", x_trace_id="abc 123", session="s p;a=c", theme="dark")
    )
    assert echoed["headers"]["x-trace-id"] == "abc 123"
    # Cookie values are percent-encoded so `;`, `=` and spaces cannot break the syntax.
    assert echoed["headers"]["cookie"] == "session=s%20p%3Ba%3Dc; theme=dark"
    assert echoed["cookies"] == {"session": "s%20p%3Ba%3Dc", "theme": "dark"}


@pytest.mark.parametrize("evil", ["abc\r\nX-Admin: 1", "abc\nX-Admin: 1", "abc\r"])
def test_header_injection_is_refused_naming_the_header(base, plans, seen, evil) -> None:
    before = len(seen)
    reply = send(base, plans, "header_cookie", x_trace_id=evil)
    assert reply.error is not None
    assert reply.error.startswith("X-Trace-Id (header): value contains the control character")
    assert_not_sent(seen, before, reply)


def test_extra_dispatcher_headers_are_sent(base, plans, seen) -> None:
    dispatcher = Dispatcher(
        base, Options(headers={"Authorization": "Bearer t0k", "X-Team": "blue"})
    )
    echoed = wire(dispatcher.call(plans["header_cookie"], {"x_trace_id": "t-1"}))
    assert seen[-1]["headers"]["authorization"] == "Bearer t0k"
    assert seen[-1]["headers"]["x-team"] == "blue"
    assert echoed["headers"]["x-trace-id"] == "t-1"
    # The operator's values are not shown to the page user, even where the API echoes them.
    assert echoed["headers"]["authorization"] == echoed["headers"]["x-team"] == "<redacted>"


def test_a_header_typed_in_the_form_wins_over_the_dispatchers_own(base, plans, seen) -> None:
    """`--header 'X-Team: cli'` is a default; the operation's `x-team` field, when the
    user fills it, is what they meant, whatever the case of either name."""
    dispatcher = Dispatcher(base, Options(headers={"X-Team": "cli"}))
    echoed = wire(dispatcher.call(plans["header_cookie"], {"x_team": "form"}))
    assert echoed["headers"]["x-team"] == "form"
    wire(dispatcher.call(plans["header_cookie"], {"x_team": None}))
    assert seen[-1]["headers"]["x-team"] == "cli"


# JSON bodies


def test_json_body_flat_nested_and_omitted_fields(base, plans) -> None:
    echoed = wire(
        send(
            base,
            plans,
            "json_body",
            prompt="Bonjour ☃",
            count=3.0,
            temperature=None,
            stream="",
            echo=False,
            options_mode="fast",
            options_top_k=None,
            tags="",
            meta="",
            image=None,
        )
    )
    # count 3.0 (a gr.Number) is sent as the integer 3; the empty optional fields are not
    # sent at all (no "" or null): `stream` is "not set" (its three choices give ""),
    # while `echo` is false, and false is sent.
    assert body_json(echoed) == {
        "prompt": "Bonjour ☃",
        "count": 3,
        "echo": False,
        "options": {"mode": "fast"},
    }
    assert echoed["method"] == "POST"


def test_json_body_dotted_fields_build_nested_objects(base, plans) -> None:
    echoed = wire(
        send(
            base,
            plans,
            "json_body",
            prompt="p",
            options_mode="slow",
            options_top_k=5.0,
            stream=True,
            tags="a, b",
            meta='{"user": {"id": 7}, "flags": [1, 2]}',
            temperature=0.25,
        )
    )
    assert body_json(echoed) == {
        "prompt": "p",
        "temperature": 0.25,
        "stream": True,
        "options": {"mode": "slow", "top": {"k": 5}},
        "tags": ["a", "b"],
        "meta": {"user": {"id": 7}, "flags": [1, 2]},
    }


def test_json_body_required_objects_are_sent_even_when_empty(base, plans) -> None:
    echoed = wire(send(base, plans, "json_body", prompt="only this"))
    assert body_json(echoed) == {"prompt": "only this", "options": {}}


def test_non_integer_for_integer_field_is_refused(base, plans, seen) -> None:
    before = len(seen)
    reply = send(base, plans, "json_body", prompt="p", count=2.5)
    assert reply.error == "count: 2.5 is not an integer"
    assert_not_sent(seen, before, reply)


def test_invalid_json_editor_text_names_field_line_and_column(base, plans, seen) -> None:
    before = len(seen)
    reply = send(base, plans, "json_body", prompt="p", meta='{\n  "a": 1,\n  "b": }')
    assert reply.error == "meta: not valid JSON (line 3, column 8: Expecting value)"
    assert_not_sent(seen, before, reply)


def test_image_field_sends_base64_of_the_file_bytes(base, plans, png_file) -> None:
    echoed = wire(send(base, plans, "json_body", prompt="p", image=str(png_file)))
    sent = body_json(echoed)["image"]
    assert base64.b64decode(sent, validate=True) == png_file.read_bytes()


def test_image_field_accepts_gradio_file_data(base, plans, png_file) -> None:
    file_data = {
        "path": str(png_file),
        "orig_name": "cat.png",
        "meta": {"_type": "gradio.FileData"},
    }
    echoed = wire(send(base, plans, "json_body", prompt="p", image=file_data))
    assert body_json(echoed)["image"] == base64.b64encode(png_file.read_bytes()).decode()


def test_missing_image_file_is_refused(base, plans, seen, tmp_path) -> None:
    before = len(seen)
    reply = send(base, plans, "json_body", prompt="p", image=str(tmp_path / "gone.png"))
    assert reply.error is not None
    assert reply.error.startswith("image: cannot read the file")
    assert_not_sent(seen, before, reply)


# Form, multipart, binary and text bodies


def test_form_urlencoded_body(base, plans) -> None:
    echoed = wire(send(base, plans, "form_body", name="Ada & co=1+1", count=3.0, tags=["x y", "z"]))
    assert echoed["content_type"] == "application/x-www-form-urlencoded"
    assert body_bytes(echoed) == b"name=Ada%20%26%20co%3D1%2B1&count=3&tags=x%20y&tags=z"
    assert echoed["form"] == [
        ["name", "Ada & co=1+1"],
        ["count", "3"],
        ["tags", "x y"],
        ["tags", "z"],
    ]


def test_multipart_body_with_a_file_and_a_json_part(base, plans, png_file) -> None:
    file_data = {"path": str(png_file), "orig_name": "cat.png"}
    echoed = wire(
        send(
            base,
            plans,
            "multipart_body",
            title="Über",
            file=file_data,
            meta='{"lang": "en"}',
            count=2.0,
        )
    )
    assert echoed["content_type"].startswith("multipart/form-data; boundary=")
    parts = {part["name"]: part for part in echoed["parts"]}
    assert list(parts) == ["title", "file", "meta", "count"]
    assert parts["file"]["filename"] == "cat.png"
    assert parts["file"]["content_type"] == "image/png"
    assert base64.b64decode(parts["file"]["data"]) == png_file.read_bytes()
    assert parts["meta"]["filename"] is None
    assert parts["meta"]["content_type"] == "application/json"
    assert json.loads(base64.b64decode(parts["meta"]["data"])) == {"lang": "en"}
    assert base64.b64decode(parts["title"]["data"]) == "Über".encode()
    assert base64.b64decode(parts["count"]["data"]) == b"2"


def test_multipart_file_from_a_plain_path_keeps_its_name(base, plans, png_file) -> None:
    echoed = wire(send(base, plans, "multipart_body", file=str(png_file)))
    (part,) = echoed["parts"]
    assert (part["name"], part["filename"], part["content_type"]) == (
        "file",
        "red square.png",
        "image/png",
    )


def test_multipart_array_of_files_is_one_part_per_file(base, plans, png_file, tmp_path) -> None:
    """An array of `format: binary` items is a multi-file upload: one part per file."""
    notes = tmp_path / "notes.txt"
    notes.write_bytes(b"line 1\nline 2\n")
    plan = plans["multipart_body"]
    field = plan.field_by_param("attachments")
    assert (field.component, field.encoding) == ("file", "file")
    dispatcher = Dispatcher(base, uploads=UPLOADS)
    echoed = wire(dispatcher.call(plan, {"attachments": [str(png_file), str(notes)]}))
    assert [(p["name"], p["filename"], p["content_type"]) for p in echoed["parts"]] == [
        ("attachments", "red square.png", "image/png"),
        ("attachments", "notes.txt", "text/plain"),
    ]
    assert base64.b64decode(echoed["parts"][1]["data"]) == b"line 1\nline 2\n"


def test_octet_stream_body_is_the_file_bytes(base, plans, png_file) -> None:
    echoed = wire(send(base, plans, "raw_body", body=str(png_file)))
    assert echoed["method"] == "PUT"
    assert echoed["content_type"] == "application/octet-stream"
    assert body_bytes(echoed) == png_file.read_bytes()


def test_wildcard_media_type_body_is_sent_as_the_files_own_type(base, plans, png_file) -> None:
    echoed = wire(send(base, plans, "picture_body", body=str(png_file)))
    assert echoed["content_type"] == "image/png"
    assert body_bytes(echoed) == png_file.read_bytes()


def test_text_plain_body(base, plans) -> None:
    echoed = wire(send(base, plans, "text_body", body="héllo ☃\nline 2"))
    assert echoed["content_type"] == "text/plain; charset=utf-8"
    assert body_bytes(echoed) == "héllo ☃\nline 2".encode()


# Replies


def test_primary_field_of_a_json_reply(base, plans) -> None:
    reply = send(base, plans, "hi")
    assert (reply.ok, reply.status, reply.kind, reply.primary) == (True, 200, "textbox", "hi")
    assert reply.data == {"response": "hi", "tokens": 1}
    assert reply.media_type == "application/json"


def test_declared_field_missing_at_run_time_falls_back_to_the_runtime_rule(base, plans) -> None:
    assert plans["renamed"].outputs[0].field == "response"
    reply = send(base, plans, "renamed")
    assert (reply.ok, reply.kind, reply.primary) == (True, "textbox", "forty-two")


def test_reply_without_schema_shows_the_description(base, plans) -> None:
    assert plans["describe"].outputs[0].component == "auto"
    reply = send(base, plans, "describe")
    assert (reply.ok, reply.kind, reply.primary) == (True, "textbox", "a red square")


def test_image_reply(base, plans) -> None:
    reply = send(base, plans, "image")
    assert (reply.ok, reply.kind, reply.media_type) == (True, "image", "image/png")
    assert reply.primary == png_bytes()


def test_pdf_reply_is_a_file_with_its_name(base, plans) -> None:
    reply = send(base, plans, "report")
    assert (reply.ok, reply.kind, reply.filename) == (True, "file", "report 7.pdf")
    assert reply.primary == PDF_BYTES


def test_file_name_in_rfc_5987_form(base, plans) -> None:
    reply = send(base, plans, "resume")
    assert (reply.ok, reply.kind, reply.filename) == (True, "file", "résumé.pdf")


def test_empty_reply_is_empty_text_not_an_empty_file(base, plans) -> None:
    reply = send(base, plans, "gone")
    assert (reply.ok, reply.status, reply.kind, reply.primary) == (True, 204, "textbox", "")
    assert reply.method == "DELETE"


def test_reply_over_the_size_cap_is_refused(base, plans) -> None:
    reply = Dispatcher(base, Options(max_reply_bytes=100)).call(
        plans["text_body"], {"body": "x" * 500}
    )
    assert reply.status == 200
    size = int(reply.headers["content-length"])  # the echo of a 500-byte body, and more
    assert reply.error == f"the reply would be {size:,} bytes, over the 100-byte limit; not read"


def test_server_error_shows_fastapi_detail(base, plans) -> None:
    reply = send(base, plans, "boom")
    assert reply.status == 500
    assert reply.error == "HTTP 500 Internal Server Error: boom"


def test_fastapi_validation_error_names_the_field(base, plans) -> None:
    reply = send(base, plans, "generate", prompt=None, max_tokens=4)
    assert reply.status == 422
    assert reply.error == "HTTP 422 Unprocessable Entity: prompt: Field required"


def test_fastapi_validation_error_for_a_constraint_names_the_field(base, plans) -> None:
    reply = send(base, plans, "generate", prompt="hello", max_tokens=0)
    assert reply.error == (
        "HTTP 422 Unprocessable Entity: max_tokens: Input should be greater than or equal to 1"
    )


def test_fastapi_handler_answer(base, plans) -> None:
    reply = send(base, plans, "generate", prompt="abcdef", max_tokens=3.0)
    assert (reply.ok, reply.kind, reply.primary) == (True, "textbox", "abc")


def test_html_error_page_is_shown_as_text(base, plans) -> None:
    reply = send(base, plans, "html_error")
    assert reply.status == 502
    assert reply.error == (
        "HTTP 502 Bad Gateway: 502 Bad Gateway The upstream model server did not answer."
    )


def test_text_where_json_was_promised_is_an_error(base, plans) -> None:
    reply = send(base, plans, "not_json")
    assert reply.status == 200
    assert reply.error == (
        "the API promised JSON but sent text/plain: 'Traceback (most recent call last): oops'"
    )
    assert reply.primary == "Traceback (most recent call last): oops"


def test_broken_json_is_an_error(base, plans) -> None:
    reply = send(base, plans, "bad_json")
    assert reply.status == 200
    assert reply.error is not None
    assert reply.error.startswith("the API promised JSON but sent something else (")
    assert '\'{"response": "cut off\'' in reply.error


def test_connection_refused(plans) -> None:
    port = free_port()
    reply = Dispatcher(f"http://127.0.0.1:{port}").call(plans["hi"], {})
    assert reply.status is None
    assert reply.error == (
        f"cannot reach the API at http://127.0.0.1:{port}: connection refused. Is it running?"
    )


def test_timeout_before_the_reply(base, plans) -> None:
    reply = Dispatcher(base, Options(timeout=0.5)).call(plans["slow"], {})
    assert reply.status is None
    assert reply.error == f"no answer from {base} within 0.5 s (raise it with --timeout)"


def test_timeout_in_the_middle_of_the_body(base, plans) -> None:
    """The timeout bounds the whole call, body included (see tests/dispatcher/test_faults.py)."""
    reply = Dispatcher(base, Options(timeout=0.5)).call(plans["slow_body"], {})
    assert reply.error == (
        f"the reply from {base} was still arriving after 0.5 s (raise it with --timeout)"
    )


def test_redirect_within_the_origin_is_followed(base, plans) -> None:
    reply = send(base, plans, "redirect_home")
    echoed = wire(reply)
    assert (echoed["method"], echoed["raw_path"], echoed["raw_query"]) == (
        "GET",
        "/echo/landed",
        "from=home",
    )
    assert reply.url == f"{base}/redirect-home"


def test_redirect_after_post_becomes_a_get_without_body(base, plans) -> None:
    echoed = wire(send(base, plans, "redirect_home_post", prompt="secret"))
    assert (echoed["method"], echoed["raw_path"]) == ("GET", "/echo/landed")
    assert body_bytes(echoed) == b""
    assert echoed["content_type"] == ""


def test_307_redirect_repeats_the_request_with_its_body(base, plans) -> None:
    echoed = wire(send(base, plans, "redirect_307", body="same again"))
    assert (echoed["method"], echoed["raw_path"]) == ("POST", "/echo/landed")
    assert body_bytes(echoed) == b"same again"
    assert echoed["content_type"] == "text/plain; charset=utf-8"


def test_redirect_loop_ends_with_a_message(base, plans) -> None:
    reply = send(base, plans, "redirect_loop")
    assert reply.error == "more than 10 redirects"


def test_redirect_to_another_origin_is_not_followed(base, plans, other_origin) -> None:
    other, app = other_origin
    dispatcher = Dispatcher(base, Options(headers={"Authorization": "Bearer t0k"}))
    reply = dispatcher.call(plans["redirect_away"], {"to": f"{other}/steal?x=1"})
    assert reply.status == 302
    assert reply.error == (
        f"HTTP 302: the API redirected to {other}/steal?x=1, outside {base}; not followed"
    )
    assert app.state.seen == []


def test_cookies_set_by_one_reply_are_not_sent_on_the_next_call(base, plans) -> None:
    dispatcher = Dispatcher(base)
    first = dispatcher.call(plans["set_cookie"], {})
    assert first.ok
    assert "session=user-a-secret" in first.headers["set-cookie"]
    echoed = wire(dispatcher.call(plans["header_cookie"], {"theme": "dark"}))
    assert echoed["headers"]["cookie"] == "theme=dark"
    assert echoed["cookies"] == {"theme": "dark"}
    echoed = wire(dispatcher.call(plans["path_param"], {"item": "x"}))
    assert "cookie" not in echoed["headers"]


# Properties: any text reaches the backend exactly as typed

_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(string.printable + "%+/?#&=;,.~ é☃\u00a0"), st.characters(codec="utf-8")
    ),
    min_size=1,
    max_size=30,
)


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(item=_TEXT, q=_TEXT)
def test_any_text_round_trips_through_path_and_query(base, plans, item, q) -> None:
    assume(item not in (".", ".."))
    echoed = wire(send(base, plans, "path_param", item=item))
    assert echoed["path"] == "/echo/items/" + item
    echoed = wire(send(base, plans, "query_params", q=q))
    assert echoed["query"] == [["q", q]]
