"""`autoui.load_spec`: reading dicts, files and URLs of every supported version into the IR.

Documents are written by the tests themselves (inline dicts, or files in `tmp_path`);
URLs are served by a real uvicorn server on loopback, never mocked.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from support.servers import serve_asgi

from autoui import load_spec
from autoui.errors import SpecError
from autoui.ir import Api, Operation
from autoui.loader.bundle import has_external_refs
from autoui.loader.validate import validate_document, validate_in_child
from autoui.mapper import plan_api
from autoui.schemas import UNRESOLVED

OK = {"200": {"description": "ok"}}


def oas(paths: Mapping[str, Any] | None = None, version: str = "3.1.0", **extra: Any) -> dict:
    """A minimal OpenAPI 3 document."""
    doc: dict[str, Any] = {"openapi": version, "info": {"title": "Test", "version": "1"}}
    if paths is not None:
        doc["paths"] = dict(paths)
    return {**doc, **extra}


def swagger(paths: Mapping[str, Any], **extra: Any) -> dict:
    """A minimal Swagger 2.0 document."""
    return {
        "swagger": "2.0",
        "info": {"title": "Test", "version": "1"},
        "paths": dict(paths),
        **extra,
    }


def op(api: Api, method: str, path: str) -> Operation:
    return next(o for o in api.operations if o.method == method and o.path == path)


def resolved(api: Api, node: Any) -> dict[str, Any]:
    return api.schemas.resolve(node)


def write(path: Path, document: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(document))
    else:
        path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def static_site(files: Mapping[str, str]) -> Starlette:
    """An ASGI app serving `files` (URL path -> YAML or JSON text), 404 for anything else."""

    async def serve(request: Request) -> Response:
        text = files.get(request.url.path)
        if text is None:
            return PlainTextResponse("not found", status_code=404)
        kind = "application/json" if request.url.path.endswith(".json") else "application/yaml"
        return Response(text, media_type=kind)

    return Starlette(routes=[Route("/{path:path}", serve)])


@pytest.fixture
def site() -> Iterator[tuple[dict[str, str], str]]:
    """A loopback server whose files the test fills in: (files, base URL)."""
    files: dict[str, str] = {}
    with serve_asgi(static_site(files)) as url:
        yield files, url


PETS = oas(
    {
        "/pets": {"get": {"operationId": "listPets", "responses": OK}},
        "/pets/{petId}": {
            "parameters": [
                {"name": "petId", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "get": {"operationId": "showPet", "responses": OK},
            "delete": {"responses": OK},
        },
    }
)


# --- sources ------------------------------------------------------------------------------


def summary(api: Api) -> list[tuple[str, str, str]]:
    return [(o.method, o.path, o.operation_id) for o in api.operations]


EXPECTED_PETS = [
    ("GET", "/pets", "listPets"),
    ("GET", "/pets/{petId}", "showPet"),
    ("DELETE", "/pets/{petId}", ""),
]


def test_load_from_a_dict() -> None:
    api = load_spec(PETS)
    assert api.title == "Test"
    assert api.openapi_version == "3.1.0"
    assert summary(api) == EXPECTED_PETS
    assert api.source == "<dict>"


def test_load_from_a_json_file(tmp_path: Path) -> None:
    api = load_spec(write(tmp_path / "pets.json", PETS))
    assert summary(api) == EXPECTED_PETS


def test_load_from_a_yaml_file_given_as_str(tmp_path: Path) -> None:
    api = load_spec(str(write(tmp_path / "pets.yaml", PETS)))
    assert summary(api) == EXPECTED_PETS


def test_load_from_a_url(site: tuple[dict[str, str], str]) -> None:
    files, url = site
    files["/specs/pets.yaml"] = yaml.safe_dump(PETS)
    api = load_spec(f"{url}/specs/pets.yaml")
    assert summary(api) == EXPECTED_PETS
    assert api.source == f"{url}/specs/pets.yaml"


class Prompt(BaseModel):
    prompt: str


class Reply(BaseModel):
    response: str


def test_a_fastapi_apps_own_openapi_json_loads_with_the_app_as_base_url() -> None:
    app = FastAPI(title="Model API")

    @app.post("/generate", response_model=Reply)
    def generate(body: Prompt) -> Reply:
        return Reply(response=body.prompt)

    with serve_asgi(app) as url:
        api = load_spec(f"{url}/openapi.json")
    assert api.title == "Model API"
    # FastAPI publishes no `servers`: the API is where the document came from.
    assert api.base_url == f"{url}/"
    assert api.problems == []
    plan = plan_api(api).operations[0]
    assert plan.api_name == "generate"
    assert [(f.api_param, f.component, f.required) for f in plan.fields] == [
        ("prompt", "textarea", True)
    ]
    assert (plan.outputs[0].component, plan.outputs[0].field) == ("textbox", "response")


# --- base URL -----------------------------------------------------------------------------


def test_relative_server_url_resolves_against_the_fetch_url(
    site: tuple[dict[str, str], str],
) -> None:
    files, url = site
    files["/docs/openapi.json"] = json.dumps(oas({}, servers=[{"url": "/v1"}]))
    assert load_spec(f"{url}/docs/openapi.json").base_url == f"{url}/v1"


def test_missing_servers_means_the_fetch_urls_origin(site: tuple[dict[str, str], str]) -> None:
    files, url = site
    files["/docs/openapi.json"] = json.dumps(oas({}))
    assert load_spec(f"{url}/docs/openapi.json").base_url == f"{url}/"


def test_an_absolute_server_url_is_used_as_given(site: tuple[dict[str, str], str]) -> None:
    files, url = site
    files["/openapi.json"] = json.dumps(oas({}, servers=[{"url": "https://api.example.com/v3"}]))
    assert load_spec(f"{url}/openapi.json").base_url == "https://api.example.com/v3"


def test_server_variables_expand_to_their_defaults() -> None:
    api = load_spec(
        oas(
            {},
            servers=[
                {
                    "url": "https://{region}.example.com/{version}",
                    "variables": {
                        "region": {"default": "eu", "enum": ["eu", "us"]},
                        "version": {"default": "v2"},
                    },
                }
            ],
        )
    )
    assert api.base_url == "https://eu.example.com/v2"
    assert api.servers[0].variables["region"].enum == ["eu", "us"]
    assert api.servers[0].expand({"region": "us"}) == "https://us.example.com/v2"


def test_a_relative_server_from_a_file_stays_relative_and_asks_for_base_url(tmp_path: Path) -> None:
    api = load_spec(write(tmp_path / "api.yaml", oas({}, servers=[{"url": "/v1"}])))
    assert api.base_url == "/v1"
    assert any("--base-url" in p.message for p in api.problems)


def test_operation_and_path_servers_override_the_documents() -> None:
    api = load_spec(
        oas(
            {
                "/a": {
                    "servers": [{"url": "https://a.example.com"}],
                    "get": {"responses": OK},
                    "post": {"servers": [{"url": "https://b.example.com"}], "responses": OK},
                },
            },
            servers=[{"url": "https://example.com"}],
        )
    )
    assert [s.url for s in op(api, "GET", "/a").servers] == ["https://a.example.com"]
    assert [s.url for s in op(api, "POST", "/a").servers] == ["https://b.example.com"]


def test_swagger_host_base_path_and_schemes_make_the_servers() -> None:
    api = load_spec(
        swagger({}, host="api.example.com:8080", basePath="/v2", schemes=["http", "https"])
    )
    assert [s.url for s in api.servers] == [
        "http://api.example.com:8080/v2",
        "https://api.example.com:8080/v2",
    ]


def test_swagger_schemes_prefer_the_one_the_spec_was_fetched_with(
    site: tuple[dict[str, str], str],
) -> None:
    files, url = site
    files["/swagger.json"] = json.dumps(
        swagger({}, host="api.example.com", schemes=["https", "http"])
    )
    assert load_spec(f"{url}/swagger.json").base_url == "http://api.example.com/"


def test_swagger_without_schemes_uses_the_scheme_the_spec_was_fetched_with(
    site: tuple[dict[str, str], str],
) -> None:
    # 2.0: "If the schemes is not included, the default scheme to be used is the one
    # used to access the Swagger definition itself."
    files, url = site
    files["/swagger.json"] = json.dumps(swagger({}, host="localhost:5000", basePath="/api"))
    assert load_spec(f"{url}/swagger.json").base_url == "http://localhost:5000/api"


def test_swagger_without_host_uses_the_fetch_urls_host_and_the_base_path(
    site: tuple[dict[str, str], str],
) -> None:
    files, url = site
    files["/docs/swagger.json"] = json.dumps(swagger({}, basePath="/api/v1"))
    assert load_spec(f"{url}/docs/swagger.json").base_url == f"{url}/api/v1"


# --- Swagger 2.0 --------------------------------------------------------------------------


SWAGGER = swagger(
    {
        "/pets": {
            "post": {
                "operationId": "addPet",
                "parameters": [
                    {
                        "name": "pet",
                        "in": "body",
                        "required": True,
                        "description": "the new pet",
                        "schema": {"$ref": "#/definitions/Pet"},
                    }
                ],
                "responses": {
                    "201": {"description": "created", "schema": {"$ref": "#/definitions/Pet"}}
                },
            },
            "get": {
                "parameters": [
                    {
                        "name": "tags",
                        "in": "query",
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "multi",
                    },
                    {
                        "name": "ids",
                        "in": "query",
                        "type": "array",
                        "items": {"type": "integer"},
                        "collectionFormat": "pipes",
                    },
                    {
                        "name": "names",
                        "in": "query",
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "ssv",
                    },
                    {"name": "ranks", "in": "query", "type": "array", "items": {"type": "integer"}},
                    {
                        "name": "X-Trace",
                        "in": "header",
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "csv",
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "type": "integer",
                        "minimum": 1,
                        "maximum": 100,
                        "default": 20,
                        "x-example": 5,
                    },
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "schema": {"type": "array", "items": {"$ref": "#/definitions/Pet"}},
                    }
                },
            },
        },
        "/pets/{petId}/photo": {
            "post": {
                "consumes": ["multipart/form-data"],
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "type": "integer"},
                    {"name": "photo", "in": "formData", "type": "file", "required": True},
                    {
                        "name": "caption",
                        "in": "formData",
                        "type": "string",
                        "description": "shown below",
                    },
                ],
                "responses": {"200": {"description": "ok"}},
            },
        },
        "/pets/{petId}/rename": {
            "post": {
                "consumes": ["application/x-www-form-urlencoded"],
                "parameters": [
                    {"name": "name", "in": "formData", "type": "string", "required": True},
                    {
                        "name": "aliases",
                        "in": "formData",
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "pipes",
                    },
                ],
                "responses": {"200": {"description": "ok"}},
            },
        },
        "/pets/{petId}/picture": {
            "get": {
                "produces": ["image/png"],
                "responses": {"200": {"description": "the picture", "schema": {"type": "file"}}},
            },
        },
    },
    host="petstore.example.com",
    basePath="/v2",
    consumes=["application/json", "application/xml"],
    produces=["application/json"],
    definitions={
        "Pet": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "id": {"type": "integer", "readOnly": True},
                "name": {"type": "string"},
                "nickname": {"type": "string", "x-nullable": True},
            },
        }
    },
    securityDefinitions={
        "basic": {"type": "basic"},
        "key": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        "oauth": {
            "type": "oauth2",
            "flow": "accessCode",
            "authorizationUrl": "https://auth.example.com/authorize",
            "tokenUrl": "https://auth.example.com/token",
            "scopes": {"read": "read"},
        },
        "app": {
            "type": "oauth2",
            "flow": "application",
            "tokenUrl": "https://auth.example.com/token",
            "scopes": {},
        },
    },
    security=[{"key": []}],
)


@pytest.fixture(scope="module")
def swagger_api() -> Api:
    return load_spec(SWAGGER)


def test_swagger_body_parameter_becomes_a_request_body_per_consumed_type(swagger_api: Api) -> None:
    body = op(swagger_api, "POST", "/pets").body
    assert body is not None
    assert list(body.content) == ["application/json", "application/xml"]
    assert body.required is True
    assert body.description == "the new pet"
    assert body.content["application/json"].schema == {"$ref": "#/definitions/Pet"}


def test_swagger_body_parameter_is_not_also_a_parameter(swagger_api: Api) -> None:
    assert op(swagger_api, "POST", "/pets").parameters == []


def test_swagger_x_nullable_property_reads_as_a_type_list(swagger_api: Api) -> None:
    pet = resolved(swagger_api, {"$ref": "#/definitions/Pet"})
    assert resolved(swagger_api, pet["properties"]["nickname"])["type"] == ["string", "null"]


def test_swagger_form_data_with_a_file_becomes_a_multipart_body(swagger_api: Api) -> None:
    operation = op(swagger_api, "POST", "/pets/{petId}/photo")
    assert [(p.name, p.location) for p in operation.parameters] == [("petId", "path")]
    assert operation.body is not None
    assert list(operation.body.content) == ["multipart/form-data"]
    assert operation.body.required is True
    schema = operation.body.content["multipart/form-data"].schema
    assert schema == {
        "type": "object",
        "properties": {
            "photo": {"type": "string", "format": "binary"},
            "caption": {"type": "string", "description": "shown below"},
        },
        "required": ["photo"],
    }


def test_swagger_form_data_without_files_is_url_encoded_with_collection_styles(
    swagger_api: Api,
) -> None:
    body = op(swagger_api, "POST", "/pets/{petId}/rename").body
    assert body is not None
    assert list(body.content) == ["application/x-www-form-urlencoded"]
    encoding = body.content["application/x-www-form-urlencoded"].encoding["aliases"]
    assert (encoding.style, encoding.explode) == ("pipeDelimited", False)


@pytest.mark.parametrize(
    ("name", "style", "explode"),
    [
        ("tags", "form", True),  # multi
        ("ids", "pipeDelimited", False),  # pipes
        ("names", "spaceDelimited", False),  # ssv
        ("ranks", "form", False),  # csv, the default
        ("X-Trace", "simple", False),  # csv in a header
        ("limit", "form", True),  # not an array: the query default
    ],
)
def test_swagger_collection_format_becomes_style_and_explode(
    swagger_api: Api, name: str, style: str, explode: bool
) -> None:
    param = next(p for p in op(swagger_api, "GET", "/pets").parameters if p.name == name)
    assert (param.style, param.explode) == (style, explode)


def test_swagger_parameter_keywords_become_its_schema(swagger_api: Api) -> None:
    limit = next(p for p in op(swagger_api, "GET", "/pets").parameters if p.name == "limit")
    assert limit.schema == {"type": "integer", "default": 20, "maximum": 100, "minimum": 1}
    assert [(e.name, e.value) for e in limit.examples] == [("example", 5)]


def test_swagger_produces_gives_the_response_media_types(swagger_api: Api) -> None:
    listing = op(swagger_api, "GET", "/pets").responses[0]
    assert (listing.status, list(listing.content)) == ("200", ["application/json"])
    picture = op(swagger_api, "GET", "/pets/{petId}/picture").responses[0]
    assert list(picture.content) == ["image/png"]
    assert resolved(swagger_api, picture.content["image/png"].schema) == {
        "type": "string",
        "format": "binary",
    }


def test_swagger_host_and_base_path(swagger_api: Api) -> None:
    assert swagger_api.base_url == "https://petstore.example.com/v2"
    assert swagger_api.openapi_version == "2.0"


def test_swagger_security_definitions_become_3x_schemes(swagger_api: Api) -> None:
    schemes = swagger_api.security_schemes
    assert (schemes["basic"].type, schemes["basic"].scheme) == ("http", "basic")
    key = schemes["key"]
    assert (key.type, key.location, key.param_name) == ("apiKey", "header", "X-API-Key")
    assert schemes["oauth"].type == "oauth2"
    assert schemes["oauth"].flows == {
        "authorizationCode": {
            "authorizationUrl": "https://auth.example.com/authorize",
            "tokenUrl": "https://auth.example.com/token",
            "scopes": {"read": "read"},
        }
    }
    assert list(schemes["app"].flows) == ["clientCredentials"]
    assert swagger_api.security == [{"key": []}]


def test_swagger_path_level_parameters_merge_with_operation_ones() -> None:
    api = load_spec(
        swagger(
            {
                "/pets/{petId}": {
                    "parameters": [
                        {"name": "petId", "in": "path", "required": True, "type": "string"},
                        {"name": "verbose", "in": "query", "type": "boolean"},
                    ],
                    "get": {
                        "parameters": [
                            {"name": "petId", "in": "path", "required": True, "type": "integer"},
                        ],
                        "responses": OK,
                    },
                }
            }
        )
    )
    params = op(api, "GET", "/pets/{petId}").parameters
    assert [(p.name, p.location, p.schema["type"]) for p in params] == [
        ("petId", "path", "integer"),
        ("verbose", "query", "boolean"),
    ]


def test_swagger_ref_parameters_and_responses() -> None:
    api = load_spec(
        swagger(
            {
                "/items": {
                    "get": {
                        "parameters": [{"$ref": "#/parameters/Limit"}],
                        "responses": {"200": {"$ref": "#/responses/Items"}},
                    }
                }
            },
            parameters={"Limit": {"name": "limit", "in": "query", "type": "integer"}},
            responses={"Items": {"description": "the items", "schema": {"type": "array"}}},
        )
    )
    operation = op(api, "GET", "/items")
    assert [(p.name, p.schema) for p in operation.parameters] == [("limit", {"type": "integer"})]
    assert operation.responses[0].description == "the items"
    assert operation.responses[0].content["application/json"].schema == {"type": "array"}


# --- OpenAPI 3.0 and 3.1 ------------------------------------------------------------------


def body_property(api: Api, name: str) -> dict[str, Any]:
    """The resolved schema of property `name` of the only operation's JSON body."""
    body = api.operations[0].body
    assert body is not None
    schema = resolved(api, body.content["application/json"].schema)
    return resolved(api, schema["properties"][name])


def json_body(properties: dict[str, Any], version: str, **components: Any) -> dict[str, Any]:
    return oas(
        {
            "/things": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": properties}
                            }
                        }
                    },
                    "responses": OK,
                }
            }
        },
        version=version,
        components={"schemas": components},
    )


def test_3_0_nullable_becomes_a_type_list() -> None:
    api = load_spec(json_body({"nick": {"type": "string", "nullable": True}}, "3.0.3"))
    assert body_property(api, "nick") == {"type": ["string", "null"]}


def test_3_0_boolean_exclusive_minimum_becomes_a_number() -> None:
    api = load_spec(
        json_body({"n": {"type": "integer", "minimum": 0, "exclusiveMinimum": True}}, "3.0.3")
    )
    assert body_property(api, "n") == {"type": "integer", "exclusiveMinimum": 0}


def test_3_1_type_arrays_are_kept() -> None:
    api = load_spec(json_body({"n": {"type": ["integer", "null"]}}, "3.1.0"))
    assert body_property(api, "n") == {"type": ["integer", "null"]}


def test_3_1_ref_with_siblings_keeps_description_and_and_constraints() -> None:
    api = load_spec(
        json_body(
            {
                "name": {
                    "$ref": "#/components/schemas/Name",
                    "description": "the pet's name",
                    "maxLength": 20,
                }
            },
            "3.1.0",
            Name={"type": "string", "minLength": 1},
        )
    )
    assert body_property(api, "name") == {
        "allOf": [{"type": "string", "minLength": 1}, {"maxLength": 20}],
        "description": "the pet's name",
    }


def test_3_x_path_level_parameters_are_merged_and_the_operation_overrides() -> None:
    api = load_spec(
        oas(
            {
                "/pets/{petId}": {
                    "parameters": [
                        {
                            "name": "petId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
                        {"name": "petId", "in": "query", "schema": {"type": "string"}},
                    ],
                    "get": {
                        "parameters": [
                            {
                                "name": "petId",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "integer"},
                                "description": "the operation's own",
                            },
                        ],
                        "responses": OK,
                    },
                    "put": {"responses": OK},
                }
            }
        )
    )
    get = op(api, "GET", "/pets/{petId}").parameters
    assert [(p.name, p.location, p.schema["type"]) for p in get] == [
        ("verbose", "query", "boolean"),
        ("petId", "query", "string"),  # same name, other place: not overridden
        ("petId", "path", "integer"),
    ]
    put = op(api, "PUT", "/pets/{petId}").parameters
    assert [(p.name, p.location, p.schema["type"]) for p in put] == [
        ("petId", "path", "string"),
        ("verbose", "query", "boolean"),
        ("petId", "query", "string"),
    ]


def test_3_x_parameter_defaults_style_explode_and_required() -> None:
    api = load_spec(
        oas(
            {
                "/a/{id}": {
                    "get": {
                        "parameters": [
                            {
                                "name": "id",
                                "in": "path",
                                "schema": {"type": "string"},
                            },  # required by being a path
                            {"name": "q", "in": "query", "schema": {"type": "array"}},
                            {
                                "name": "obj",
                                "in": "query",
                                "style": "deepObject",
                                "schema": {"type": "object"},
                            },
                            {"name": "X-Req", "in": "header", "schema": {"type": "string"}},
                            {"name": "session", "in": "cookie", "schema": {"type": "string"}},
                        ],
                        "responses": OK,
                    }
                }
            }
        )
    )
    params = {p.name: p for p in op(api, "GET", "/a/{id}").parameters}
    assert params["id"].required is True
    assert [(p.style, p.explode) for p in params.values()] == [
        ("simple", False),
        ("form", True),
        ("deepObject", True),
        ("simple", False),
        ("form", True),
    ]


def test_3_x_ref_parameters_request_bodies_and_responses() -> None:
    api = load_spec(
        oas(
            {
                "/items/{id}": {
                    "put": {
                        "parameters": [{"$ref": "#/components/parameters/Id"}],
                        "requestBody": {"$ref": "#/components/requestBodies/Item"},
                        "responses": {
                            "200": {"$ref": "#/components/responses/Item"},
                            "default": {"$ref": "#/components/responses/Error"},
                        },
                    }
                }
            },
            components={
                "parameters": {
                    "Id": {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                },
                "requestBodies": {
                    "Item": {
                        "required": True,
                        "description": "the item",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
                "responses": {
                    "Item": {
                        "description": "the item",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "Error": {"description": "an error"},
                },
            },
        )
    )
    operation = op(api, "PUT", "/items/{id}")
    assert [(p.name, p.location, p.required) for p in operation.parameters] == [
        ("id", "path", True)
    ]
    assert operation.body is not None
    assert (operation.body.required, operation.body.description) == (True, "the item")
    assert [(r.status, r.description, list(r.content)) for r in operation.responses] == [
        ("200", "the item", ["application/json"]),
        ("DEFAULT", "an error", []),
    ]


def test_a_ref_to_nothing_is_a_problem_not_a_crash() -> None:
    api = load_spec(
        oas(
            {
                "/a": {
                    "get": {
                        "parameters": [{"$ref": "#/components/parameters/Missing"}],
                        "responses": OK,
                    }
                }
            }
        ),
    )
    assert op(api, "GET", "/a").parameters == []
    assert any(
        p.where == "#/paths/~1a/get/parameters/0" and "points at nothing" in p.message
        for p in api.problems
    )


def test_media_type_names_are_lower_cased_without_parameters() -> None:
    api = load_spec(
        oas(
            {
                "/a": {
                    "post": {
                        "requestBody": {
                            "content": {"Application/JSON; charset=utf-8": {"schema": {}}}
                        },
                        "responses": OK,
                    }
                }
            }
        )
    )
    assert api.operations[0].body is not None
    assert list(api.operations[0].body.content) == ["application/json"]


def test_tags_info_and_extensions_are_read() -> None:
    document = oas(
        {
            "/a": {
                "get": {
                    "tags": ["pets"],
                    "summary": "List",
                    "deprecated": True,
                    "x-autoui": {"hide": True},
                    "responses": OK,
                }
            }
        },
        tags=[{"name": "pets", "description": "Pet things"}],
        **{"x-logo": "l.png"},
    )
    document["info"]["description"] = "An API"
    api = load_spec(document)
    operation = api.operations[0]
    assert (operation.tags, operation.summary, operation.deprecated) == (["pets"], "List", True)
    assert operation.extensions == {"x-autoui": {"hide": True}}
    assert [(t.name, t.description) for t in api.tags] == [("pets", "Pet things")]
    assert (api.description, api.extensions) == ("An API", {"x-logo": "l.png"})


def test_a_document_with_both_openapi_and_a_stray_swagger_field_is_read_as_openapi() -> None:
    api = load_spec({**PETS, "openapi": "3.0.0", "swagger": "3.0"})
    assert (api.openapi_version, len(api.operations)) == ("3.0.0", 3)


def test_a_document_without_paths_loads_with_no_operations() -> None:
    api = load_spec(oas(None, webhooks={"newPet": {"post": {"responses": OK}}}))
    assert api.operations == []


# --- recursion ----------------------------------------------------------------------------


RECURSIVE = oas(
    {
        "/tree": {
            "post": {
                "operationId": "plant",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Node"}}
                    },
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Node"}}
                        },
                    }
                },
            }
        }
    },
    components={
        "schemas": {
            "Node": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                    "parent": {"$ref": "#/components/schemas/Node"},
                },
            }
        }
    },
)


def test_recursive_schemas_load_and_map_with_a_json_editor_at_the_cycle(tmp_path: Path) -> None:
    api = load_spec(write(tmp_path / "tree.yaml", RECURSIVE))
    fields = plan_api(api).operations[0].fields
    assert [(f.key, f.component) for f in fields] == [
        ("body.name", "textbox"),
        ("body.children", "json"),
        ("body.parent", "json"),
    ]


# --- references to other documents -------------------------------------------------------


def test_refs_to_other_files_are_bundled_relative_to_each_document(tmp_path: Path) -> None:
    write(
        tmp_path / "openapi.yaml",
        oas(
            {"/pets": {"$ref": "paths/pets.yaml"}},
            version="3.0.3",
            components={
                "schemas": {
                    "Error": {"type": "object", "properties": {"message": {"type": "string"}}}
                }
            },
        ),
    )
    write(
        tmp_path / "paths" / "pets.yaml",
        {
            "post": {
                "operationId": "addPet",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"$ref": "../schemas/Pet.yaml"}}},
                },
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "../schemas/Pet.yaml"}}
                        },
                    },
                    "default": {
                        "description": "error",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "../openapi.yaml#/components/schemas/Error"}
                            }
                        },
                    },
                },
            }
        },
    )
    write(
        tmp_path / "schemas" / "Pet.yaml",
        {
            "type": "object",
            "required": ["name"],
            "properties": {"name": {"type": "string"}, "value": {"$ref": "Money.yaml"}},
        },
    )
    write(
        tmp_path / "schemas" / "Money.yaml",
        {
            "type": "object",
            "properties": {"amount": {"type": "number"}},
        },
    )

    api = load_spec(tmp_path / "openapi.yaml")

    assert [p for p in api.problems if p.severity == "error"] == []
    operation = op(api, "POST", "/pets")
    assert operation.operation_id == "addPet"
    fields = plan_api(api).operations[0].fields
    assert [(f.key, f.component) for f in fields] == [
        ("body.name", "textbox"),
        ("body.value.amount", "number"),
    ]
    # `default` is a response here, not data; its reference back to the root resolves.
    error = next(r for r in operation.responses if r.status == "DEFAULT")
    assert resolved(api, error.content["application/json"].schema) == {
        "type": "object",
        "properties": {"message": {"type": "string"}},
    }


@pytest.mark.parametrize(
    ("text", "external"),
    [
        ('{"$ref": "pets.json#/Pet"}', True),
        ('{"$ref":"#/definitions/Pet"}', False),
        ("$ref: paths/pets.yaml", True),
        ("$ref: '#/components/schemas/Pet'", False),
        ('$ref: "../schemas/Pet.yaml"', True),
        ("{$ref: Money.yaml}", True),
        # Kubernetes' JSONSchemaProps has a property called `$ref`: a schema, not a ref.
        ('"properties": {"$ref": {"type": "string"}}', False),
        ("properties:\n  $ref:\n    type: string", False),
    ],
)
def test_external_references_are_told_from_local_ones_and_from_a_ref_property(
    text: str, external: bool
) -> None:
    assert has_external_refs(text) is external


def test_refs_to_relative_urls_are_bundled(site: tuple[dict[str, str], str]) -> None:
    files, url = site
    files["/api/openapi.yaml"] = yaml.safe_dump(
        oas(
            {
                "/a": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "schemas/answer.yaml#/Answer"}
                                    }
                                },
                            },
                        }
                    }
                }
            }
        )
    )
    files["/api/schemas/answer.yaml"] = yaml.safe_dump(
        {"Answer": {"type": "object", "properties": {"answer": {"type": "string"}}}}
    )
    api = load_spec(f"{url}/api/openapi.yaml")
    assert api.problems == []
    output = plan_api(api).operations[0].outputs[0]
    assert (output.component, output.field) == ("textbox", "answer")


def test_a_missing_referenced_file_is_a_problem_naming_it(tmp_path: Path) -> None:
    write(
        tmp_path / "api.yaml",
        oas(
            {
                "/a": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {"application/json": {"schema": {"$ref": "gone.yaml"}}},
                            }
                        }
                    }
                }
            }
        ),
    )
    api = load_spec(tmp_path / "api.yaml")
    assert any(
        "cannot follow 'gone.yaml'" in p.message and "no such file" in p.message
        for p in api.problems
    )
    schema = api.operations[0].responses[0].content["application/json"].schema
    assert UNRESOLVED in resolved(api, schema)


def test_a_url_spec_may_not_make_autoui_read_local_files(
    site: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("Secret: {type: strin}\n")  # would show up in validation if read
    files, url = site
    files["/openapi.yaml"] = yaml.safe_dump(
        oas(
            {
                "/a": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": f"{secret.as_uri()}#/Secret"}
                                    }
                                },
                            },
                        }
                    }
                }
            }
        )
    )
    api = load_spec(f"{url}/openapi.yaml")
    refused = [p for p in api.problems if "outside the spec's origin" in p.message]
    assert len(refused) == 1 and refused[0].severity == "error"
    assert not any("strin" in p.message for p in api.problems)
    schema = api.operations[0].responses[0].content["application/json"].schema
    assert UNRESOLVED in resolved(api, schema)


def test_a_file_spec_may_not_make_autoui_fetch_urls(tmp_path: Path) -> None:
    write(
        tmp_path / "api.yaml",
        oas(
            {
                "/a": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {
                                        "schema": {"$ref": "http://127.0.0.1:9/schema.yaml"}
                                    }
                                },
                            }
                        }
                    }
                }
            }
        ),
    )
    api = load_spec(tmp_path / "api.yaml")
    assert any("outside the spec's origin" in p.message for p in api.problems)


# --- unusable documents -------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def one_line_error(source: Any) -> str:
    with pytest.raises(SpecError) as caught:
        load_spec(source)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("cannot load ")
    return message


def test_missing_file(tmp_path: Path) -> None:
    message = one_line_error(tmp_path / "nope.yaml")
    assert "nope.yaml" in message and message.endswith("no such file")


def test_a_directory_is_not_a_spec(tmp_path: Path) -> None:
    assert one_line_error(tmp_path).endswith("is a directory, not a file")


def test_unreachable_url() -> None:
    port = closed_port()
    message = one_line_error(f"http://127.0.0.1:{port}/openapi.json")
    assert message == (
        f"cannot load http://127.0.0.1:{port}/openapi.json: "
        f"connection refused: is the server running at 127.0.0.1:{port}?"
    )


def test_http_404(site: tuple[dict[str, str], str]) -> None:
    _, url = site
    assert one_line_error(f"{url}/missing.json") == (
        f"cannot load {url}/missing.json: HTTP 404 Not Found"
    )


def test_json_that_is_not_openapi(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text('{"name": "not a spec"}')
    assert one_line_error(path).endswith(
        "not an OpenAPI document (no 'openapi' or 'swagger' field)"
    )


def test_a_json_array(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2, 3]")
    assert one_line_error(path).endswith("not an OpenAPI document (a list, not an object)")


def test_a_non_openapi_dict() -> None:
    assert one_line_error({"hello": "world"}) == (
        "cannot load <dict>: not an OpenAPI document (no 'openapi' or 'swagger' field)"
    )


def test_broken_yaml_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("openapi: 3.0.0\ninfo:\n  title: [unclosed\n  version: '1'\n")
    message = one_line_error(path)
    assert "broken.yaml: invalid YAML at line 4, column " in message


def test_broken_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "openapi": "3.0.0",\n  "info": {,}\n}')
    assert "invalid JSON at line 3, column 12" in one_line_error(path)


@pytest.mark.parametrize("text", ["", "   \n\n"], ids=["empty", "blank"])
def test_an_empty_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(text)
    assert one_line_error(path).endswith("the document is empty")


def test_a_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe\x80")
    assert one_line_error(path).endswith("the document is not UTF-8 text")


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (
            {"openapi": "4.0.0", "info": {}, "paths": {}},
            "openapi 4.0.0 is not supported (2.0, 3.0 and 3.1 are)",
        ),
        ({"swagger": "1.2", "info": {}, "paths": {}}, "swagger 1.2 is not supported (only 2.0)"),
    ],
    ids=["openapi-4", "swagger-1.2"],
)
def test_unsupported_versions(tmp_path: Path, document: dict, reason: str) -> None:
    assert one_line_error(write(tmp_path / "old.yaml", document)).endswith(reason)


def test_a_yaml_bomb_is_refused(tmp_path: Path) -> None:
    # Nine levels of nine aliases: 9**9 (387 million) strings once expanded.
    lines = [
        "openapi: 3.0.0",
        "info: {title: t, version: '1'}",
        "paths: {}",
        "x-l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
    ]
    lines += [f"x-l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    assert "YAML aliases expand to more than" in one_line_error(path)


def test_a_few_yaml_aliases_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "anchors.yaml"
    path.write_text(
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n"
        "  /a:\n    get: &op\n      responses: {'200': {description: ok}}\n"
        "  /b:\n    get: *op\n"
    )
    assert [o.path for o in load_spec(path).operations] == ["/a", "/b"]


def test_a_url_serving_html_is_not_openapi(site: tuple[dict[str, str], str]) -> None:
    files, url = site
    files["/index.html"] = "<html><body>Hello</body></html>"
    assert one_line_error(f"{url}/index.html").endswith(
        "not an OpenAPI document (a str, not an object)"
    )


# --- validation ---------------------------------------------------------------------------


INVALID = oas(
    {
        "/a": {
            "get": {
                "parameters": [{"name": "q", "in": "nowhere", "schema": {"type": "string"}}],
                "responses": OK,
            }
        },
        "/b": {"get": {"operationId": "fine", "responses": OK}},
    },
    version="3.0.3",
)


def test_validation_problems_are_reported_with_a_pointer_not_fatal() -> None:
    api = load_spec(INVALID, validate=True)
    assert [o.operation_id for o in api.operations] == ["", "fine"]
    pointers = {p.where for p in api.problems if p.severity == "error"}
    assert "#/paths/~1a/get/parameters/0" in pointers


def test_strict_raises_on_validation_errors() -> None:
    with pytest.raises(SpecError, match=r"^cannot load <dict>: invalid OpenAPI \(\d+ problems"):
        load_spec(INVALID, strict=True)


def test_strict_accepts_a_valid_document() -> None:
    assert len(load_spec(PETS, strict=True).operations) == 3


def test_a_valid_document_has_no_validation_problems() -> None:
    document = oas({"/a": {"get": {"responses": OK}}}, servers=[{"url": "https://x.io"}])
    api = load_spec(document, validate=True)
    assert api.problems == []


def test_schema_errors_found_inside_operations_carry_no_misleading_pointer() -> None:
    # openapi-spec-validator reports a bad schema with a path relative to the schema
    # (`["type"]`); "#/type" would point at the document's root.
    api = load_spec(
        oas(
            {
                "/a": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {"application/json": {"schema": {"type": "strin"}}},
                            }
                        }
                    }
                }
            },
            version="3.0.3",
        ),
        validate=True,
    )
    for problem in api.problems:
        assert problem.where in ("", "#/paths/~1a/get/responses/200"), problem
    bad_type = [p for p in api.problems if p.message.startswith("'strin' is not valid")]
    assert [(p.where, p.message.endswith("(at 'type' of a schema)")) for p in bad_type] == [
        ("", True)
    ]


def test_validation_of_a_bundled_document_follows_its_rewritten_refs(tmp_path: Path) -> None:
    write(
        tmp_path / "api.yaml",
        oas(
            {
                "/a": {
                    "get": {
                        "responses": {
                            "200": {
                                "description": "ok",
                                "content": {
                                    "application/json": {"schema": {"$ref": "schemas.yaml#/Thing"}}
                                },
                            }
                        }
                    }
                }
            }
        ),
    )
    write(tmp_path / "schemas.yaml", {"Thing": {"type": "object"}})
    api = load_spec(tmp_path / "api.yaml", validate=True)
    assert [p for p in api.problems if p.severity == "error"] == []


def test_validation_in_a_child_process_finds_what_it_finds_here() -> None:
    """`build_app` validates in another process (the page need not wait, nor share the
    interpreter with it); the problems that come back are the ones found in-process."""
    here = validate_document(INVALID, "3.0")
    assert [p.severity for p in here] and all(p.severity == "error" for p in here)
    assert validate_in_child(INVALID, "3.0") == here


def test_load_spec_leaves_validation_out_unless_asked() -> None:
    api = load_spec(INVALID)
    # Only the reader's own complaint about the parameter remains.
    assert [(p.where, p.message) for p in api.problems if p.severity == "error"] == [
        ("#/paths/~1a/get/parameters/0", "a parameter needs a name and a valid 'in'"),
    ]


def test_load_spec_validates_when_asked() -> None:
    found = validate_document(INVALID, "3.0")
    api = load_spec(INVALID, validate=True)
    assert found and all(problem in api.problems for problem in found)


def test_load_spec_validates_in_the_background_when_asked(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The problems arrive in `api.problems` and the log once the child process ends."""
    found = validate_document(INVALID, "3.0")
    with caplog.at_level(logging.WARNING, logger="autoui"):
        api = load_spec(INVALID, validate="background")
        deadline = time.monotonic() + 120
        while not all(p in api.problems for p in found) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert all(problem in api.problems for problem in found)
    assert f"<dict>: {len(found)} problem(s) in the spec; the first: {found[0]}" in caplog.text
