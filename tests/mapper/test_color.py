"""A colour (`format: color`): the kind added as one module (`mapper/kinds/color.py`), to
show what a new input kind takes. It is a colour picker on the page, its default and
example follow a text box's rules (a required field starts with them, an optional one
starts empty and says them), and what the user picks goes over the wire as the text the
picker gives, through gradio_client and through the page in Chromium, to the echo
backend (tests/support/echo.py), which reports what it received."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from fastapi import FastAPI
from gradio_client import Client
from playwright.sync_api import Page, expect
from support.browser import open_gradio, show_optional
from support.echo import echo_app
from support.servers import serve_asgi, serve_gradio

from autoui import load_spec
from autoui.app import build_app
from autoui.mapper import NO_DEFAULT, plan_api
from autoui.mapper.plan import OperationPlan

WAIT = 20_000
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Paint", "version": "1"},
    "paths": {
        "/echo/paint": {
            "post": {
                "operationId": "paint",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["background"],
                                "properties": {
                                    "background": {
                                        "type": "string",
                                        "format": "color",
                                        "default": "#ffffff",
                                    },
                                    "ink": {
                                        "type": "string",
                                        "format": "color",
                                        "example": "#ff0000",
                                    },
                                    "border": {
                                        "type": "string",
                                        "format": "color",
                                        "default": "#000000",
                                    },
                                    "named": {
                                        "type": "string",
                                        "format": "color",
                                        "enum": ["red", "green"],
                                    },
                                },
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


def test_a_colour_gets_a_colour_picker_with_a_text_boxs_default_rules() -> None:
    fields = {f.name: f for f in _plan().fields}
    assert {n: (f.component, f.rule) for n, f in fields.items()} == {
        "background": ("color", "color"),
        "ink": ("color", "color"),
        "border": ("color", "color"),
        "named": ("dropdown", "enum"),  # colours to choose from stay a dropdown
    }
    assert fields["background"].default == "#ffffff"  # required: starts with the default
    assert (fields["ink"].default, fields["ink"].placeholder) == (NO_DEFAULT, "#ff0000")
    border = fields["border"]  # optional: the server's default is said, not sent
    assert (border.default, border.server_default) == (NO_DEFAULT, "#000000")
    assert border.info == "(default: #000000)"


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, FastAPI]]:
    backend = echo_app()
    with serve_asgi(backend) as base, serve_gradio(build_app(SPEC, base_url=base)) as url:
        yield url, backend


def _sent(backend: FastAPI) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(base64.b64decode(backend.state.seen[-1]["body"]))
    return body


def test_the_page_shows_colour_pickers_that_say_the_example_and_the_default(served) -> None:
    url, _ = served
    config = requests.get(f"{url}/config", timeout=30).json()
    pickers = {
        c["props"]["elem_id"]: c["props"]
        for c in config["components"]
        if c.get("type") == "colorpicker"
    }
    assert set(pickers) == {"in-body-background", "in-body-ink", "in-body-border"}
    assert pickers["in-body-background"]["value"] == "#ffffff"
    assert pickers["in-body-ink"].get("value") is None
    assert pickers["in-body-ink"]["info"] == "e.g. #ff0000"
    assert pickers["in-body-border"]["info"] == "(default: #000000)"


def test_gradio_client_sends_the_colour_given_and_nothing_else(served) -> None:
    url, backend = served
    client = Client(url, verbose=False, download_files=False)
    client.predict(background="#102030", api_name="/paint")
    assert _sent(backend) == {"background": "#102030"}
    client.predict(background="#102030", ink="#a0b0c0", api_name="/paint")
    assert _sent(backend) == {"background": "#102030", "ink": "#a0b0c0"}


def test_the_colour_picked_on_the_page_is_sent(page: Page, served) -> None:
    url, backend = served
    open_gradio(page, f"{url}/?op=paint")
    show_optional(page)
    before = len(backend.state.seen)
    picker = page.locator('[id="in-body-ink"]')
    picker.get_by_role("button", name="ink", exact=True).click()  # opens the picker
    box = picker.locator('input[type="text"]')
    box.fill("#12ab34")
    box.press("Enter")
    page.locator('[id="send-paint"]').click()
    expect(page.locator('[id="status-paint"]')).to_contain_text("200 OK", timeout=WAIT)
    assert len(backend.state.seen) == before + 1
    assert _sent(backend) == {"background": "#ffffff", "ink": "#12ab34"}
