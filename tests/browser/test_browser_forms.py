"""A spot check of the harder forms in a real browser (Debian's Chromium through
Playwright) in front of the echo backend: what the user sees, and what went over the
wire when they press Send.

Variant selector, table, key/value map, examples menu, an optional boolean's three
choices, the check before sending with "Send anyway", and the choice of media type; and
the same check through gradio_client.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from gradio_client import Client
from playwright.sync_api import Locator, Page, expect
from support.browser import fill_row, open_gradio
from support.echo import echo_app
from support.servers import serve_asgi, serve_gradio

import autoui
from autoui.builder.navigator import NAVIGATOR_ID
from autoui.serve import asgi_app

STRING = {"type": "string"}
PET = {
    "type": "object",
    "required": ["name", "pet"],
    "properties": {
        "name": {"type": "string", "maxLength": 12},
        "born": {"type": "string", "format": "date"},
        "pet": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "kind"},
        },
        "toys": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["toy"],
                "properties": {"toy": STRING, "price": {"type": "number"}},
            },
        },
        "labels": {"type": "object", "additionalProperties": {"type": "integer"}},
        "chipped": {"type": "boolean"},
    },
}
CONTACT = {
    "type": "object",
    "required": ["email"],
    "properties": {"email": {"type": "string", "format": "email"}, "topic": STRING},
}
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Pet shop", "version": "1"},
    "paths": {
        "/echo/pets": {
            "post": {
                "operationId": "adopt",
                "summary": "Adopt a pet",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": PET,
                            "examples": {
                                "tom": {
                                    "summary": "Tom the cat",
                                    "value": {
                                        "name": "Tom",
                                        "born": "2020-02-29",
                                        "pet": {"kind": "Cat", "lives": 9},
                                        "labels": {"age": 4},
                                    },
                                },
                                "rex": {
                                    "summary": "Rex the dog",
                                    "value": {
                                        "name": "Rex",
                                        "pet": {"kind": "Dog", "bark": "woof"},
                                    },
                                },
                            },
                        }
                    },
                },
                # The echo backend answers with what it saw; `method` is the one field shown.
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"method": STRING}}
                            }
                        },
                    }
                },
            }
        },
        "/echo/contact": {
            "post": {
                "operationId": "contact",
                "summary": "Write to us",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": CONTACT},
                        "application/x-www-form-urlencoded": {"schema": CONTACT},
                    },
                },
                "responses": {"200": {"description": "OK"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Cat": {
                "type": "object",
                "required": ["kind", "lives"],
                "properties": {"kind": STRING, "lives": {"type": "integer", "maximum": 9}},
            },
            "Dog": {"type": "object", "properties": {"kind": STRING, "bark": STRING}},
        }
    },
}


@pytest.fixture(scope="module", params=["tabs", "navigator"])
def shop(request: pytest.FixtureRequest) -> Iterator[tuple[str, FastAPI]]:
    """The UI for SPEC, served, in front of the echo backend: (UI URL, backend app).

    Both layouts: the navigator builds the open form with `gr.render`, on the server,
    and every form must work the same there (served as `autoui serve` serves it: the
    page at `ui/`, the API endpoints at the root)."""
    backend = echo_app()
    with serve_asgi(backend) as base:
        demo = autoui.build_app(SPEC, base_url=base, layout=request.param)
        if request.param == "tabs":
            with serve_gradio(demo) as url:
                yield url, backend
        else:
            with serve_asgi(asgi_app(demo)) as url:
                yield url, backend


def last_body(backend: FastAPI) -> tuple[str, bytes]:
    seen = backend.state.seen[-1]
    return seen["content_type"], base64.b64decode(seen["body"])


def open_tab(page: Page, url: str, title: str, api_name: str, *, optional: bool = False) -> Locator:
    """Open the operation's form: its tab, or in the navigator its deep link; with
    `optional`, show its optional fields too (they start hidden)."""
    open_gradio(page, f"{url}/?op={api_name}")
    if page.locator(f"#{NAVIGATOR_ID}").count():
        expect(page.locator(f"#send-{api_name}")).to_be_visible()
        form = page.locator(".gradio-container")
    else:
        page.get_by_role("tab", name=title, exact=True).click()
        form = page.locator(f"#tab-{api_name}")
    if optional:
        page.locator(f"#optional-{api_name}").click()
    return form


def choose(form: Locator, label: str, option: str) -> None:
    """Pick an option of a Gradio dropdown, as a user does."""
    form.get_by_label(label, exact=True).click()
    form.page.get_by_role("option", name=option, exact=True).click()


def sent(backend: FastAPI, before: int) -> dict[str, Any]:
    """The JSON body of the one request the backend got since `before`."""
    assert len(backend.state.seen) == before + 1
    content_type, body = last_body(backend)
    assert content_type == "application/json"
    return json.loads(body)  # type: ignore[no-any-return]


def test_the_variant_selector_switches_the_fields_and_only_its_fields_are_sent(
    page: Page, shop: tuple[str, FastAPI]
) -> None:
    url, backend = shop
    form = open_tab(page, url, "Adopt a pet", "adopt", optional=True)
    expect(form.get_by_label("pet.lives *")).to_be_visible()
    expect(form.get_by_label("pet.bark")).to_be_hidden()
    form.get_by_label("name *").fill("Tom")
    form.get_by_label("pet.lives *").fill("7")
    choose(form, "pet (variant) *", "Dog")
    expect(form.get_by_label("pet.bark")).to_be_visible()
    expect(form.get_by_label("pet.lives *")).to_be_hidden()
    form.get_by_label("pet.bark").fill("woof")
    before = len(backend.state.seen)
    page.locator("#send-adopt").click()
    expect(form.locator(".autoui-status").first).to_contain_text("200 OK", timeout=30_000)
    # The cat's lives typed before switching are not sent; the discriminator is.
    assert sent(backend, before) == {"name": "Tom", "pet": {"kind": "Dog", "bark": "woof"}}


def test_table_and_key_value_rows_go_over_the_wire_as_a_list_and_an_object(
    page: Page, shop: tuple[str, FastAPI]
) -> None:
    url, backend = shop
    form = open_tab(page, url, "Adopt a pet", "adopt", optional=True)
    form.get_by_label("name *").fill("Tom")
    form.get_by_label("pet.lives *").fill("3")
    toys = form.locator("#in-body-toys")
    expect(toys.get_by_role("columnheader", name="toy *")).to_be_visible()
    fill_row(toys, 0, ["ball", "2.5"])
    fill_row(toys, 1, ["rope", ""])
    labels = form.locator("#in-body-labels")
    fill_row(labels, 0, ["age", "4"])
    before = len(backend.state.seen)
    page.locator("#send-adopt").click()
    expect(form.locator(".autoui-status").first).to_contain_text("200 OK", timeout=30_000)
    body = sent(backend, before)
    assert body["toys"] == [{"toy": "ball", "price": 2.5}, {"toy": "rope"}]
    assert body["labels"] == {"age": 4}


def test_optional_fields_and_collapsed_sections_are_drawn_when_asked_for(
    page: Page, shop: tuple[str, FastAPI]
) -> None:
    """The optional fields, the raw body and the curl/raw reply section start hidden (the
    page loads none of their code); shown, they work: a value typed into an optional
    field shown later is sent, and the curl command shows it."""
    url, backend = shop
    form = open_tab(page, url, "Adopt a pet", "adopt")
    expect(form.get_by_label("born")).to_be_hidden()
    expect(page.locator("#raw-text-adopt")).to_be_hidden()
    expect(page.locator("#curl-adopt")).to_be_hidden()
    form.get_by_label("name *").fill("Tom")
    form.get_by_label("pet.lives *").fill("3")
    page.locator("#raw-body-adopt").get_by_text("Raw body").click()
    expect(page.locator("#raw-text-adopt textarea")).to_be_visible()
    more = page.locator("#optional-adopt")
    expect(more).to_contain_text("optional parameters")
    more.click()
    expect(more).to_be_hidden()
    form.get_by_label("born").fill("2020-02-29")
    before = len(backend.state.seen)
    page.locator("#send-adopt").click()
    expect(form.locator(".autoui-status").first).to_contain_text("200 OK", timeout=30_000)
    assert sent(backend, before) == {
        "name": "Tom",
        "born": "2020-02-29",
        "pet": {"kind": "Cat", "lives": 3},
    }
    form.get_by_text("curl · headers · raw reply").click()
    expect(page.locator("#curl-adopt")).to_contain_text("2020-02-29")
    expect(page.locator("#raw-adopt")).to_contain_text('"status": 200')


def test_the_examples_menu_fills_every_field(page: Page, shop: tuple[str, FastAPI]) -> None:
    url, backend = shop
    form = open_tab(page, url, "Adopt a pet", "adopt")
    choose(form, "Example", "Rex the dog")
    expect(form.get_by_label("name *")).to_have_value("Rex")
    expect(form.get_by_label("pet (variant) *")).to_have_value("Dog")
    expect(form.get_by_label("pet.bark")).to_have_value("woof")
    choose(form, "Example", "Tom the cat")
    expect(form.get_by_label("name *")).to_have_value("Tom")
    expect(form.get_by_label("born")).to_have_value("2020-02-29")
    expect(form.get_by_label("born")).to_be_visible()  # an example shows what it fills
    expect(form.locator("#optional-adopt")).to_be_hidden()
    expect(form.get_by_label("pet.lives *")).to_have_value("9")
    expect(form.locator("#in-body-labels").get_by_test_id("cell-0-0")).to_have_text("age")
    before = len(backend.state.seen)
    page.locator("#send-adopt").click()
    expect(form.locator(".autoui-status").first).to_contain_text("200 OK", timeout=30_000)
    assert sent(backend, before) == {
        "name": "Tom",
        "born": "2020-02-29",
        "pet": {"kind": "Cat", "lives": 9},
        "labels": {"age": 4},
    }


def test_an_optional_boolean_is_sent_as_false_or_not_at_all(
    page: Page, shop: tuple[str, FastAPI]
) -> None:
    url, backend = shop
    form = open_tab(page, url, "Adopt a pet", "adopt", optional=True)
    form.get_by_label("name *").fill("Tom")
    form.get_by_label("pet.lives *").fill("3")
    chipped = form.locator("#in-body-chipped")
    expect(chipped.get_by_role("radio", name="not set")).to_be_checked()
    chipped.get_by_role("radio", name="false").check()
    before = len(backend.state.seen)
    page.locator("#send-adopt").click()
    expect(form.locator(".autoui-status").first).to_contain_text("200 OK", timeout=30_000)
    assert sent(backend, before) == {
        "name": "Tom",
        "pet": {"kind": "Cat", "lives": 3},
        "chipped": False,
    }
    chipped.get_by_role("radio", name="not set").check()
    page.locator("#send-adopt").click()
    for _ in range(300):  # the status already says 200 OK: wait for the request itself
        if len(backend.state.seen) > before + 1:
            break
        page.wait_for_timeout(100)
    assert sent(backend, before + 1) == {"name": "Tom", "pet": {"kind": "Cat", "lives": 3}}


def test_problems_are_shown_before_sending_and_send_anyway_sends(
    page: Page, shop: tuple[str, FastAPI]
) -> None:
    url, backend = shop
    form = open_tab(page, url, "Adopt a pet", "adopt", optional=True)
    form.get_by_label("name *").fill("Tom")
    form.get_by_label("born").fill("2023-02-30")
    form.get_by_label("pet.lives *").fill("12")
    before = len(backend.state.seen)
    page.locator("#send-adopt").click()
    problems = page.locator("#problems-adopt")
    expect(problems).to_contain_text("born: '2023-02-30' is not a 'date' (format)")
    expect(problems).to_contain_text("pet.lives: 12 is greater than the maximum of 9 (maximum)")
    assert len(backend.state.seen) == before  # nothing was sent
    page.locator("#anyway-adopt").click()
    expect(form.locator(".autoui-status").first).to_contain_text("200 OK", timeout=30_000)
    expect(problems).to_be_hidden()
    assert sent(backend, before) == {
        "name": "Tom",
        "born": "2023-02-30",
        "pet": {"kind": "Cat", "lives": 12},
    }
    page.locator("#send-adopt").click()  # refused again: the last reply is not its answer
    expect(problems).to_be_visible()
    expect(form.locator(".autoui-status").first).not_to_contain_text("200 OK")
    assert len(backend.state.seen) == before + 1


def test_the_user_chooses_the_media_type(page: Page, shop: tuple[str, FastAPI]) -> None:
    url, backend = shop
    form = open_tab(page, url, "Write to us", "contact", optional=True)
    expect(form.get_by_label("send as *")).to_have_value("application/json")
    choose(form, "send as *", "application/x-www-form-urlencoded")
    form.get_by_label("email *").fill("ada@example.com")
    form.get_by_label("topic").fill("a & b")
    page.locator("#send-contact").click()
    expect(form.locator(".autoui-status").first).to_contain_text("200 OK", timeout=30_000)
    assert last_body(backend) == (
        "application/x-www-form-urlencoded",
        b"email=ada%40example.com&topic=a%20%26%20b",
    )


def test_gradio_client_gets_the_same_problems_as_one_error(shop: tuple[str, FastAPI]) -> None:
    url, backend = shop
    client = Client(url, verbose=False)
    before = len(backend.state.seen)
    with pytest.raises(Exception) as raised:
        client.predict(name="Tom", pet_cat_lives=12, api_name="/adopt")
    assert str(raised.value).endswith(
        "the request does not match the API's schema: pet.lives: 12 is greater than the "
        "maximum of 9 (maximum)"
    )
    assert len(backend.state.seen) == before
    assert client.predict(name="Tom", pet_cat_lives=8, api_name="/adopt") == "POST"
    assert json.loads(last_body(backend)[1]) == {"name": "Tom", "pet": {"kind": "Cat", "lives": 8}}
