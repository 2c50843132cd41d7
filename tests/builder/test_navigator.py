"""The navigator layout (large APIs): a searchable list of operations, the open one's
form built on the server, `?op=` deep links, and the API endpoints in a Blocks of
their own at the root, for gradio_client and MCP. `autoui serve --layout navigator`
runs for real in front of the example API; Chromium, gradio_client and an MCP client
talk to it."""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from gradio_client import Client
from mcp import ClientSession
from playwright.sync_api import Page, expect
from support.browser import component, open_gradio
from support.documents import documents_name
from support.servers import free_port, run_process, serve_asgi, serve_gradio
from test_mcp import session

import autoui
from autoui.builder import endpoints_of
from autoui.builder.navigator import NAVIGATOR_ID
from autoui.layout import TABS_LIMIT, choose_layout
from autoui.serve import asgi_app


@pytest.fixture(scope="module")
def navigator_server(example_api: str) -> Iterator[str]:
    port = free_port()
    args = [sys.executable, "-m", "autoui", "serve", f"{example_api}/openapi.json"]
    args += ["--port", str(port), "--layout", "navigator", "--mcp"]
    with run_process(args, ready_url=f"http://127.0.0.1:{port}/"):
        # The API endpoints are built in the background once the page is served; under
        # load that build kept the page's first events waiting past the page's bound.
        # A request at the root waits for it: the tests start on a server that is up.
        requests.get(f"http://127.0.0.1:{port}/config", timeout=300).raise_for_status()
        yield f"http://127.0.0.1:{port}"


def navigator(page: Page) -> Any:
    return page.locator(f"#{NAVIGATOR_ID} input")


def pick(page: Page, typed: str, option: str) -> None:
    """Type into the navigator (as a user does: key by key, which filters the list)
    and pick `option` among what is left."""
    box = navigator(page)
    box.click()
    box.fill("")
    box.press_sequentially(typed)
    options = page.get_by_role("option")
    expect(options).to_have_count(1)
    options.filter(has_text=option).click()


def test_search_open_and_call_an_operation(
    page: Page, navigator_server: str, example_api: str
) -> None:
    open_gradio(page, navigator_server)
    assert page.url == f"{navigator_server}/ui/"  # the page moved; the root is the API's
    expect(navigator(page)).to_have_value("text · Continue a prompt — POST /generate")
    expect(page.locator("#send-generate")).to_be_visible()
    assert page.locator("#send-sentiment").count() == 0  # only the open form is built

    pick(page, "sentim", "Rate the sentiment of a text")
    expect(page.locator("#send-sentiment")).to_be_visible()
    expect(page.locator("#send-generate")).to_have_count(0)
    assert page.url.endswith("/ui/?op=sentiment")  # the address bar names the operation

    page.get_by_label("text *").fill("I love this, it is wonderful")
    page.locator("#send-sentiment").click()
    direct = requests.post(
        f"{example_api}/sentiment", json={"text": "I love this, it is wonderful"}, timeout=30
    ).json()
    result = component(page, label="Result").locator("textarea")
    expect(result).to_have_value(direct["label"], timeout=30_000)

    # A tag, a path or an operationId finds an operation too.
    pick(page, "/words/", "Words that follow a word")
    expect(page.locator("#send-words")).to_be_visible()
    pick(page, "chat_completions", "Chat completion")
    # A chat opens on its conversation (the request form's Send is on the tab behind it,
    # visible only for a moment while the form is drawn).
    expect(page.locator("#chat-send-chat_completions")).to_be_visible()


def test_the_first_form_comes_with_the_page(navigator_server: str) -> None:
    """The first operation's form is in the page's config, drawn with the page: no load
    event has to come back before it can be used. The others' are built when opened,
    and the list of them comes with the box's first focus (the page's own code)."""
    config = requests.get(f"{navigator_server}/ui/config", timeout=30).json()
    ids = {c["props"].get("elem_id") for c in config["components"]}
    assert "send-generate" in ids and "send-sentiment" not in ids
    (box,) = [c for c in config["components"] if c["props"].get("elem_id") == NAVIGATOR_ID]
    assert box["props"]["choices"] == [["text · Continue a prompt — POST /generate", "generate"]]
    (listing,) = [d for d in config["dependencies"] if d["targets"] == [[box["id"], "focus"]]]
    assert "Words that follow a word — GET /words/{word}" in listing["js"]
    assert listing["backend_fn"] is False


def test_the_list_comes_when_the_box_is_focused(page: Page, navigator_server: str) -> None:
    endpoints = requests.get(f"{navigator_server}/gradio_api/info", timeout=30).json()
    operations = [e for e in endpoints["named_endpoints"] if not e.startswith("/autoui_")]
    open_gradio(page, navigator_server)
    navigator(page).click()
    expect(page.get_by_role("option")).to_have_count(len(operations))
    expect(page.get_by_role("option").nth(1)).to_contain_text("text · ")


def test_the_page_describes_no_component_as_an_api_parameter(navigator_server: str) -> None:
    """Every event of the page is private, so its components carry no JSON schema for API
    clients: Gradio would write each three times, the navigator's list of every operation
    as an enum among them. The endpoints' own components (at the root) keep theirs."""
    config = requests.get(f"{navigator_server}/ui/config", timeout=30).json()
    types = {c["type"] for c in config["components"]}
    assert {"dropdown", "textbox", "button", "markdown"} <= types
    described = [c for c in config["components"] if "api_info" in c or not c["skip_api"]]
    assert {c["type"] for c in described} <= {"api"}  # the page's own session endpoints
    root = requests.get(f"{navigator_server}/config", timeout=30).json()
    assert all("api_info" in c for c in root["components"] if c["type"] == "api")


def test_building_a_page_writes_nothing_into_gradio_s_package() -> None:
    """Gradio's component metaclass rewrites the `.pyi` stub beside a component's module
    for each class it makes; the page's components' classes (`builder.page_only`) must
    not go through it (a stub rewritten without the component's events broke type checks
    of code using Gradio)."""
    import hashlib
    from pathlib import Path

    import gradio as gr

    stubs = sorted(Path(gr.__file__).parent.glob("**/*.pyi"))

    def fingerprint() -> list[tuple[str, str]]:
        return [(p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in stubs]

    before = fingerprint()
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Stubs", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "make",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "name": {"type": "string"},
                                        "size": {"type": "integer"},
                                        "kind": {"enum": ["a", "b"]},
                                        "on": {"type": "boolean"},
                                    },
                                }
                            }
                        }
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
    }
    demo = autoui.build_app(spec, base_url="http://127.0.0.1:9", layout="navigator")
    assert all(b.skip_api for b in demo.blocks.values() if type(b).__name__ == "Textbox")
    assert fingerprint() == before


def test_a_deep_link_opens_its_operation(page: Page, navigator_server: str) -> None:
    open_gradio(page, f"{navigator_server}/?op=words")
    assert page.url == f"{navigator_server}/ui/?op=words"
    expect(navigator(page)).to_have_value("text · Words that follow a word — GET /words/{word}")
    expect(page.get_by_label("word (path) *")).to_be_visible()
    expect(page.locator("#send-generate")).to_have_count(0)
    pick(page, "sentim", "Rate the sentiment of a text")  # the whole list is there
    expect(page.locator("#send-sentiment")).to_be_visible()
    # An unknown name opens the first operation rather than an error.
    open_gradio(page, f"{navigator_server}/ui/?op=nosuchthing")
    expect(page.locator("#send-generate")).to_be_visible()
    assert "Traceback" not in page.content()


def test_gradio_client_sees_every_operation_at_the_root(
    navigator_server: str, example_api: str
) -> None:
    client = Client(navigator_server, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert len(endpoints) == 10 + 2  # the operations, /autoui_authorize and /autoui_logout
    direct = requests.post(
        f"{example_api}/generate", json={"prompt": "The module", "seed": 7}, timeout=30
    ).json()
    assert client.predict(prompt="The module", seed=7, api_name="/generate") == direct["response"]
    with pytest.raises(Exception, match=r"HTTP 404 Not Found: .*zzqqx"):
        client.predict(word="zzqqx", api_name="/words")


def test_the_page_does_not_carry_the_endpoints(navigator_server: str) -> None:
    """The browser's page and its config hold the navigator, not 10 endpoints'
    hidden components, nor the session endpoints (at the root with the others); gzip is
    on."""
    page = requests.get(f"{navigator_server}/ui/", timeout=30)
    assert page.headers["content-encoding"] == "gzip"
    script = re.search(r"/assets/(index-[\w-]+\.js)", page.text)
    assert script is not None
    asset = requests.get(f"{navigator_server}/ui/assets/{script.group(1)}", timeout=30)
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    config = requests.get(f"{navigator_server}/ui/config", timeout=30).json()
    sessions = {"autoui_authorize", "autoui_logout"}
    assert not [d for d in config["dependencies"] if d.get("api_name") == "generate"]
    assert not [d for d in config["dependencies"] if d.get("api_name") in sessions]
    assert not [c for c in config["components"] if c["type"] == "api"]
    root = requests.get(f"{navigator_server}/config", timeout=30).json()
    assert [d["api_name"] for d in root["dependencies"]].count("generate") == 1
    assert sessions <= {d["api_name"] for d in root["dependencies"]}


def test_mcp_tools_at_the_root(navigator_server: str) -> None:
    async def work(client: ClientSession) -> Any:
        tools = (await client.list_tools()).tools
        reply = await client.call_tool("sentiment", {"text": "This is awful and I hate it"})
        return tools, reply

    tools, reply = session(f"{navigator_server}/gradio_api/mcp/", work)
    assert len(tools) == 10
    assert not reply.isError
    assert [c.text for c in reply.content] == ["negative"]


def test_launch_serves_a_navigator_page_with_deep_links(page: Page, example_api: str) -> None:
    """`build_app(...).launch()` of a navigator page: the page alone (its API endpoints
    are served by `autoui serve`, `autoui.mount` and `autoui.serve.asgi_app`)."""
    demo = autoui.build_app(f"{example_api}/openapi.json", layout="navigator")
    assert endpoints_of(demo) is not None
    with serve_gradio(demo) as url:
        open_gradio(page, f"{url}/?op=speak")
        expect(page.locator("#send-speak")).to_be_visible()


def test_tabs_up_to_the_limit_then_the_navigator() -> None:
    assert choose_layout("auto", TABS_LIMIT) == "tabs"
    assert choose_layout("auto", TABS_LIMIT + 1) == "navigator"
    assert choose_layout("tabs", 5000) == "tabs"
    assert choose_layout("navigator", 1) == "navigator"
    with pytest.raises(autoui.ConfigError, match="layout 'grid': expected one of"):
        choose_layout("grid", 3)


def test_a_large_spec_gets_the_navigator_and_every_endpoint() -> None:
    """Past TABS_LIMIT operations, `autoui serve` serves the navigator, and every
    operation is still an endpoint at the root."""
    from support.echo import echo_app

    count = TABS_LIMIT + 5
    paths = {
        f"/echo/items/{i}": {
            "get": {
                "operationId": f"item{i}",
                "tags": [f"group{i % 4}"],
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}},
            }
        }
        for i in range(count)
    }
    spec = {"openapi": "3.1.0", "info": {"title": "Many", "version": "1"}, "paths": paths}
    with serve_asgi(echo_app()) as backend:
        demo = autoui.build_app(spec, base_url=backend)
        assert endpoints_of(demo) is not None

        with serve_asgi(asgi_app(demo)) as url:
            client = Client(url, verbose=False, download_files=False)
            info = client.view_api(print_info=False, return_format="dict")
            assert len(info["named_endpoints"]) == count + 2  # and the two of Authorize
            reply = client.predict(q="x", api_name=f"/item{count - 1}")
            assert reply["path"] == f"/echo/items/{count - 1}"
            assert reply["raw_query"] == "q=x"


def test_the_authorize_panel_and_server_selector_work_with_the_navigator(
    page: Page, secured_backend: tuple[Any, str]
) -> None:
    """Issue 5's per-session panels on a navigator page: the badge of a form built by
    `gr.render` follows the Authorize panel, the call carries the key, and the session
    endpoints are at the root with the other API endpoints."""
    from support.authorize import ALICE_KEY, authorize_key, badge, send
    from support.secured import secured_spec

    base = secured_backend[1]
    document = secured_spec(base)
    port = base.rsplit(":", 1)[1]
    document["servers"].append(
        {"url": "http://127.0.0.1:{port}", "variables": {"port": {"default": port}}}
    )
    demo = autoui.build_app(document, layout="navigator")
    with serve_asgi(asgi_app(demo)) as url:
        open_gradio(page, f"{url}/?op=by_header")
        expect(page.locator("#send-by_header")).to_be_visible()
        expect(page.locator("#autoui-server-choice")).to_be_visible()
        expect(badge(page, "missing")).to_have_text("✗ not authorized: see Authorize")
        authorize_key(page, ALICE_KEY)
        expect(badge(page, "ok")).to_have_text("✓ authorized")
        expect(send(page, "by_header")).to_contain_text("200 OK", timeout=30_000)
        expect(component(page, label="Result").locator("textarea")).to_have_value(ALICE_KEY)
        client = Client(url, verbose=False)
        status = client.predict(credentials={"KeyHeader": ALICE_KEY}, api_name="/autoui_authorize")
        assert status["KeyHeader"] == "set for this session"
        assert client.predict(api_name="/by_header") == ALICE_KEY
        template = "http://127.0.0.1:{port}"
        chosen = client.predict(
            server=template, variables={"port": port}, api_name="/autoui_server"
        )
        assert chosen == base


def _many_operations(count: int) -> dict[str, Any]:
    """A spec of `count` operations of different shapes: a query, a JSON body, a file
    and a token stream, in turn."""
    shapes: list[dict[str, Any]] = [
        {"parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}]},
        {
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["prompt"],
                            "properties": {
                                "prompt": {"type": "string"},
                                "n": {"type": "integer", "minimum": 1},
                            },
                        }
                    }
                },
            }
        },
        {
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {"file": {"type": "string", "format": "binary"}},
                        }
                    }
                }
            }
        },
        {"responses": {"200": {"description": "tokens", "content": {"text/event-stream": {}}}}},
    ]
    paths = {
        f"/echo/items/{i}": {
            "post": {
                "operationId": f"item{i}",
                "summary": f"Item {i}",
                "responses": {"200": {"description": "ok"}},
                **shapes[i % len(shapes)],
            }
        }
        for i in range(count)
    }
    return {"openapi": "3.1.0", "info": {"title": "Many", "version": "1"}, "paths": paths}


def test_endpoint_events_are_the_ones_gradio_makes() -> None:
    """Past the first two, the endpoints' events are copies of the first one with their
    own function, components and names (`endpoints._Events`): each must be what
    Gradio's `set_event_trigger` makes of the same endpoint, in another Blocks."""
    import gradio as gr

    demo = autoui.build_app(_many_operations(TABS_LIMIT + 8), base_url="http://127.0.0.1:9")
    build = endpoints_of(demo)
    assert build is not None
    blocks = build()
    events = [f for f in blocks.fns.values() if getattr(f.fn, "_autoui_tool", None)]
    assert len(events) == TABS_LIMIT + 8
    assert any(e.types_generator for e in events) and not all(e.types_generator for e in events)
    with gr.Blocks() as other:
        for made in events:
            twin, _ = other.default_config.set_event_trigger(
                [],
                made.fn,
                made.inputs,
                made.outputs,
                preprocess=False,
                postprocess=False,
                show_progress="hidden",
                api_name=made.api_name,
                api_description=made.api_description,
                concurrency_limit=made.concurrency_limit,
                concurrency_id="autoui-calls",
                trigger_mode=None,
            )
            assert vars(twin) == {**vars(made), "_id": twin._id}


@pytest.fixture(scope="module")
def demo_of_many(example_api: str) -> Any:
    return autoui.build_app(_many_operations(TABS_LIMIT + 4), base_url=example_api)


@pytest.fixture(scope="module")
def served_by_gradio(demo_of_many: Any) -> Iterator[tuple[Any, str]]:
    """The endpoints' Blocks of `demo_of_many`, served by Gradio alone."""
    import gradio as gr
    from fastapi import FastAPI

    build = endpoints_of(demo_of_many)
    assert build is not None
    blocks = build()
    with serve_asgi(gr.mount_gradio_app(FastAPI(), blocks, path="")) as url:
        yield blocks, url


def test_the_documents_are_gradio_s_own(served_by_gradio: tuple[Any, str]) -> None:
    """autoui answers `/config` and `/gradio_api/info` with JSON it makes once per
    address (`autoui.documents`): each must be what Gradio's own route answers."""
    from autoui.documents import gzipped_config, gzipped_description

    blocks, url = served_by_gradio
    config = requests.get(f"{url}/config", timeout=60).json()
    assert json.loads(gzip.decompress(gzipped_config(blocks, url))) == config
    info = requests.get(f"{url}/gradio_api/info?serialize=False", timeout=60).json()
    assert json.loads(gzip.decompress(gzipped_description(blocks, url))) == info


def test_the_config_has_the_absolute_urls_of_files_gradio_gives(tmp_path: Any) -> None:
    """The endpoints hold no file; a Blocks that shows one gets its URL made absolute,
    as Gradio's route makes it, and Gradio's own config is left as it was."""
    import gradio as gr
    from fastapi import FastAPI
    from PIL import Image

    from autoui.documents import gzipped_config

    picture = tmp_path / "dot.png"
    Image.new("RGB", (2, 2), "red").save(picture)
    with gr.Blocks() as blocks:
        gr.Image(value=str(picture))
    with serve_asgi(gr.mount_gradio_app(FastAPI(), blocks, path="")) as url:
        before = json.dumps(blocks.config, sort_keys=True, default=str)
        config = requests.get(f"{url}/config", timeout=60).json()
        assert f"{url}/gradio_api/file=" in json.dumps(config)
        assert json.loads(gzip.decompress(gzipped_config(blocks, url))) == config
        assert json.dumps(blocks.config, sort_keys=True, default=str) == before


def test_the_documents_name_the_address_each_client_used(demo_of_many: Any) -> None:
    with serve_asgi(asgi_app(demo_of_many)) as ours:
        for url in (ours, ours.replace("127.0.0.1", "localhost")):
            named = documents_name(url)
            assert f'Client("{url}")' in named["/item0"]["code_snippets"]["python"]
        # Gradio still answers what autoui does not (`all_endpoints`: unnamed ones too).
        every = requests.get(f"{ours}/gradio_api/info?all_endpoints=True", timeout=60).json()
        assert set(every["named_endpoints"]) == set(named)
