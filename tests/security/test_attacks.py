"""The attacks of docs/security.md, each refused, against real loopback servers.

`autoui serve -v` runs as a user would run it, with start-up credentials (`--auth`, an
`AUTOUI_AUTH_*` variable, `--header`), in front of an httpbin-like API that records
every request it receives (`support.httpbin`). A second listener, "the other host"
(`recorder_app`), counts every request that reaches it; the control test shows that it
counts a direct hit. The attacks come through gradio_client, MCP and the page (Chromium,
two browser contexts for two users). (Files named by a caller: tests/dispatcher/test_file_paths.py.)
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from gradio_client import Client
from mcp import ClientSession
from playwright.sync_api import Browser, Page, expect
from support.browser import open_gradio
from support.echo import recorder_app
from support.httpbin import httpbin_app
from support.mcp_client import session
from support.servers import free_port, run_process, serve_asgi
from support.wiretap import Wiretap

import autoui
from autoui.builder.present import raw_text
from autoui.dispatcher import Dispatcher
from autoui.dispatcher.curl import curl_command
from autoui.mapper import plan_api
from autoui.serve import asgi_app

STARTUP_TOKEN = "startup-token-Zq81xv"  # --auth Bearer=...
STARTUP_KEY = "startup-key-Wm53kd"  # AUTOUI_AUTH_KEY
STARTUP_HEADER = "startup-header-Hp40ry"  # --header 'X-Operator: ...'
STARTUP = (STARTUP_TOKEN, STARTUP_KEY, STARTUP_HEADER)
ALICE_TOKEN = "alice-typed-this-Tb27"
PASSWORD = "pw-in-the-path-Jx64"


def _get(operation_id: str, *params: dict[str, Any], responses: Any = None) -> dict[str, Any]:
    ok = responses or {"200": {"description": "ok"}}
    return {"get": {"operationId": operation_id, "parameters": list(params), "responses": ok}}


def _param(name: str, where: str = "query", **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": where, "required": True, "schema": {"type": "string", **schema}}


def httpbin_spec(base: str) -> dict[str, Any]:
    """The routes of `support.httpbin`, every call carrying two credentials."""
    image = {
        "type": "object",
        "properties": {  # OpenAI's `Image` (openai-openapi: components.schemas.Image)
            "b64_json": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
        },
    }
    images = {"properties": {"data": {"type": "array", "items": image}}}
    declared = {"200": {"description": "ok", "content": {"application/json": {"schema": images}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "httpbin", "version": "1"},
        "servers": [{"url": base}],
        "security": [{"Bearer": [], "Key": []}],
        "components": {
            "securitySchemes": {
                "Bearer": {"type": "http", "scheme": "bearer"},
                "Key": {"type": "apiKey", "in": "header", "name": "X-Key"},
            }
        },
        "paths": {
            "/get": _get("get"),
            "/headers": _get("headers"),
            "/redirect-to": _get("redirect_to", _param("url")),
            "/image-link": _get("image_link", _param("url"), responses=declared),
            "/basic-auth/{user}/{passwd}": _get(
                "basic_auth", _param("user", "path"), _param("passwd", "path", format="password")
            ),
        },
    }


@pytest.fixture(scope="module")
def backend() -> Iterator[tuple[str, FastAPI]]:
    app = httpbin_app()
    with serve_asgi(app) as url:
        yield url, app


@pytest.fixture(scope="module")
def other() -> Iterator[tuple[str, FastAPI]]:
    app = recorder_app()
    with serve_asgi(app) as url:
        yield url, app


@pytest.fixture(scope="module")
def served(
    backend: tuple[str, FastAPI], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """`autoui serve -v --mcp` with start-up credentials: (its URL, its log)."""
    spec = tmp_path_factory.mktemp("attacks") / "httpbin.json"
    spec.write_text(json.dumps(httpbin_spec(backend[0])))
    port = free_port()
    args = [sys.executable, "-m", "autoui", "serve", str(spec), "--port", str(port), "-v"]
    args += [
        "--mcp",
        "--auth",
        f"Bearer={STARTUP_TOKEN}",
        "--header",
        f"X-Operator: {STARTUP_HEADER}",
    ]
    env = {"AUTOUI_AUTH_KEY": STARTUP_KEY}
    with run_process(args, ready_url=f"http://127.0.0.1:{port}/", env=env) as process:
        yield f"http://127.0.0.1:{port}", process.output_log  # type: ignore[attr-defined]


def hits(other: tuple[str, FastAPI]) -> int:
    return len(other[1].state.seen)


def via(route: str, server: str, operation: str, /, **arguments: Any) -> str:
    """Call an operation through gradio_client or MCP: its answer, or its error's text."""
    if route == "gradio_client":
        try:
            client = Client(server, verbose=False)
            return json.dumps(client.predict(**arguments, api_name=f"/{operation}"))
        except Exception as exc:  # gradio_client raises the endpoint's gr.Error as AppError
            return str(exc)

    async def work(client: ClientSession) -> Any:
        return await client.call_tool(operation, arguments)

    result = session(f"{server}/gradio_api/mcp/", work)
    return " ".join(getattr(c, "text", "") for c in result.content)


def test_the_other_host_counts_a_direct_hit(other: tuple[str, FastAPI]) -> None:
    before = hits(other)
    requests.get(f"{other[0]}/x", headers={"Authorization": "Bearer direct"}, timeout=30)
    assert hits(other) == before + 1
    assert other[1].state.seen[-1]["headers"]["authorization"] == "Bearer direct"


# --- a hostile API reply: a redirect, or a picture's URL, that URL parsers read differently


def differential(backend: str, other: str) -> list[str]:
    """URLs that urllib.parse reads as the API's host while urllib3, which sends, reads
    the other host (and the other way round), as a hostile reply would write them."""
    api, there = backend.split("://")[1], other.split("://")[1]
    return [
        f"http://{there}\\@{api}/get",  # urllib3 ends the host at the backslash
        f"http://{there}\\{api}/get",
        f"http://{api}@{there}/get",  # user information: the host is after the `@`
        f"http://{there}\t@{api}/get",
    ]


@pytest.mark.parametrize("route", ["gradio_client", "MCP"])
def test_a_redirect_that_parsers_read_differently_is_not_followed(
    served: tuple[str, Path],
    backend: tuple[str, FastAPI],
    other: tuple[str, FastAPI],
    route: str,
) -> None:
    before = hits(other)
    for target in differential(backend[0], other[0]):
        answer = via(route, served[0], "redirect_to", url=target)
        assert "HTTP 302: the API redirected to" in answer, answer
        assert "not followed" in answer or "not sent" in answer, answer
    assert hits(other) == before


@pytest.mark.parametrize("route", ["gradio_client", "MCP"])
def test_a_picture_url_that_parsers_read_differently_is_not_fetched(
    served: tuple[str, Path],
    backend: tuple[str, FastAPI],
    other: tuple[str, FastAPI],
    route: str,
) -> None:
    before = hits(other)
    for target in differential(backend[0], other[0]):
        answer = via(route, served[0], "image_link", url=target.replace("/get", "/picture.png"))
        assert "url" in answer, answer  # the JSON as it came, not a picture from elsewhere
    assert hits(other) == before
    picture = via(route, served[0], "image_link", url=f"{backend[0]}/picture.png")
    assert ".png" in picture and "url" not in picture  # the API's own picture is shown


def test_the_pages_send_follows_and_fetches_nothing_parsers_read_differently(
    page: Page,
    tapped: tuple[str, Wiretap],
    backend: tuple[str, FastAPI],
    other: tuple[str, FastAPI],
) -> None:
    """The same attacks through the page's Send (the dispatcher is the same; the route
    is not)."""
    target = differential(backend[0], other[0])[0]
    before = hits(other)
    open_gradio(page, tapped[0])
    for operation, url in [("redirect_to", target), ("image_link", target)]:
        page.locator(f"#tab-{operation}-button").click()
        page.locator("#in-query-url").filter(visible=True).locator("textarea").fill(url)
        page.locator(f"#send-{operation}").click()
        status = page.locator(f"#status-{operation}")
        expected = "HTTP 302: the API redirected to" if operation == "redirect_to" else "200 OK"
        expect(status).to_contain_text(expected)
    shown = page.locator("[id^=result-image_link-]").filter(visible=True)
    expect(shown).to_contain_text(other[0].split("://")[1])  # the URL as text, not a picture
    assert hits(other) == before


# --- no request the user did not ask for, and every request in the log


def test_a_url_in_a_reply_is_not_fetched_unless_declared_and_the_log_lists_every_request(
    served: tuple[str, Path], backend: tuple[str, FastAPI]
) -> None:
    """httpbin's `/get` answers `{"url": ...}` (its own URL): one call, one request.
    A picture's URL that the spec declares is fetched once; the `-v` log lists both."""
    received = backend[1].state.requests
    before = len(received)
    answer = json.loads(via("gradio_client", served[0], "get"))
    assert answer["url"] == f"{backend[0]}/get"
    assert [(r["method"], r["path"]) for r in received[before:]] == [("GET", "/get")]
    picture = f"{backend[0]}/picture.png"
    via("gradio_client", served[0], "image_link", url=picture)
    assert [(r["method"], r["path"]) for r in received[before:]] == [
        ("GET", "/get"),
        ("GET", "/image-link"),
        ("GET", "/picture.png"),
    ]
    logged = re.findall(r"^autoui: GET (\S+) -> 200", served[1].read_text(), re.MULTILINE)
    assert logged[-3:] == [
        f"{backend[0]}/get",
        f"{backend[0]}/image-link?url={requests.utils.quote(picture, safe='')}",
        picture,
    ]


def test_a_masked_path_value_is_redacted_in_the_log_curl_and_raw_reply(
    served: tuple[str, Path], backend: tuple[str, FastAPI]
) -> None:
    """httpbin's `/basic-auth/{user}/{passwd}`: the password is a `format: password`
    field; it is sent, and shown nowhere but in a curl command the user reveals."""
    via("gradio_client", served[0], "basic_auth", user="ada", passwd=PASSWORD)
    assert backend[1].state.requests[-1]["path"] == f"/basic-auth/ada/{PASSWORD}"
    log = served[1].read_text()
    assert f"GET {backend[0]}/basic-auth/ada/<redacted> -> 401" in log
    assert PASSWORD not in log
    api = autoui.load_spec(httpbin_spec(backend[0]))
    plan = next(p for p in plan_api(api).operations if p.api_name == "basic_auth")
    reply = Dispatcher(backend[0]).call(plan, {"user": "ada", "passwd": PASSWORD})
    assert reply.request is not None
    assert f"{backend[0]}/basic-auth/ada/<redacted>" in curl_command(reply.request)
    assert PASSWORD not in curl_command(reply.request) + raw_text(reply)
    assert f"/basic-auth/ada/{PASSWORD}" in curl_command(reply.request, reveal=True)


# --- a visitor of the page: start-up secrets never reach a browser


@pytest.fixture(scope="module")
def tapped(backend: tuple[str, FastAPI]) -> Iterator[tuple[str, Wiretap]]:
    """The page server with the same start-up credentials, every byte it sends recorded."""
    demo = autoui.build_app(
        httpbin_spec(backend[0]),
        auth={"Bearer": STARTUP_TOKEN},
        auth_env={"AUTOUI_AUTH_KEY": STARTUP_KEY},
        headers={"X-Operator": STARTUP_HEADER},
    )
    tap = Wiretap(asgi_app(demo))
    with serve_asgi(tap) as url:
        yield url, tap


def send_and_reveal(page: Page, operation: str, typed: str) -> str:
    """Send `operation`, tick Reveal, wait until the curl command shows `typed` (what the
    user typed): the command then shown."""
    page.locator(f"#tab-{operation}-button").click()
    page.locator(f"#send-{operation}").click()
    status = page.locator(".autoui-status").filter(visible=True).first
    expect(status).to_contain_text("HTTP" if operation == "basic_auth" else "200 OK")
    page.get_by_text("curl · headers · raw reply").filter(visible=True).click()
    curl = page.locator(f"#curl-{operation}")
    expect(curl).not_to_contain_text(typed)
    page.locator(f"#reveal-{operation} input").check()
    expect(curl).to_contain_text(typed)
    return curl.inner_text()


def test_startup_secrets_never_reach_a_browser(
    browser: Browser, tapped: tuple[str, Wiretap]
) -> None:
    """Alice types her own token and reveals her curl command: it shows her token and
    hides the operator's key and header; Bob types only a password and reveals his: it
    shows the password, and none of the operator's credentials. The API's echo of the
    headers (httpbin's `/headers`) shows them redacted too."""
    url, tap = tapped
    alice = browser.new_context().new_page()
    bob = browser.new_context().new_page()
    try:
        open_gradio(alice, url)
        alice.locator("#autoui-authorize").get_by_text("Authorize").first.click()
        alice.locator("#autoui-auth-0-value input").fill(ALICE_TOKEN)
        alice.locator("#autoui-authorize-button").click()
        expect(alice.locator("#autoui-auth-status")).to_contain_text("set for this session")
        curl = send_and_reveal(alice, "headers", f"Authorization: Bearer {ALICE_TOKEN}")
        assert "X-Key: <redacted>" in curl and "X-Operator: <redacted>" in curl
        echoed = alice.locator("#result-headers-json")
        expect(echoed).to_contain_text(ALICE_TOKEN)
        expect(echoed).to_contain_text("<redacted>")
        open_gradio(bob, url)
        bob.locator("#tab-basic_auth-button").click()
        bob.locator("#in-path-user").locator("textarea, input").first.fill("bob")
        bob.locator("#in-path-passwd input").fill(PASSWORD)
        curl = send_and_reveal(bob, "basic_auth", f"/basic-auth/bob/{PASSWORD}")
        assert "Authorization: <redacted>" in curl and "X-Key: <redacted>" in curl
        pages = alice.content() + bob.content()
    finally:
        alice.context.close()
        bob.context.close()
    wire = tap.text()
    assert ALICE_TOKEN in wire and PASSWORD in wire  # the tap sees what reaches a browser
    for secret in STARTUP:
        assert secret not in wire and secret not in pages


# --- a hostile spec: pictures in its text load nothing


PIXELS = [
    "![md]({other}/md.png)",
    '<img src="{other}/img.png">',
    '<picture><source srcset="{other}/srcset.png"><img alt="p"></picture>',
    '<div style="background-image:url({other}/css.png)">bg</div>',
    '<svg><image href="{other}/svg.png" width="9" height="9"/></svg>',
    '<video poster="{other}/poster.png"></video>',
    '<audio src="{other}/audio.wav" autoplay></audio>',
    '<input type="image" src="{other}/input.png">',
    '<object data="{other}/object.png"></object>',
    '<table background="{other}/table.png"><tr><td>t</td></tr></table>',
]


def tracking_spec(base: str, other: str) -> dict[str, Any]:
    text = "\n\n".join(p.format(other=other) for p in PIXELS)
    operation = _get("tracked", _param("q") | {"description": text})
    operation["get"] |= {"summary": "Tracked", "description": text}
    return {
        "openapi": "3.1.0",
        "info": {"title": "pixels", "version": "1", "description": text},
        "servers": [{"url": base}],
        "security": [{"Key": []}],
        "components": {
            "securitySchemes": {
                "Key": {"type": "apiKey", "in": "header", "name": "X-Key", "description": text}
            }
        },
        "paths": {"/get": operation},
    }


def test_pictures_in_a_specs_text_load_nothing(
    page: Page, backend: tuple[str, FastAPI], other: tuple[str, FastAPI]
) -> None:
    """Every place a spec's Markdown is shown (the API's, an operation's and a security
    scheme's description, a parameter's), and Gradio's API page; the control renders the
    same text in a blank page, where the browser does load what it names."""
    demo = autoui.build_app(tracking_spec(backend[0], other[0]))
    before = hits(other)
    with serve_asgi(asgi_app(demo)) as url:
        open_gradio(page, url)
        expect(page.get_by_text("Tracked").first).to_be_visible()
        page.locator("#autoui-authorize").get_by_text("Authorize").first.click()
        page.get_by_text("Use via API").click()
        expect(page.get_by_text("/tracked").first).to_be_visible()
        settled(page)
    assert hits(other) == before
    control = FastAPI()
    control.get("/")(lambda: HTMLResponse("\n".join(p.format(other=other[0]) for p in PIXELS)))
    with serve_asgi(control) as url:
        page.goto(url)
        settled(page)
    assert hits(other) > before  # the control: these do load, where nothing stops them


def settled(page: Page) -> None:
    """Until every picture in the page has loaded or failed (a picture is `complete`
    once its request has ended, or was never made)."""
    page.wait_for_function("() => [...document.images].every(image => image.complete)")
