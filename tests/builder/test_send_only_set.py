"""Send only what the user set (issue 15): an optional field nobody touched is not sent.

A spec's `default` says what the server does without the field: it is shown (the empty
box's placeholder, the help text), never sent; `default: "null"` (TGI's way of writing
Rust's None) is no default at all; an optional slider starts at the server's default and
is not sent while it stays there. One optional field of every widget kind, each with a
default, is put behind the echo backend (tests/support/echo.py), which reports what went
over the wire: through gradio_client, and through the page as it opens in Chromium.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from gradio_client import Client
from playwright.sync_api import Page, expect
from support.browser import open_gradio
from support.echo import echo_app
from support.servers import serve_asgi, serve_gradio

from autoui import load_spec
from autoui.app import build_app
from autoui.mapper import NO_DEFAULT, plan_api
from autoui.mapper.plan import OperationPlan

WAIT = 20_000

PROPERTIES: dict[str, Any] = {
    "q": {"type": "string"},
    "confirm": {"type": "boolean"},
    "name": {"type": "string", "default": "ann", "example": "bob"},
    "prompt": {"type": "string", "default": "Hello"},
    "count": {"type": "integer", "default": 3},
    "temperature": {"type": "number", "minimum": 0, "maximum": 2, "default": 0.7},
    "top_p": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1, "default": "null"},
    "stream": {"type": "boolean", "default": True},
    "effort": {"type": "string", "enum": ["low", "medium", "high"], "default": "medium"},
    "modalities": {
        "type": "array",
        "items": {"type": "string", "enum": ["text", "audio"]},
        "default": ["text"],
    },
    "stop": {"type": "array", "items": {"type": "string"}, "default": ["\n"]},
    "bias": {"type": "object", "additionalProperties": {"type": "integer"}, "default": {"a": 1}},
    "tools": {
        "type": "array",
        "items": {"type": "object", "properties": {"name": {"type": "string"}}},
        "default": [{"name": "search"}],
    },
    "extra": {"default": {"k": [1]}},
    "adapter_id": {"type": "string", "default": "null"},
}
KINDS = {
    "q": "textbox",
    "confirm": "checkbox",
    "name": "textbox",
    "prompt": "textarea",
    "count": "number",
    "temperature": "slider",
    "top_p": "number",
    "stream": "tristate",
    "effort": "dropdown",
    "modalities": "multiselect",
    "stop": "list",
    "bias": "keyvalue",
    "tools": "table",
    "extra": "json",
    "adapter_id": "textbox",
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Settings", "version": "1"},
    "paths": {
        "/echo/settings": {
            "post": {
                "operationId": "settings",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["q", "confirm"],
                                "properties": PROPERTIES,
                            }
                        }
                    },
                },
                "responses": {"200": {"description": "OK"}},
            }
        }
    },
}


def _plan() -> OperationPlan:
    return plan_api(load_spec(SPEC, validate=False)).operations[0]


def test_every_widget_kind_is_here_and_an_optional_one_starts_unset() -> None:
    plan = _plan()
    assert {f.name: f.component for f in plan.fields} == KINDS
    for f in plan.fields:
        if f.required:
            continue
        starts = f.default if f.component == "slider" else NO_DEFAULT
        assert f.default == starts, f.name
    shown = {f.name: (f.placeholder, f.info) for f in plan.fields}
    assert shown["count"][0] == "default: 3"
    assert shown["effort"][1] == "(default: medium)"
    assert shown["stream"][1] == "(default: true)"
    top_p = plan.field_by_param("top_p")
    assert (top_p.server_default, top_p.placeholder) == (NO_DEFAULT, "")  # "null" is none
    assert shown["adapter_id"] == ("", "")


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, FastAPI]]:
    backend = echo_app()
    with serve_asgi(backend) as base, serve_gradio(build_app(SPEC, base_url=base)) as url:
        yield url, backend


def _sent(backend: FastAPI) -> dict[str, Any]:
    seen = backend.state.seen[-1]
    body: dict[str, Any] = json.loads(base64.b64decode(seen["body"]))
    return body


def test_gradio_client_sends_only_the_arguments_given(served) -> None:
    url, backend = served
    client = Client(url, verbose=False, download_files=False)
    client.predict(q="hi", confirm=False, api_name="/settings")
    assert _sent(backend) == {"q": "hi", "confirm": False}
    # Given, each is sent, the server's default too (the caller said it).
    client.predict(
        q="hi", confirm=True, temperature=1.5, stream=False, effort="high", api_name="/settings"
    )
    assert _sent(backend) == {
        "q": "hi",
        "confirm": True,
        "temperature": 1.5,
        "stream": False,
        "effort": "high",
    }


def _field(page: Page, name: str) -> Any:
    return page.locator(f'[id="in-body-{name}"]')


def _send(page: Page, backend: FastAPI) -> dict[str, Any]:
    """Press Send and wait for the request to arrive (the status line of an earlier one
    may still say 200 OK)."""
    before = len(backend.state.seen)
    page.locator('[id="send-settings"]').click()
    for _ in range(WAIT // 50):
        if len(backend.state.seen) > before:
            break
        page.wait_for_timeout(50)
    assert len(backend.state.seen) == before + 1
    expect(page.locator('[id="status-settings"]')).to_contain_text("200 OK", timeout=WAIT)
    return _sent(backend)


def test_the_form_as_it_opens_sends_only_the_required_fields(page: Page, served) -> None:
    url, backend = served
    open_gradio(page, f"{url}/?op=settings")
    box = _field(page, "q").locator("textarea, input").first
    box.fill("hi")
    box.press("Tab")
    assert _send(page, backend) == {"q": "hi", "confirm": False}


def test_what_the_user_sets_on_the_page_is_sent(page: Page, served) -> None:
    url, backend = served
    open_gradio(page, f"{url}/?op=settings")
    page.locator("#optional-settings").click()  # the optional fields start hidden
    _field(page, "q").locator("textarea, input").first.fill("hi")
    _field(page, "stream").get_by_label("false").check()  # not set / true / false
    number = _field(page, "temperature").locator('input[type="number"]')
    number.fill("1.5")
    number.press("Enter")
    count = _field(page, "count").locator("textarea, input").first
    count.fill("5")
    count.press("Tab")
    combo = _field(page, "effort").get_by_role("combobox")
    combo.click()
    page.locator(f'[id="{combo.get_attribute("aria-controls")}"]').get_by_role(
        "option", name="high", exact=True
    ).click()
    sent = _send(page, backend)
    assert sent == {
        "q": "hi",
        "confirm": False,
        "stream": False,
        "temperature": 1.5,
        "count": 5,
        "effort": "high",
    }
    # The slider moved back to the server's default is "not set" again.
    number.fill("0.7")
    number.press("Enter")
    assert "temperature" not in _send(page, backend)
