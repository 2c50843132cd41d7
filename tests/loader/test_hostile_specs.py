"""Hostile specs: every document builds a page or is refused with one line, in a worker
process (`support.specworker`) under a 3 GB address-space limit and a timeout, so that a
crash, a hang or runaway memory fails the test instead of the run.

Two kinds of input: the classic attacks, written out (deep nesting, `$ref` cycles and
dangling `$ref`s, 10,000 operations, huge enums, non-string keys, wrong types, YAML
bombs), and documents Hypothesis makes: valid specs mutated at random places, and specs
generated from a loose grammar of OpenAPI and JSON Schema. The CI budget is set by
`FUZZ_EXAMPLES`; a longer run: `AUTOUI_FUZZ_EXAMPLES=500 python -m pytest --timeout=0
tests/loader/test_hostile_specs.py` (about 1.5 s a document on 2 cores).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.faults import FAULT_SPEC
from support.specworker import SpecWorker

from autoui.app import MAX_OPERATIONS
from autoui.builder.messages import markdown
from autoui.loader.parse import MAX_EXPANDED_NODES, MAX_NESTING
from autoui.mapper.rules import MAX_CHOICES

FUZZ_EXAMPLES = int(os.environ.get("AUTOUI_FUZZ_EXAMPLES", "12"))


@pytest.fixture(scope="module")
def worker() -> Iterator[SpecWorker]:
    spec_worker = SpecWorker()
    yield spec_worker
    spec_worker.close()


def check(result: dict[str, Any]) -> str:
    """The outcome, after checking it is one a user can live with."""
    assert result["outcome"] in ("built", "refused"), result.get("message", result)
    if result["outcome"] == "refused":
        message = result["message"]
        assert message.startswith("cannot load ") or "base URL" in message, message
        assert "\n" not in message and "Traceback" not in message
        assert len(message) < 1000
    return str(result["outcome"])


def _doc(paths: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "hostile", "version": "1"},
        "paths": paths,
        **rest,
    }


def _get_with(*parameters: dict[str, Any]) -> dict[str, Any]:
    """A document with one operation, GET /x, taking these query parameters."""
    operation = {"parameters": list(parameters), "responses": {}}
    return _doc({"/x": {"get": operation}})


def _query(name: str, schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema}


def _post(schema: Any) -> dict[str, Any]:
    body = {"content": {"application/json": {"schema": schema}}}
    return {"/x": {"post": {"requestBody": body, "responses": {"200": {"description": "ok"}}}}}


def _nested_schema(levels: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"a": schema}}
    return schema


def _laughs(levels: int = 10) -> str:
    lines = ["openapi: 3.0.3", "info: {title: t, version: '1'}", "paths: {}"]
    lines.append("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]")
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines)


def _ref(target: str) -> dict[str, str]:
    return {"$ref": target}


_CYCLES = _doc(
    {
        "/self": _post(_ref("#/components/schemas/Self")),
        "/pair": {"$ref": "#/paths/~1pair"},
        "/param": {
            "get": {
                "parameters": [_ref("#/components/parameters/P")],
                "responses": {"200": _ref("#/components/responses/R")},
            }
        },
    },
    components={
        "schemas": {
            "Self": {"type": "object", "properties": {"me": _ref("#/components/schemas/Self")}},
            "A": _ref("#/components/schemas/B"),
            "B": {"allOf": [_ref("#/components/schemas/A")]},
            "Loop": _ref("#/components/schemas/Loop"),
        },
        "parameters": {
            "P": _ref("#/components/parameters/Q"),
            "Q": _ref("#/components/parameters/P"),
        },
        "responses": {"R": _ref("#/components/responses/R")},
    },
)
_CYCLES["paths"]["/ab"] = _post(_ref("#/components/schemas/A"))
_CYCLES["paths"]["/loop"] = _post(_ref("#/components/schemas/Loop"))

_DANGLING = _doc(
    {
        "/x": {
            "$ref": "#/nowhere",
        },
        "/y": {
            "post": {
                "parameters": [_ref("#/components/parameters/Missing"), _ref("other.yaml#/P")],
                "requestBody": _ref("#/components/requestBodies/Missing"),
                "responses": {"200": _ref("#/components/responses/Missing")},
            }
        },
        "/z": _post({"type": "object", "properties": {"a": _ref("#/definitions/Gone/~1x")}}),
        "/w": _post(_ref("https://example.invalid/schema.json")),
    }
)

_WRONG_TYPES = _doc(
    {
        "/a": [],
        "/b": {"get": "yes", "post": 5, "put": None, "parameters": {"name": "x"}},
        "/c": {
            "get": {
                "parameters": [
                    5,
                    "p",
                    None,
                    {"name": 5, "in": "query"},
                    {"name": "q", "in": "body"},
                ],
                "requestBody": {"content": []},
                "responses": [],
                "tags": "tag",
                "operationId": ["id"],
            }
        },
        "/d": {
            "post": {
                "requestBody": {
                    "content": {"application/json": {"schema": {"type": 5, "properties": []}}}
                },
                "responses": {"200": {"content": {"application/json": {"schema": "string"}}}},
            }
        },
        "/e": _post(
            {
                "type": "object",
                "required": "yes",
                "properties": {
                    "n": {"type": "integer", "minimum": "low", "maximum": [], "default": "x"},
                    "e": {"enum": "abc"},
                    "l": {"type": "array", "items": 5},
                    "s": {"type": "string", "maxLength": -1, "pattern": "(["},
                    "o": {"oneOf": "x", "anyOf": [5, None]},
                    "b": {"type": ["boolean", 7]},
                },
            }
        ),
        "/f/{p}": {
            "get": {
                "parameters": [
                    {
                        "name": "p",
                        "in": "path",
                        "schema": {"additionalProperties": None, "required": None},
                    }
                ],
                "responses": {"200": {"description": "r"}},
            }
        },
    },
    info="hostile",
    servers="nowhere",
    tags=[5, None, {"name": ["x"]}],
    security={"x": 1},
    components=[],
)

HOSTILE = [
    pytest.param(json.dumps(_doc({})), "empty.json", "built", id="no-operations"),
    pytest.param("", "empty.yaml", "refused", id="empty-file"),
    pytest.param("\x00\xff\xfe garbage", "garbage.yaml", "refused", id="binary-garbage"),
    pytest.param("[1, 2, 3]", "list.json", "refused", id="not-an-object"),
    pytest.param(
        '{"openapi": "3.0.3", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "deep.json",
        "refused",
        id="json-nested-100000-deep",
    ),
    pytest.param(
        "openapi: 3.0.3\nx: " + "[" * 100_000 + "]" * 100_000,
        "deep.yaml",
        "refused",
        id="yaml-flow-nested-100000-deep",
    ),
    pytest.param(
        "openapi: 3.0.3\n" + "".join(f"{' ' * i}k{i}:\n" for i in range(2000)) + " " * 2000 + "v",
        "block.yaml",
        "refused",
        id="yaml-block-nested-2000-deep",
    ),
    pytest.param(
        json.dumps(_doc(_post(_nested_schema(MAX_NESTING)))),
        "deep-schema.json",
        "refused",
        id="schema-nested-past-the-limit",
    ),
    pytest.param(
        json.dumps(_doc(_post(_nested_schema(100)))),
        "deep-schema-ok.json",
        "built",
        id="schema-nested-100-deep",
    ),
    pytest.param(_laughs(), "laughs.yaml", "refused", id="yaml-billion-laughs"),
    pytest.param(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx: &a [*a, *a]",
        "recursive.yaml",
        "refused",
        id="yaml-recursive-alias",
    ),
    pytest.param(json.dumps(_CYCLES), "cycles.json", "built", id="ref-cycles"),
    pytest.param(json.dumps(_DANGLING), "dangling.json", "built", id="ref-to-missing-targets"),
    pytest.param(json.dumps(_WRONG_TYPES), "wrong.json", "built", id="wrong-types-everywhere"),
    pytest.param(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n"
        "  1: {get: {responses: {200: {description: ok}}}}\n"
        "  true: {get: {responses: {null: {description: x}}}}\n  null: {}\n  2.5: []\n"
        "components: {schemas: {1: {type: object, properties: {2: {type: string}, false: {}}}}}\n",
        "keys.yaml",
        "built",
        id="non-string-keys",
    ),
    pytest.param(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {? [a, b] : {}}\n",
        "list-key.yaml",
        "refused",
        id="a-list-as-a-key",
    ),
    pytest.param(
        json.dumps(
            _get_with(_query("q", {"type": "string", "enum": [f"v{i}" for i in range(200_000)]}))
        ),
        "enum.json",
        "built",
        id="enum-of-200000-values",
    ),
    pytest.param(
        json.dumps(
            _get_with(_query("a", {"enum": [[1, 2, 3], {"k": 1}]}), _query("b", {"const": [1, 2]}))
        ),
        "enum-objects.json",
        "built",
        id="enum-of-lists-and-objects",
    ),
    pytest.param(
        json.dumps(
            _doc(
                _post(
                    {
                        "type": "object",
                        "properties": {f"p{i}": {"type": "string"} for i in range(20_000)},
                    }
                )
            )
        ),
        "props.json",
        "built",
        id="20000-properties",
    ),
    pytest.param(
        json.dumps({"openapi": "9.9", "paths": {}}), "future.json", "refused", id="unknown-version"
    ),
    pytest.param(
        json.dumps(
            _doc(
                {
                    "/a": {"get": {"operationId": "same", "responses": {}}},
                    "/b": {"get": {"operationId": "same", "responses": {}}},
                }
            )
        ),
        "dupes.json",
        "built",
        id="duplicate-operation-ids",
    ),
]


@pytest.mark.parametrize(("text", "name", "expected"), HOSTILE)
def test_hostile_document(worker, text, name, expected) -> None:
    assert check(worker.run(text, name)) == expected


def test_enums_no_dropdown_can_offer_get_another_widget() -> None:
    """Past MAX_CHOICES values an enum is typed, not picked from a list shipped to the
    page; an enum of lists or objects is edited as JSON."""
    import autoui
    from autoui.mapper import plan_api

    long = {"type": "string", "enum": [f"v{i}" for i in range(MAX_CHOICES + 1)]}
    spec = _get_with(_query("long", long), _query("lists", {"enum": [[1, 2], {"k": 1}]}))
    fields = plan_api(autoui.load_spec(spec)).operations[0].fields
    assert [(f.name, f.component) for f in fields] == [("long", "textbox"), ("lists", "json")]


def test_10000_operations_build_a_page_of_the_first_ones(worker) -> None:
    paths = {
        f"/p{i}": {"get": {"operationId": f"op{i}", "responses": {"200": {"description": "ok"}}}}
        for i in range(10_000)
    }
    result = worker.run(json.dumps(_doc(paths)), "many.json", max_operations=25)
    assert check(result) == "built"
    assert result["operations"] == 10_000
    shown = markdown("This API has 10,000 operations; this page shows the first 25.")
    assert f"*{shown}*" in result["header"]


def test_the_real_limit_on_operations_is_documented() -> None:
    assert MAX_OPERATIONS == 2000 and MAX_EXPANDED_NODES == 5_000_000 and MAX_NESTING == 256


# Hypothesis: mutated and generated documents

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["#/components/schemas/A", "#/paths", "#/", "#", "$ref", "object", "array"]),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=20,
)
_KEYWORDS = [
    "type", "properties", "items", "required", "enum", "const", "default", "example",
    "examples", "oneOf", "anyOf", "allOf", "not", "nullable", "format", "minimum", "maximum",
    "minLength", "maxLength", "pattern", "additionalProperties", "$ref", "readOnly",
    "contentMediaType", "contentEncoding", "discriminator", "title", "description",
]  # fmt: skip
_TYPES = st.sampled_from(
    ["string", "integer", "number", "boolean", "array", "object", "null", "file"]
)
_REFS = st.sampled_from(
    [
        "#/components/schemas/A",
        "#/components/schemas/B",
        "#/components/schemas/Missing",
        "#/",
        "#/paths",
    ]
)


def _schema() -> st.SearchStrategy[Any]:
    return st.recursive(
        st.fixed_dictionaries({"type": _TYPES})
        | st.builds(lambda r: {"$ref": r}, _REFS)
        | _SCALARS,
        lambda inner: st.dictionaries(
            st.sampled_from(_KEYWORDS),
            st.one_of(
                inner,
                _TYPES,
                st.lists(inner, max_size=3),
                st.dictionaries(st.text(max_size=6), inner, max_size=3),
                _JSON,
            ),
            max_size=5,
        ),
        max_leaves=12,
    )


_LOCATIONS = st.sampled_from(["path", "query", "header", "cookie", "body", "formData", "nowhere"])
_MEDIA = st.sampled_from(
    ["application/json", "multipart/form-data", "application/x-www-form-urlencoded",
     "text/plain", "application/octet-stream", "image/*", "*/*", "text/event-stream"]
)  # fmt: skip


@st.composite
def generated_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A document from a loose grammar of OpenAPI 3: right shapes, wild contents."""
    operations = {}
    for i in range(draw(st.integers(1, 4))):
        parameters = [
            {
                "name": draw(st.text(max_size=6)),
                "in": draw(_LOCATIONS),
                "schema": draw(_schema()),
                "required": draw(st.booleans()),
                "style": draw(st.sampled_from(["form", "simple", "deepObject", "x"])),
            }
            for _ in range(draw(st.integers(0, 3)))
        ]
        operation: dict[str, Any] = {
            "operationId": draw(st.text(max_size=10)),
            "parameters": parameters,
            "responses": {
                draw(st.sampled_from(["200", "201", "default", "4XX"])): {
                    "description": "r",
                    "content": {draw(_MEDIA): {"schema": draw(_schema())}},
                }
            },
        }
        if draw(st.booleans()):
            operation["requestBody"] = {
                "required": draw(st.booleans()),
                "content": {draw(_MEDIA): {"schema": draw(_schema())}},
            }
        method = draw(st.sampled_from(["get", "post", "put", "delete", "patch"]))
        path = "/" + "/".join(draw(st.lists(st.text(max_size=5), max_size=3))) + f"/{{p}}{i}"
        operations.setdefault(path, {})[method] = operation
    return {
        "openapi": draw(st.sampled_from(["3.0.3", "3.1.0"])),
        "info": {"title": draw(st.text(max_size=20)), "version": "1"},
        "paths": operations,
        "components": {"schemas": {"A": draw(_schema()), "B": draw(_schema())}},
    }


def _seeds() -> list[dict[str, Any]]:
    from autoui_examples.model_api import create_app

    return [create_app().openapi(), FAULT_SPEC]


_SEEDS = _seeds()


@st.composite
def mutated_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A real spec (the example API's, the fault backend's) with a few nodes replaced,
    removed or turned into `$ref`s, at random places."""
    document = json.loads(json.dumps(draw(st.sampled_from(_SEEDS))))
    for _ in range(draw(st.integers(1, 6))):
        node: Any = document
        path: list[Any] = []
        while isinstance(node, (dict, list)) and node and draw(st.integers(0, 9)) < 8:
            key = draw(
                st.sampled_from(
                    sorted(node, key=str) if isinstance(node, dict) else range(len(node))
                )
            )
            path.append(key)
            node = node[key]
        if not path:
            continue
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "ref", "duplicate"]))
        if action == "replace":
            parent[path[-1]] = draw(_JSON)
        elif action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "ref":
            pointer = "#/" + "/".join(
                str(k).replace("~", "~0").replace("/", "~1") for k in draw(st.just(path))
            )
            parent[path[-1]] = {
                "$ref": draw(st.sampled_from([pointer, pointer + "/x", "#/paths", "#"]))
            }
        else:
            parent[path[-1]] = json.loads(json.dumps(document.get("components", document)))
    return document


_FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


@_FUZZ
@given(document=generated_specs())
def test_generated_documents(worker, document) -> None:
    check(worker.run(json.dumps(document), "generated.json"))


@_FUZZ
@given(document=mutated_specs())
def test_mutated_documents(worker, document) -> None:
    check(worker.run(json.dumps(document), "mutated.json"))


@_FUZZ
@given(document=mutated_specs())
def test_mutated_documents_as_yaml(worker, document) -> None:
    check(worker.run(yaml.safe_dump(document, allow_unicode=True), "mutated.yaml"))
