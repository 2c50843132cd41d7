"""Requests exactly as the spec says, where real specs caught autoui out (issue 19: the
corpus run against Stoplight Prism's validating mock, `benchmarks/conformance.py`).

Each case goes the way an API caller's request goes: gradio_client calls the operation's
endpoint on an autoui app served on loopback, and the echo backend (tests/support/echo.py)
reports what arrived on the wire.

- A media range (`application/*+json`, `text/*`) is not a Content-Type: a request carries
  a concrete type of its family, `application/json` when the spec lists it.
- `false` is a value: an optional boolean given as False is sent, and the form offers
  "not set", "true" and "false" for it.
- A header named `API Key` cannot be sent, and `Content-Length` is the HTTP client's: such
  a parameter is reported at load and left out with a note.
- A field of a media type or alternative the caller did not choose (`xml_body` beside a
  JSON body) is not a required keyword.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from gradio_client import Client
from support.echo import echo_app
from support.servers import serve_asgi, serve_gradio

from autoui import load_spec
from autoui.app import build_app
from autoui.builder.form import header_markdown
from autoui.dispatcher.checks import check
from autoui.mapper import plan_api

OK = {"200": {"description": "OK"}}
STRING = {"type": "string"}
NAMED = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}


def _post(operation_id: str, content: dict[str, Any], required: bool = True) -> dict[str, Any]:
    body = {"required": required, "content": content}
    return {"post": {"operationId": operation_id, "requestBody": body, "responses": OK}}


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "requests", "version": "1"},
    "paths": {
        # As ASP.NET publishes it: a patch type and a media range before application/json.
        "/echo/aspnet": _post(
            "aspnet",
            {
                "application/json-patch+json": {"schema": NAMED},
                "application/*+json": {"schema": NAMED},
                "application/json": {"schema": NAMED},
                "text/json": {"schema": NAMED},
            },
        ),
        "/echo/range": _post("range", {"application/*+json": {"schema": NAMED}}),
        "/echo/any-text": _post("any_text", {"text/*": {"schema": {"type": "string"}}}),
        "/echo/flags": {
            "post": {
                "operationId": "flags",
                "parameters": [{"name": "dry", "in": "query", "schema": {"type": "boolean"}}],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "active": {"type": "boolean"},
                                    "note": {"type": "string"},
                                },
                            }
                        }
                    }
                },
                "responses": OK,
            }
        },
        # Twilio's shape: an optional form body whose `HasEmbeddedPhone` is required.
        "/echo/optional-body": _post(
            "optional_body",
            {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["HasEmbeddedPhone"],
                        "properties": {
                            "HasEmbeddedPhone": {"type": "boolean"},
                            "FriendlyName": {"type": "string"},
                        },
                    }
                }
            },
            required=False,
        ),
        "/echo/keys": {
            "get": {
                "operationId": "keys",
                "parameters": [
                    {"name": "API Key", "in": "header", "schema": {"type": "string"}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    {"name": "my session", "in": "cookie", "schema": {"type": "string"}},
                    {"name": "Content-Length", "in": "header", "schema": {"type": "integer"}},
                ],
                "responses": OK,
            }
        },
        "/echo/named": _post(
            "named",
            {"application/json": {"schema": NAMED}, "application/xml": {"schema": NAMED}},
        ),
        # Path keys as real documents write them: a variable no parameter declares
        # (LocalAI), a fragment telling operations apart (AWS), a query in the key (icons8).
        "/echo/jobs/{uuid}": {"get": {"operationId": "job", "responses": OK}},
        # The open inference protocol's generate_rest.yaml writes `${MODEL_NAME}`.
        "/echo/models/${MODEL_NAME}/generate": {
            "get": {
                "operationId": "generate",
                "parameters": [
                    {"name": "MODEL_NAME", "in": "path", "required": True, "schema": {}}
                ],
                "responses": OK,
            }
        },
        # webscraping.ai: a query object named `headers`, a keyword of gradio_client's own.
        "/echo/scrape": {
            "get": {
                "operationId": "scrape",
                "parameters": [
                    {
                        "name": "headers",
                        "in": "query",
                        "style": "deepObject",
                        "explode": True,
                        "schema": {"type": "object", "additionalProperties": STRING},
                    }
                ],
                "responses": OK,
            }
        },
        "/echo/aws#X-Amz-Target=Tags.List": {
            "get": {
                "operationId": "aws_tags",
                "parameters": [
                    {"name": "MaxResults", "in": "query", "schema": {"type": "integer"}}
                ],
                "responses": OK,
            }
        },
        "/echo/icons?platform={platform}": {
            "get": {
                "operationId": "icons",
                "parameters": [
                    {"name": "platform", "in": "path", "required": True, "schema": STRING},
                    {"name": "amount", "in": "query", "schema": {"type": "integer"}},
                ],
                "responses": OK,
            }
        },
        "/echo/pay": _post(
            "pay",
            {
                "application/json": {
                    "schema": {
                        "oneOf": [
                            {
                                "title": "Card",
                                "type": "object",
                                "required": ["number"],
                                "properties": {"number": {"type": "string"}},
                            },
                            {
                                "title": "Iban",
                                "type": "object",
                                "required": ["iban"],
                                "properties": {"iban": {"type": "string"}},
                            },
                        ]
                    }
                }
            },
        ),
    },
}


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Client, FastAPI]]:
    """(a gradio_client on the autoui app of SPEC, the echo backend behind it)."""
    backend = echo_app()
    with serve_asgi(backend) as base, serve_gradio(build_app(SPEC, base_url=base)) as url:
        # download_files=False: the echo's reply has a "path" key (see the README's pitfall)
        yield Client(url, verbose=False, download_files=False), backend


def call(served: tuple[Client, FastAPI], api_name: str, **values: Any) -> dict[str, Any]:
    """What the echo backend saw for one call through gradio_client."""
    client, backend = served
    before = len(backend.state.seen)
    client.predict(api_name=f"/{api_name}", **values)
    assert len(backend.state.seen) == before + 1
    seen: dict[str, Any] = backend.state.seen[-1]
    return seen


def body_of(seen: dict[str, Any]) -> bytes:
    return base64.b64decode(seen["body"])


# --- media ranges ----------------------------------------------------------------------------


def test_application_json_is_preferred_over_its_kin_and_ranges(served) -> None:
    seen = call(served, "aspnet", name="Ada")
    assert seen["content_type"] == "application/json"
    assert json.loads(body_of(seen)) == {"name": "Ada"}


def test_a_media_range_is_sent_as_a_concrete_type_of_its_family(served) -> None:
    assert call(served, "range", name="Ada")["content_type"] == "application/json"
    seen = call(served, "any_text", body="plain words")
    assert seen["content_type"] == "text/plain; charset=utf-8"
    assert body_of(seen) == b"plain words"


def test_the_send_as_choice_of_a_range_sends_a_concrete_type(served) -> None:
    seen = call(served, "aspnet", name="Ada", send_as="application/*+json")
    assert seen["content_type"] == "application/json"


# --- false -------------------------------------------------------------------------------------


def test_false_given_by_an_api_caller_is_sent(served) -> None:
    seen = call(served, "flags", dry=False, active=False)
    assert seen["query"] == [("dry", "false")]
    assert json.loads(body_of(seen)) == {"active": False}


def test_a_boolean_not_given_is_not_sent(served) -> None:
    seen = call(served, "flags", note="n")
    assert seen["query"] == []
    assert json.loads(body_of(seen)) == {"note": "n"}


def test_false_fills_a_required_property_of_an_optional_body(served) -> None:
    seen = call(served, "optional_body", HasEmbeddedPhone=False, FriendlyName="desk")
    assert seen["form"] == [("HasEmbeddedPhone", "false"), ("FriendlyName", "desk")]


def test_an_optional_boolean_offers_not_set_true_and_false() -> None:
    plan = next(op for op in plan_api(load_spec(SPEC)).operations if op.api_name == "flags")
    fields = {f.api_param: f for f in plan.fields}
    assert (fields["dry"].component, fields["active"].component) == ("tristate", "tristate")
    demo = build_app(SPEC, base_url="http://127.0.0.1:9")
    radios = [b for b in demo.blocks.values() if getattr(b, "elem_id", "") == "in-body-active"]
    assert len(radios) == 1
    config = radios[0].get_config()
    assert config["choices"] == [("not set", ""), ("true", "true"), ("false", "false")]
    assert config["value"] == ""


# --- header names --------------------------------------------------------------------------


def test_an_illegal_header_name_is_a_problem_at_load_and_left_out(served) -> None:
    api = load_spec(SPEC)
    problems = [str(p) for p in api.problems]
    assert (
        "#/paths/~1echo~1keys/get: header parameter 'API Key': not a valid header name "
        "(RFC 9110 token: letters, digits and !#$%&'*+-.^_`|~ only), so it cannot be sent; "
        "left out of the requests"
    ) in problems
    assert any("cookie parameter 'my session'" in p for p in problems)
    assert (
        "#/paths/~1echo~1keys/get: header parameter 'Content-Length': set by the HTTP client "
        "from the request itself, so it is not a field; left out of the requests"
    ) in problems
    plan = next(op for op in plan_api(api).operations if op.api_name == "keys")
    assert [f.api_param for f in plan.fields] == ["x_trace"]
    assert "header parameter 'API Key'" in plan.notes[0]
    assert "header parameter 'API Key'" in header_markdown(plan)
    seen = call(served, "keys", x_trace="t1")
    assert seen["headers"]["x-trace"] == "t1"
    assert not any(" " in name for name in seen["headers"])
    assert "cookie" not in seen["headers"]


def test_inspect_reports_the_illegal_header_name(tmp_path: Path) -> None:
    spec = tmp_path / "keys.json"
    spec.write_text(json.dumps(SPEC))
    result = subprocess.run(
        [sys.executable, "-m", "autoui", "inspect", str(spec), "--base-url", "http://x.test"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "note: header parameter 'API Key': not a valid header name" in result.stdout
    assert "warning: #/paths/~1echo~1keys/get: header parameter 'API Key'" in result.stdout


# --- path keys as documents write them ------------------------------------------------------


def test_a_path_variable_without_a_parameter_is_a_required_string(served) -> None:
    problems = [str(p) for p in load_spec(SPEC).problems]
    assert (
        "#/paths/~1echo~1jobs~1{uuid}/get: path variables without a parameter: {uuid}; each "
        "is read as a required string"
    ) in problems
    assert call(served, "job", uuid="j 1")["raw_path"] == "/echo/jobs/j%201"


def test_a_shell_style_path_variable_is_sent_without_its_dollar(served) -> None:
    assert call(served, "generate", MODEL_NAME="tiny-llm")["raw_path"] == (
        "/echo/models/tiny-llm/generate"
    )
    assert any(
        "the path key writes ${MODEL_NAME} (a shell variable, not OpenAPI's template)" in str(p)
        for p in load_spec(SPEC).problems
    )


def test_a_parameter_named_as_a_gradio_client_keyword_gets_another_name(served) -> None:
    """gradio_client's predict takes `headers` (HTTP headers for its own request): a field
    of that name took them, and non-ASCII keys failed with "'ascii' codec can't encode"."""
    seen = call(served, "scrape", headers_={"Accept-Language": "fr"})
    assert seen["raw_query"] == "headers%5BAccept-Language%5D=fr"


def test_a_fragment_in_a_path_key_is_not_sent_and_keeps_no_query(served) -> None:
    seen = call(served, "aws_tags", MaxResults=5)
    assert (seen["raw_path"], seen["raw_query"]) == ("/echo/aws", "MaxResults=5")
    assert any(
        "the path key holds a fragment ('#X-Amz-Target=Tags.List')" in str(p)
        for p in load_spec(SPEC).problems
    )


def test_a_query_in_a_path_key_is_followed_by_the_query_parameters(served) -> None:
    seen = call(served, "icons", platform="ios", amount=5)
    assert (seen["raw_path"], seen["raw_query"]) == ("/echo/icons", "platform=ios&amount=5")
    assert any(
        "the path key holds a query ('?platform={platform}')" in str(p)
        for p in load_spec(SPEC).problems
    )


# --- the keywords a caller must give ----------------------------------------------------------


def test_a_field_of_another_media_type_is_not_a_required_keyword(served) -> None:
    seen = call(served, "named", name="Ada")  # no xml_body: JSON is sent
    assert json.loads(body_of(seen)) == {"name": "Ada"}
    # and no JSON `name` when XML is chosen
    seen = call(served, "named", send_as="application/xml", xml_body="<n>Ada</n>")
    assert (seen["content_type"], body_of(seen)) == ("application/xml", b"<n>Ada</n>")


def test_a_field_of_another_alternative_is_not_a_required_keyword(served) -> None:
    seen = call(served, "pay", body_variant="Card", body_card_number="4242")
    assert json.loads(body_of(seen)) == {"number": "4242"}
    seen = call(served, "pay", body_variant="Iban", body_iban_iban="DE89")
    assert json.loads(body_of(seen)) == {"iban": "DE89"}


def test_the_chosen_field_is_still_required(served) -> None:
    client, backend = served
    before = len(backend.state.seen)
    with pytest.raises(Exception, match="body: the request body is required"):
        client.predict(send_as="application/xml", api_name="/named")
    with pytest.raises(Exception, match="iban: a value is required"):
        client.predict(body_variant="Iban", api_name="/pay")
    assert len(backend.state.seen) == before


def test_a_swagger_2_body_without_a_media_type_is_sent_as_json_and_reported() -> None:
    body = [{"in": "body", "name": "pet", "schema": {"type": "object"}}]
    document: dict[str, Any] = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "host": "api.test",
        "paths": {
            "/none": {"post": {"parameters": body, "responses": OK}},
            "/cleared": {"post": {"consumes": [], "parameters": body, "responses": OK}},
        },
    }
    api = load_spec(document)
    assert [str(p) for p in api.problems] == [
        "#/paths/~1none/post: a body parameter but no media type in consumes: sent as "
        "application/json",
        "#/paths/~1cleared/post: a body parameter but no media type in consumes: sent as "
        "application/json",
    ]
    assert [list(op.body.content) for op in api.operations if op.body] == [
        ["application/json"],
        ["application/json"],
    ]
    cleared = load_spec({**document, "consumes": ["application/xml"]}).problems
    assert [str(p) for p in cleared] == [
        "#/paths/~1cleared/post: a body parameter but no media type in consumes: sent as "
        "application/xml"
    ]


# --- readOnly properties a request leaves out, however the spec says they are readOnly -----


def test_a_required_property_read_only_through_a_ref_is_not_demanded() -> None:
    """ijenko.net's `FunctionalityNew` requires `class`, a `$ref` to a readOnly string:
    the form leaves it out (a request must not send it), so the check must not demand it
    (Prism accepted the request the check refused)."""
    spec = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "host": "x.test",
        "consumes": ["application/json"],
        "paths": {
            "/things": {
                "post": {
                    "operationId": "make",
                    "parameters": [
                        {
                            "in": "body",
                            "name": "b",
                            "required": True,
                            "schema": {"$ref": "#/definitions/New"},
                        }
                    ],
                    "responses": {"200": {"description": "OK"}},
                }
            }
        },
        "definitions": {
            "New": {
                "type": "object",
                "required": ["class", "name"],
                "properties": {
                    "class": {"$ref": "#/definitions/Class"},
                    "name": {"type": "string"},
                },
            },
            "Class": {"type": "string", "readOnly": True},
        },
    }
    (plan,) = plan_api(load_spec(spec)).operations
    assert [f.name for f in plan.fields] == ["name"]
    assert check(plan, {"name": "lamp"}) == []
    assert [(i.where, i.rule) for i in check(plan, {})] == [("name", "required")]
