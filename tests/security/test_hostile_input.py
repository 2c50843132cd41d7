"""Hostile input: every generated form, filled with values drawn from each field's own
schema (hypothesis-jsonschema) and with values outside it, sent by the dispatcher to a
FastAPI backend that validates each request against the very spec autoui built the
form from.

- Values inside the schema make valid requests: the backend never answers 422 (zero
  false rejections), and it received the values that were meant.
- Values outside it are refused before sending with one line naming the field, or
  reported by the backend's 422; nothing raises, nothing crashes the backend.

The same runs against the example API's forms. Budget: `FUZZ_EXAMPLES` per test, or
`AUTOUI_FUZZ_EXAMPLES=1000` for a longer run.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

import jsonschema
import pytest
from fastapi import FastAPI, Form, Query
from fastapi import Path as PathParam
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from pydantic import BaseModel, Field
from support.servers import serve_asgi

import autoui
from autoui.dispatcher import Dispatcher, Reply
from autoui.dispatcher.options import Options as CallOptions
from autoui.mapper import OperationPlan, plan_api
from autoui.mapper.plan import Field as FormField

FUZZ_EXAMPLES = int(os.environ.get("AUTOUI_FUZZ_EXAMPLES", "30"))


class Options(BaseModel):
    temperature: float = Field(0.7, ge=0, le=2)
    top_k: int | None = Field(None, ge=1, le=100)
    mode: Literal["fast", "slow"] = "fast"
    stop: list[str] = []


class Job(BaseModel):
    prompt: str = Field(min_length=1, max_length=200)
    count: int = Field(1, ge=1, le=10)
    ratio: float | None = None
    flag: bool = False
    tags: list[str] = []
    sizes: list[Annotated[int, Field(ge=-1000, le=1000)]] = []
    color: Literal["red", "green", "blue"] | None = None
    options: Options = Options()
    meta: dict[str, int] = {}


def validating_app() -> FastAPI:
    """A backend whose FastAPI validation is the spec autoui reads (its /openapi.json)."""
    app = FastAPI(title="validating backend")

    @app.post("/jobs/{team:path}")
    def create_job(
        team: Annotated[str, PathParam(min_length=1, max_length=40)],
        job: Job,
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
        verbose: bool = False,
        labels: Annotated[list[str] | None, Query()] = None,
        scale: Annotated[float | None, Query(ge=-1e6, le=1e6)] = None,
    ) -> dict[str, Any]:
        return {
            "team": team,
            "job": job.model_dump(exclude_unset=True),
            "query": {"limit": limit, "verbose": verbose, "labels": labels, "scale": scale},
        }

    @app.get("/items/{item_id}")
    def get_item(
        item_id: Annotated[int, PathParam(ge=0, le=10**12)],
        fields: Annotated[list[Literal["a", "b", "c"]], Query()] = [],  # noqa: B006
        q: Annotated[str | None, Query(max_length=50)] = None,
    ) -> dict[str, Any]:
        return {"item_id": item_id, "fields": fields, "q": q}

    @app.post("/forms")
    def submit_form(
        name: Annotated[str, Form(min_length=1, max_length=30)],
        age: Annotated[int, Form(ge=0, le=150)],
        subscribe: Annotated[bool, Form()] = False,
    ) -> dict[str, Any]:
        return {"name": name, "age": age, "subscribe": subscribe}

    return app


@pytest.fixture(scope="module")
def validating() -> Iterator[tuple[str, dict[str, OperationPlan]]]:
    app = validating_app()
    with serve_asgi(app) as url:
        plans = plan_api(autoui.load_spec(app.openapi(), source_url=f"{url}/openapi.json"))
        yield url, {plan.api_name: plan for plan in plans.operations}


@pytest.fixture(scope="module")
def example(example_api: str) -> tuple[str, dict[str, OperationPlan]]:
    plans = plan_api(autoui.load_spec(f"{example_api}/openapi.json"))
    return example_api, {plan.api_name: plan for plan in plans.operations}


def inline(schema: Any, document: dict[str, Any], depth: int = 0) -> Any:
    """`schema` with its local `$ref`s replaced by their targets (hypothesis-jsonschema
    and jsonschema need no document then), down to a few levels."""
    if isinstance(schema, list):
        return [inline(item, document, depth) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if isinstance(schema.get("$ref"), str) and depth < 8:
        target: Any = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return inline({**target, **rest}, document, depth + 1)
    return {
        key: value
        if key in ("enum", "const", "default", "examples", "example")
        else inline(value, document, depth)
        for key, value in schema.items()
        if key not in ("examples", "example", "x-autoui-json")
    }


def widget_value(field: FormField, value: Any, tmp: Path) -> Any:
    """What the field's widget hands over when the user means `value`."""
    if field.encoding in ("base64", "file"):
        path = tmp / f"upload-{abs(hash(json.dumps(value, default=str))) % 10**8}.bin"
        path.write_bytes(value.encode("utf-8") if isinstance(value, str) else b"\x00")
        return str(path)
    if field.encoding == "json" or field.component == "json":
        return json.dumps(value)
    return value


def sendable(field: FormField, value: Any) -> bool:
    """Leaves out path values a schema allows that cannot reach this backend's route: "."
    and ".." as a whole segment would change the path (the dispatcher refuses them), and
    Starlette matches routes against the decoded path with a regex whose `.` stops at a
    line break (autoui sends `%0A` correctly; the backend answers 404)."""
    if field.location != "path":
        return True
    return value not in (".", "..") and not (isinstance(value, str) and "\n" in value)


@st.composite
def form_values(draw: st.DrawFn, plan: OperationPlan, document: dict[str, Any]) -> dict[str, Any]:
    """A JSON value for every required field and some optional ones, each valid for its
    field's schema."""
    values: dict[str, Any] = {}
    for field in plan.fields:
        if not field.required and not draw(st.booleans()):
            continue
        value = draw(from_schema(inline(field.schema, document)))
        assume(sendable(field, value))
        values[field.api_param] = value
    return values


def send(url: str, plan: OperationPlan, meant: dict[str, Any], tmp: Path) -> Reply:
    widgets = {
        f.api_param: widget_value(f, meant[f.api_param], tmp)
        for f in plan.fields
        if f.api_param in meant
    }
    return Dispatcher(url, CallOptions(timeout=30), uploads=[str(tmp)]).call(plan, widgets)


def same(sent: Any, received: Any) -> bool:
    if isinstance(sent, float) or isinstance(received, float):
        return isinstance(received, (int, float)) and math.isclose(
            sent, received, rel_tol=1e-9, abs_tol=1e-12
        )
    if isinstance(sent, list):
        return (
            isinstance(received, list)
            and len(sent) == len(received)
            and all(map(same, sent, received))
        )
    if isinstance(sent, dict):
        return isinstance(received, dict) and all(same(v, received.get(k)) for k, v in sent.items())
    return bool(sent == received)


_FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
    derandomize=True,
)


@pytest.fixture(params=["create_job", "get_item", "submit_form"])
def target(
    request: pytest.FixtureRequest, validating, tmp_path_factory
) -> tuple[str, OperationPlan, dict[str, Any], Path]:
    """(backend URL, one operation's plan, the backend's spec, a folder for uploads)."""
    url, plans = validating
    return url, plans[request.param], _spec(url), tmp_path_factory.mktemp("uploads")


def test_valid_values_make_valid_requests(target) -> None:
    url, plan, document, tmp = target
    api_name = plan.api_name

    @_FUZZ
    @given(meant=form_values(plan, document))
    def run(meant: dict[str, Any]) -> None:
        reply = send(url, plan, meant, tmp)
        assert reply.status == 200, (meant, reply.error)
        echoed = reply.data
        for field in plan.fields:
            if field.api_param not in meant:
                continue
            value = meant[field.api_param]
            if field.location == "path":
                received = echoed.get("team", echoed.get("item_id"))
            elif field.location == "query":
                received = (echoed.get("query") or echoed)[field.name]
            elif api_name == "submit_form":
                received = echoed[field.name]
            else:
                received = echoed["job"]
                for key in field.body_path:
                    received = received.get(key) if isinstance(received, dict) else None
            if value in ("", [], None):
                continue  # an empty optional widget sends nothing: the backend's default
            if field.component == "slider" and not field.required and value == field.server_default:
                assert received is None  # left at the server's default: not sent
                continue
            assert same(value, received), (field.api_param, value, received)

    run()


_ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def test_invalid_values_are_refused_or_reported(target) -> None:
    url, plan, document, tmp = target

    @_FUZZ
    @given(meant=form_values(plan, document), data=st.data())
    def run(meant: dict[str, Any], data: st.DataObject) -> None:
        field = data.draw(st.sampled_from(plan.fields))
        schema = inline(field.schema, document)
        bad = data.draw(_ANY_JSON)
        assume(not jsonschema.Draft202012Validator(schema).is_valid(bad))
        reply = send(url, plan, {**meant, field.api_param: bad}, tmp)
        assert reply.status != 500, reply.error
        if reply.status is None:  # refused before sending: one line naming the field
            assert reply.error is not None and "\n" not in reply.error
            assert reply.error.startswith(field.label.removesuffix(" *")), reply.error
        elif reply.status == 422:
            assert reply.error and reply.error.startswith("HTTP 422 Unprocessable"), reply.error
        else:
            # The widget's own conversion made it valid ("3" for an integer is 3).
            assert reply.status == 200, reply.summary()

    run()


def schema_rejection(reply: Reply) -> bool:
    """FastAPI's request validation failed: a 422 whose `detail` lists {loc, msg}."""
    detail = reply.data.get("detail") if isinstance(reply.data, dict) else None
    return reply.status == 422 and isinstance(detail, list)


_SPECS: dict[str, dict[str, Any]] = {}


def _spec(url: str) -> dict[str, Any]:
    if url not in _SPECS:
        import requests

        _SPECS[url] = requests.get(f"{url}/openapi.json", timeout=30).json()
    return _SPECS[url]


def test_example_api_forms_take_every_valid_value(example, tmp_path_factory) -> None:
    """Every form of the example API: values from each field's schema are never refused
    by the validation of the API whose spec made the form, and nothing raises. (The API
    may still turn down what its schema cannot say, such as an empty image.)"""
    url, plans = example
    document = _spec(url)
    tmp = tmp_path_factory.mktemp("uploads")
    names = sorted(plans)

    @_FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        plan = plans[data.draw(st.sampled_from(names))]
        meant = data.draw(form_values(plan, document))
        reply = send(url, plan, meant, tmp)
        assert not schema_rejection(reply), (plan.api_name, meant, reply.error)
        assert reply.status is None or reply.status < 500, (plan.api_name, reply.error)

    run()
