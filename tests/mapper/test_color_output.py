"""A colour answer (`format: color` in the reply's schema): the output kind added as one
module (`mapper/output_kinds/color.py`), to show what a new output kind takes. The answer
field is planned as a colour; on the page the reply shows as its swatch (a colour picker
that cannot be changed), and gradio_client gets the colour's text. The API is a small
FastAPI app on loopback that answers a swatch's colour by its name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from fastapi import FastAPI, HTTPException
from gradio_client import Client
from playwright.sync_api import Page, expect
from support.browser import open_gradio
from support.servers import serve_asgi, serve_gradio

from autoui import load_spec
from autoui.app import build_app
from autoui.mapper import plan_api

WAIT = 20_000
SWATCHES = {"sky": "#87ceeb", "moss": "#8a9a5b"}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Swatches", "version": "1"},
    "paths": {
        "/swatches/{name}": {
            "get": {
                "operationId": "swatch",
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "The swatch",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "color": {"type": "string", "format": "color"},
                                    },
                                }
                            }
                        },
                    }
                },
            }
        }
    },
}


def swatches_api() -> FastAPI:
    app = FastAPI()
    app.state.asked = []

    @app.get("/swatches/{name}")
    def swatch(name: str) -> dict[str, Any]:
        app.state.asked.append(name)
        if name not in SWATCHES:
            raise HTTPException(404, f"no swatch {name!r}")
        return {"id": list(SWATCHES).index(name), "color": SWATCHES[name]}

    return app


def test_a_colour_answer_is_planned_as_a_colour() -> None:
    output = plan_api(load_spec(SPEC, validate=False)).operations[0].outputs[0]
    assert (output.component, output.field, output.rule) == ("color", "color", "primary field")


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, FastAPI]]:
    backend = swatches_api()
    with serve_asgi(backend) as base, serve_gradio(build_app(SPEC, base_url=base)) as url:
        yield url, backend


def test_the_page_has_a_swatch_that_cannot_be_changed(served: tuple[str, FastAPI]) -> None:
    url, _ = served
    config = requests.get(f"{url}/config", timeout=30).json()
    swatch = next(
        c for c in config["components"] if c["props"].get("elem_id") == "result-swatch-color"
    )
    assert swatch["type"] == "colorpicker"
    assert swatch["props"]["interactive"] is False


def test_gradio_client_gets_the_colours_text(served: tuple[str, FastAPI]) -> None:
    url, backend = served
    client = Client(url, verbose=False, download_files=False)
    assert client.predict(name="moss", api_name="/swatch") == "#8a9a5b"
    assert backend.state.asked[-1] == "moss"


def test_the_reply_shows_as_its_swatch_on_the_page(page: Page, served: tuple[str, FastAPI]) -> None:
    url, backend = served
    open_gradio(page, f"{url}/?op=swatch")
    page.locator('[id="in-path-name"] input, [id="in-path-name"] textarea').first.fill("sky")
    page.locator('[id="send-swatch"]').click()
    expect(page.locator('[id="status-swatch"]')).to_contain_text("200 OK", timeout=WAIT)
    assert backend.state.asked[-1] == "sky"
    expect(page.locator('[id="result-swatch-color"]')).to_be_visible()
    expect(page.locator('[id="result-swatch-textbox"]')).to_be_hidden()
    # What a person sees: the swatch painted in the colour the API answered (#87ceeb).
    page.wait_for_function(
        """() => [...document.querySelectorAll('[id="result-swatch-color"] *')].some(
            e => getComputedStyle(e).backgroundColor === 'rgb(135, 206, 235)')""",
        timeout=WAIT,
    )
