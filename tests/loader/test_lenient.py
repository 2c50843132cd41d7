"""Real specs' mistakes, read the way their authors meant them, each with a warning that
`autoui inspect` lists, and what then goes over the wire (the echo backend).

The mistakes come from httpbin's spec (tests/support/httpbin_spec.json) and the corpus
(`../shared/specs`): see `autoui.loader.lenient` and `autoui.schemas.normalize`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from support.echo import echo_app
from support.servers import serve_asgi

import autoui
from autoui.dispatcher import Dispatcher
from autoui.ir import Api
from autoui.mapper import OperationPlan, plan_api
from autoui.report import text_report

INFO = {"title": "t", "version": "1"}


def swagger(paths: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {"swagger": "2.0", "info": INFO, "host": "api.test", "paths": paths, **rest}


def openapi(version: str, paths: dict[str, Any], **rest: Any) -> dict[str, Any]:
    servers = [{"url": "http://api.test"}]
    return {"openapi": version, "info": INFO, "servers": servers, "paths": paths, **rest}


def get(*parameters: dict[str, Any], op_id: str = "op") -> dict[str, Any]:
    return {
        "get": {
            "operationId": op_id,
            "parameters": list(parameters),
            "responses": {"200": {"description": "OK"}},
        }
    }


def warnings(api: Api) -> list[str]:
    return [str(p) for p in api.problems if p.severity == "warning"]


def only(api: Api) -> OperationPlan:
    (plan,) = plan_api(api).operations
    return plan


@pytest.fixture(scope="module")
def echo() -> Iterator[str]:
    with serve_asgi(echo_app()) as url:
        yield url


def test_a_swagger2_header_with_schema_is_text_and_sent_as_typed(echo: str) -> None:
    """httpbin's `/bearer`: `in: header, schema: {type: string}`, which 2.0 does not
    allow; it was read as having no schema, a JSON editor that refused `Bearer abc123`."""
    header = {"in": "header", "name": "Authorization", "schema": {"type": "string"}}
    api = autoui.load_spec(swagger({"/echo/bearer": get(header)}))
    (field,) = only(api).fields
    assert (field.component, field.value_type) == ("textbox", "string")
    assert warnings(api) == [
        "#/paths/~1echo~1bearer/get/parameters/0: parameter 'Authorization': a Swagger 2.0 "
        "parameter outside the body has its type on itself, not in `schema` (that is "
        "OpenAPI 3's way): read from `schema`"
    ]
    reply = Dispatcher(echo).call(only(api), {field.api_param: "Bearer abc123"})
    assert reply.ok, reply.error
    assert reply.data["headers"]["authorization"] == "Bearer abc123"


def test_a_swagger2_query_object_with_schema_keeps_its_style(echo: str) -> None:
    """httpbin's `freeform`: an object of strings, `style: form, explode: true`."""
    freeform = {
        "in": "query",
        "name": "freeform",
        "schema": {"type": "object", "additionalProperties": {"type": "string"}},
        "style": "form",
        "explode": True,
    }
    api = autoui.load_spec(swagger({"/echo/cookies/set": get(freeform)}))
    (field,) = only(api).fields
    assert field.component == "keyvalue"
    reply = Dispatcher(echo).call(only(api), {field.api_param: [["a", "1"], ["b", "two"]]})
    assert reply.ok, reply.error
    assert reply.data["raw_query"] == "a=1&b=two"


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(
            swagger({"/echo/cache": get({"in": "header", "name": "If-None-Match"})}), id="2.0"
        ),
        pytest.param(
            openapi("3.0.3", {"/echo/cache": get({"in": "header", "name": "If-None-Match"})}),
            id="3.0",
        ),
    ],
)
def test_a_parameter_without_a_type_is_text(echo: str, document: dict[str, Any]) -> None:
    api = autoui.load_spec(document)
    (field,) = only(api).fields
    assert (field.component, field.rule) == ("textbox", "untyped_parameter")
    assert warnings(api) == [
        "#/paths/~1echo~1cache/get/parameters/0: parameter 'If-None-Match' declares no type: "
        "read as text"
    ]
    reply = Dispatcher(echo).call(only(api), {field.api_param: '"abc", W/"x"'})
    assert reply.data["headers"]["if-none-match"] == '"abc", W/"x"'


def test_an_untyped_but_valid_parameter_schema_is_text_without_a_warning() -> None:
    param = {"in": "query", "name": "q", "schema": {"description": "anything"}}
    api = autoui.load_spec(openapi("3.1.0", {"/s": get(param)}))
    assert only(api).fields[0].component == "textbox"
    assert warnings(api) == []


@pytest.mark.parametrize("written", ["int", "Integer", "long"])
def test_a_type_name_that_is_not_json_schemas_is_mended(echo: str, written: str) -> None:
    n = {"in": "path", "name": "n", "type": written, "required": True}
    api = autoui.load_spec(swagger({"/echo/bytes/{n}": get(n)}))
    (field,) = only(api).fields
    assert (field.component, field.value_type) == ("number", "integer")
    assert warnings(api) == [
        f"#/paths/~1echo~1bytes~1{{n}}/get/parameters/0: parameter 'n': type {written!r} is "
        "not a JSON Schema type: read as integer"
    ]
    assert Dispatcher(echo).call(only(api), {"n": 7}).data["path"] == "/echo/bytes/7"


def test_path_parameters_are_required_whatever_they_say() -> None:
    optional = {"in": "path", "name": "a", "type": "string", "required": False}
    silent = {"in": "path", "name": "b", "type": "string"}
    api = autoui.load_spec(swagger({"/x/{a}/{b}": get(optional, silent)}))
    assert [f.required for f in only(api).fields] == [True, True]
    assert warnings(api) == [
        "#/paths/~1x~1{a}~1{b}/get/parameters/0: path parameter 'a' has required: false, but "
        "a path cannot leave it out: read as required",
        "#/paths/~1x~1{a}~1{b}/get/parameters/1: path parameter 'b' has no `required: true`, "
        "but a path cannot leave it out: read as required",
    ]


def test_a_path_name_no_parameter_declares_is_a_required_text_field(echo: str) -> None:
    """httpbin's `/anything/{anything}` declares no parameter: `{anything}` was sent as is."""
    api = autoui.load_spec(swagger({"/echo/anything/{anything}": get()}))
    (field,) = only(api).fields
    assert (field.name, field.location, field.required, field.component) == (
        "anything",
        "path",
        True,
        "textbox",
    )
    assert warnings(api) == [
        "#/paths/~1echo~1anything~1{anything}/get: path variables without a parameter: "
        "{anything}; each is read as a required string"
    ]
    assert Dispatcher(echo).call(only(api), {"anything": "a b"}).data["raw_path"] == (
        "/echo/anything/a%20b"
    )


def _body_op(schema: dict[str, Any], media_type: str = "application/json") -> dict[str, Any]:
    return {
        "post": {
            "operationId": "op",
            "requestBody": {"content": {media_type: {"schema": schema}}},
            "responses": {"200": {"description": "OK"}},
        }
    }


def test_type_file_in_openapi_3_is_a_file_upload() -> None:
    upload = {"$ref": "#/components/schemas/Upload"}
    components = {
        "schemas": {"Upload": {"type": "object", "properties": {"data": {"type": "file"}}}}
    }
    document = openapi(
        "3.1.0", {"/up": _body_op(upload, "multipart/form-data")}, components=components
    )
    api = autoui.load_spec(document)
    (field,) = only(api).fields
    assert (field.component, field.encoding) == ("file", "file")
    assert warnings(api)[-1] == (
        "#/components/schemas/Upload/properties/data: `type: file` is Swagger 2.0's: read as "
        "a binary string (format: binary)"
    )


def test_nullable_in_openapi_3_1_makes_a_field_optional() -> None:
    schema = {
        "type": "object",
        "required": ["n"],
        "properties": {"n": {"type": "integer", "nullable": True}},
    }
    api = autoui.load_spec(openapi("3.1.0", {"/n": _body_op(schema)}))
    (field,) = only(api).fields
    assert (field.component, field.required) == ("number", False)
    assert warnings(api)[-1] == (
        "#/paths/~1n/post/requestBody/content/application~1json/schema/properties/n: "
        "`nullable` is OpenAPI 3.0's (3.1 writes `type: [T, 'null']`): read as allowing null"
    )


def test_inspect_lists_the_warnings() -> None:
    api = autoui.load_spec(swagger({"/x/{a}": get({"in": "path", "name": "a", "type": "int"})}))
    report = text_report(plan_api(api), "http://x")
    assert "warning: #/paths/~1x~1{a}/get/parameters/0: parameter 'a': type 'int'" in report


def test_a_definition_with_a_wrong_type_name_is_read_and_checked_as_meant() -> None:
    """The check before sending reads the document itself: `int` must not stop it."""
    from autoui.dispatcher.checks import check

    body = {"in": "body", "name": "b", "schema": {"$ref": "#/definitions/D"}}
    count = {"type": "object", "properties": {"n": {"type": "int", "maximum": 5}}}
    document = swagger(
        {"/p": {"post": {"parameters": [body], "responses": {"200": {"description": "OK"}}}}},
        definitions={"D": count},
    )
    api = autoui.load_spec(document)
    plan = only(api)
    assert [(f.api_param, f.component) for f in plan.fields] == [("n", "number")]
    assert check(plan, {"n": 3}) == []
    assert [str(i) for i in check(plan, {"n": 7})] == [
        "n: 7 is greater than the maximum of 5 (maximum)"
    ]
    assert warnings(api)[-1] == (
        "#/definitions/D/properties/n: type 'int' is not a JSON Schema type: read as integer"
    )


def test_a_swagger2_parameter_without_a_type_keeps_what_it_says() -> None:
    choice = {"in": "query", "name": "order", "enum": ["asc", "desc"]}
    api = autoui.load_spec(swagger({"/x": get(choice)}))
    (field,) = only(api).fields
    assert (field.component, field.choices) == ("dropdown", ["asc", "desc"])
    assert warnings(api) == ["#/paths/~1x/get/parameters/0: parameter 'order' declares no type"]


def test_an_authorization_parameter_beside_a_scheme_is_warned_and_wins_when_given() -> None:
    """zenoti.com: a `basic` scheme and, in 66 operations, an optional `Authorization`
    header parameter (its key, `apikey ...`, goes there): two ways to say one header.
    The parameter's value is sent in place of the scheme's credential, and inspect says so."""
    from support.echo import recorder_app

    from autoui.dispatcher.auth import Authenticator
    from autoui.dispatcher.credentials import startup_secrets
    from autoui.dispatcher.sessions import SessionStore

    header = {"in": "header", "name": "Authorization", "type": "string"}
    document = swagger(
        {"/a": get(header, op_id="a"), "/b": get(header, op_id="b")},
        securityDefinitions={"API Key": {"type": "basic"}},
        security=[{"API Key": []}],
    )
    api = autoui.load_spec(document)
    assert warnings(api) == [
        "#/paths/~1a/get: header parameter 'Authorization' and security scheme 'API Key' "
        "both set this header (2 operations): a value given for the parameter replaces "
        "the scheme's credential"
    ]
    assert "both set this header" in text_report(plan_api(api), "http://x")
    plan = plan_api(api).operations[0]
    (field,) = plan.fields
    backend = recorder_app()
    with serve_asgi(backend) as url:
        secrets = startup_secrets(api, {"API Key": "user:pw"})
        auth = Authenticator(api, SessionStore(), startup=secrets, base_url=url)
        dispatcher = Dispatcher(url, auth=auth)
        assert dispatcher.call(plan, {field.api_param: "apikey k-123"}, "tab").ok
        assert dispatcher.call(plan, {}, "tab").ok
    sent = [seen["headers"]["authorization"] for seen in backend.state.seen]
    assert sent == ["apikey k-123", "Basic dXNlcjpwdw=="]  # base64 of user:pw


def test_no_warning_for_a_header_parameter_no_scheme_of_its_operation_sets() -> None:
    key = {"in": "header", "name": "X-Key", "type": "string"}
    document = swagger(
        {"/a": get(key, op_id="a"), "/b": {"get": {**get(key)["get"], "security": []}}},
        securityDefinitions={
            "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            "basic": {"type": "basic"},
        },
        security=[{"basic": []}],
    )
    assert warnings(autoui.load_spec(document)) == []


def test_a_path_parameter_the_path_key_does_not_hold_is_left_out(echo: str) -> None:
    """The schema tests' operation example: `petId` in the path of `/pets/{id}`. The form
    asked for a required `petId` that no request could carry (and dropped it)."""
    pet_id = {"in": "path", "name": "petId", "required": True, "schema": {"type": "string"}}
    api = autoui.load_spec(openapi("3.1.0", {"/echo/pets/{id}": get(pet_id)}))
    assert [(f.name, f.location) for f in only(api).fields] == [("id", "path")]
    assert warnings(api) == [
        "#/paths/~1echo~1pets~1{id}/get: path parameter 'petId' is not in the path key "
        "'/echo/pets/{id}', so a request has nowhere to put it: left out",
        "#/paths/~1echo~1pets~1{id}/get: path variables without a parameter: {id}; each is "
        "read as a required string",
    ]
    assert Dispatcher(echo).call(only(api), {"id": "7"}).data["raw_path"] == "/echo/pets/7"


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(
            swagger(
                {
                    "/echo/m": get(
                        {"in": "query", "name": "start", "type": "number", "format": "int64"}
                    )
                }
            ),
            id="2.0 parameter",
        ),
        pytest.param(
            openapi(
                "3.0.3",
                {
                    "/echo/m": get(
                        {
                            "in": "query",
                            "name": "start",
                            "schema": {"type": "number", "format": "int32"},
                        }
                    )
                },
            ),
            id="3.0 schema",
        ),
    ],
)
def test_a_number_with_an_integer_format_is_an_integer(echo: str, document: dict[str, Any]) -> None:
    """mailhog's `start` (`type: number, format: int64`): Prism refused 1.5 by its format;
    the field takes whole numbers and the value goes out as one."""
    api = autoui.load_spec(document)
    (field,) = only(api).fields
    assert field.value_type == "integer"
    assert any("`type: number` with `format: int" in w for w in warnings(api)), warnings(api)
    assert Dispatcher(echo).call(only(api), {field.api_param: 7}).data["raw_query"] == "start=7"


def test_a_list_of_types_before_3_1_is_read_and_checked_as_any_of_them() -> None:
    """stoplight.io's `specData: {type: [object, string]}` in Swagger 2.0: the check
    before sending crashed on it ("unhashable type: 'list'") and refused every request."""
    from autoui.dispatcher.checks import check

    body = {
        "in": "body",
        "name": "body",
        "schema": {
            "type": "object",
            "properties": {"specData": {"type": ["object", "string"]}},
        },
    }
    api = autoui.load_spec(swagger({"/publish": {"post": {**get(body)["get"]}}}))
    plan = only(api)
    (field,) = plan.fields
    assert check(plan, {field.api_param: '"a text"'}) == []
    assert check(plan, {field.api_param: '{"openapi": "3.0.0"}'}) == []
    (issue,) = check(plan, {field.api_param: "5"})
    assert (issue.where, issue.rule) == ("specData", "type")
    assert any("a list of types is OpenAPI 3.1's" in w for w in warnings(api)), warnings(api)


def test_a_regular_expression_in_a_path_variable_is_read_as_the_name_before_it(
    echo: str,
) -> None:
    """kinto's `/{prefix}/{api_ver:\\d+}/...` (Pyramid's route syntax; Flask and JAX-RS
    write it alike, clever-cloud's `{type: [^-]+}`): the field was `api_ver:\\d+` and the
    path went out with the regular expression in it. The variable is `api_ver`, and the
    parameter that the document names `api_ver:\\d+` is that variable."""
    api_ver = {"in": "path", "name": "api_ver:\\d+", "required": True, "type": "string"}
    api = autoui.load_spec(swagger({"/echo/{api_ver:\\d+}/{kind: [^-]+}-x": get(api_ver)}))
    plan = only(api)
    assert [(f.name, f.label, f.required) for f in plan.fields] == [
        ("api_ver", "api_ver (path) *", True),
        ("kind", "kind (path) *", True),
    ]
    where = "#/paths/~1echo~1{api_ver:\\d+}~1{kind: [^-]+}-x/get"
    assert warnings(api)[0] == (
        f"{where}: the path key writes {{api_ver:\\d+}}, {{kind: [^-]+}} (a variable with a "
        "regular expression, a web framework's route syntax, not OpenAPI's template): read as "
        "{api_ver}, {kind}"
    )
    assert "a variable with a regular expression" in text_report(plan_api(api), "http://x")
    values = {plan.fields[0].api_param: "2", plan.fields[1].api_param: "a"}
    assert Dispatcher(echo).call(plan, values).data["raw_path"] == "/echo/2/a-x"


@pytest.mark.parametrize(
    ("encoding", "part"), [({}, "file"), ({"receipt": {"contentType": "image/png"}}, "receipt")]
)
def test_a_multipart_body_whose_schema_is_not_an_object_is_one_named_part(
    echo: str, tmp_path: Any, encoding: dict[str, Any], part: str
) -> None:
    """codat's upload-attachment: `multipart/form-data` whose schema is a binary string.
    The file went out as the whole body, with `Content-Type: multipart/form-data` and no
    boundary, which no server can read; it is one part of a well-formed multipart body."""
    media = {"schema": {"type": "string", "format": "binary"}, "encoding": encoding}
    operation = _body_op({}, "multipart/form-data")
    operation["post"]["requestBody"]["content"]["multipart/form-data"] = media
    api = autoui.load_spec(openapi("3.1.0", {"/echo/attachments": operation}))
    assert warnings(api) == [
        "#/paths/~1echo~1attachments/post/requestBody/content/multipart~1form-data: a "
        "multipart/form-data body whose schema is not an object (string) names no part: "
        f"sent as one part named {part!r}"
    ]
    assert "names no part" in text_report(plan_api(api), "http://x")
    upload = tmp_path / "receipt.png"
    upload.write_bytes(b"\x89PNG data")
    (field,) = only(api).fields
    seen = Dispatcher(echo, uploads=[str(tmp_path)]).call(only(api), {field.api_param: str(upload)})
    assert seen.data["content_type"].startswith("multipart/form-data; boundary=")
    assert [(p["name"], p["filename"]) for p in seen.data["parts"]] == [(part, "receipt.png")]


def test_openapi_3_ignores_accept_content_type_and_authorization_header_parameters() -> None:
    """OpenAPI 3 (Parameter Object, `name`): "If in is "header" and the name field is
    "Accept", "Content-Type" or "Authorization", the parameter definition SHALL be
    ignored." They were form fields, sent as given (brex's `Authorization`). They are left
    out, with a warning; a user whose API declares no security scheme still authenticates
    with the Authorize panel's credentials the spec does not declare (here a bearer token)."""
    from support.echo import recorder_app

    from autoui.dispatcher.auth import Authenticator, SessionStore

    def header(name: str) -> dict[str, Any]:
        return {"in": "header", "name": name, "schema": {"type": "string"}}

    document = openapi(
        "3.0.3",
        {
            "/a": get(header("Authorization"), header("accept"), header("X-Trace"), op_id="a"),
            "/b": get(header("AUTHORIZATION"), header("Content-Type"), op_id="b"),
        },
    )
    api = autoui.load_spec(document)
    said = "is ignored, as OpenAPI 3 says of Accept, Content-Type and Authorization"
    assert warnings(api) == [
        f"#/paths/~1a/get: header parameter 'Authorization' {said} (2 operations): "
        "credentials go in the Authorize panel (the spec's security schemes, or a bearer "
        "token, basic credentials or an API key it does not declare)",
        f"#/paths/~1a/get: header parameter 'accept' {said} (1 operation): requests accept "
        "any media type (Accept: */*)",
        f"#/paths/~1b/get: header parameter 'Content-Type' {said} (1 operation): the body's "
        "media type sets it",
    ]
    assert "as OpenAPI 3 says" in text_report(plan_api(api), "http://x")
    plans = plan_api(api).operations
    assert [[f.name for f in plan.fields] for plan in plans] == [["X-Trace"], []]
    backend = recorder_app()
    with serve_asgi(backend) as url:
        auth = Authenticator(api, SessionStore(), base_url=url)
        auth.authorize("tab", {"bearer": "tok-3Fq"})
        trace = plans[0].fields[0].api_param
        assert Dispatcher(url, auth=auth).call(plans[0], {trace: "t"}, "tab").ok
    (seen,) = backend.state.seen
    assert (seen["headers"]["authorization"], seen["headers"]["x-trace"]) == ("Bearer tok-3Fq", "t")


def test_deep_object_on_an_array_or_a_value_is_sent_as_stripe_reads_it(echo: str) -> None:
    """Stripe's `expand` (an array) and `created` (an object or an integer) are
    `style: deepObject`, which OpenAPI defines for objects only (n/a in its Style Examples
    table): autoui refused to send them, so no Stripe list could be expanded. An array is
    sent with indexes (`expand[0]=a&expand[1]=b`, as Stripe's own client libraries send
    lists, and as Prism reads a deepObject array), a single value as `created=5`."""
    expand = {
        "in": "query",
        "name": "expand",
        "style": "deepObject",
        "explode": True,
        "schema": {"type": "array", "items": {"type": "string"}},
    }
    range_ = {"type": "object", "properties": {"gt": {"type": "integer"}}}
    created = {
        "in": "query",
        "name": "created",
        "style": "deepObject",
        "explode": True,
        "schema": {"anyOf": [range_, {"type": "integer"}]},
    }
    api = autoui.load_spec(
        openapi("3.0.3", {"/echo/a": get(expand, created, op_id="a"), "/echo/b": get(expand)})
    )
    assert warnings(api) == [
        "#/paths/~1echo~1a/get: parameter 'expand' has style deepObject, which OpenAPI "
        "defines for objects of plain values only (2 operations): nested objects and arrays "
        "go as expand[name][0]=..., a single value as expand=...",
        "#/paths/~1echo~1a/get: parameter 'created' has style deepObject, which OpenAPI "
        "defines for objects of plain values only (1 operation): nested objects and arrays "
        "go as created[name][0]=..., a single value as created=...",
    ]
    plan = plan_api(api).operations[0]
    assert [(f.api_param, f.component) for f in plan.fields] == [
        ("expand", "list"),
        ("created", "json"),
    ]
    sent = Dispatcher(echo).call(plan, {"expand": ["a", "b c"], "created": "5"})
    assert sent.data["raw_query"] == "expand%5B0%5D=a&expand%5B1%5D=b%20c&created=5", sent.error
    sent = Dispatcher(echo).call(plan, {"created": '{"gt": 7}'})
    assert sent.data["raw_query"] == "created%5Bgt%5D=7", sent.error


def test_deep_object_in_a_form_body_nests_brackets_as_stripe_reads_them(echo: str) -> None:
    """Stripe's form bodies (`POST /v1/shipping_rates`) encode nested objects and lists
    as `deepObject`: `delivery_estimate[maximum][unit]=day`, `expand[0]=a`. They went as
    JSON text (`delivery_estimate={"maximum": ...}`), which Prism refused ("must have
    required property 'unit'") as Stripe would. A null or an empty object, which a form
    cannot write, is left out, as Stripe's client libraries leave them."""
    estimate = {
        "type": "object",
        "properties": {
            "maximum": {
                "type": "object",
                "properties": {"unit": {"type": "string"}, "value": {"type": "integer"}},
            }
        },
    }
    schema = {
        "type": "object",
        "properties": {
            "delivery_estimate": estimate,
            "expand": {"type": "array", "items": {"type": "string"}},
            "flat": {"type": "object", "properties": {"a": {"type": "string"}}},
        },
    }
    deep = {"style": "deepObject", "explode": True}
    media = {
        "schema": schema,
        "encoding": {"delivery_estimate": deep, "expand": deep, "flat": deep},
    }
    operation = _body_op({}, "application/x-www-form-urlencoded")
    operation["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"] = media
    api = autoui.load_spec(openapi("3.0.3", {"/echo/rates": operation}))
    assert [w.split(": ", 1)[1] for w in warnings(api)] == [
        "property 'delivery_estimate' of a form body has style deepObject, which OpenAPI "
        "defines for objects of plain values only (1 operation): nested objects and arrays "
        "go as delivery_estimate[name][0]=..., a single value as delivery_estimate=...",
        "property 'expand' of a form body has style deepObject, which OpenAPI defines for "
        "objects of plain values only (1 operation): nested objects and arrays go as "
        "expand[name][0]=..., a single value as expand=...",
    ]
    plan = only(api)
    values = {
        "delivery_estimate": '{"maximum": {"unit": "day", "value": 3, "note": null, "x": {}}}',
        "expand": ["a", "b"],
        "flat": '{"a": "x"}',
    }
    values = {f.api_param: values[f.name] for f in plan.fields if f.name in values}
    sent = Dispatcher(echo).call(plan, values)
    assert sent.data["form"] == [
        ["delivery_estimate[maximum][unit]", "day"],
        ["delivery_estimate[maximum][value]", "3"],
        ["expand[0]", "a"],
        ["expand[1]", "b"],
        ["flat[a]", "x"],
    ], sent.error
