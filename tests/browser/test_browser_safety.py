"""Credentials, sessions and hostile text in a real browser (Debian's Chromium).

Two browser contexts are two users of one autoui server: what one types into the
Authorize panel never reaches the other's calls. Spec text and replies full of script
payloads are rendered, every tab opened, every reply shown: no dialog opens and no
payload runs (each one would record itself in `window.__xss`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from playwright.sync_api import Browser, Page, expect
from support.authorize import ALICE_KEY, authorize_key, badge, open_authorize, send
from support.browser import component, open_gradio, show_optional
from support.echo import recorder_app
from support.secured import secured_spec
from support.servers import serve_asgi, serve_gradio

import autoui
from autoui.builder import build_blocks
from autoui.dispatcher import Dispatcher
from autoui.dispatcher.auth import Authenticator
from autoui.dispatcher.checks import check
from autoui.dispatcher.curl import curl_command
from autoui.dispatcher.origins import ServerChoice
from autoui.dispatcher.sessions import SessionStore
from autoui.mapper import plan_api


def few(document: dict[str, Any], *paths: str) -> dict[str, Any]:
    """The spec with only `paths` (a page with few tabs, all of them visible)."""
    return {**document, "paths": {p: document["paths"][p] for p in paths}}


@pytest.fixture(scope="module")
def served(secured_backend: tuple[FastAPI, str]) -> Iterator[tuple[str, SessionStore]]:
    """The UI for two operations, built from its parts so the test can see the store."""
    base = secured_backend[1]
    api = autoui.load_spec(few(secured_spec(base), "/whoami/header", "/whoami/basic"))
    sessions = SessionStore()
    auth = Authenticator(api, sessions, base_url=base)
    servers = ServerChoice.create(api.servers, api.operations)
    dispatcher = Dispatcher(base, servers=servers, auth=auth)
    demo = build_blocks(
        plan_api(api),
        dispatcher.call,
        base_url=base,
        dispatcher=dispatcher,
        check=check,
        curl=curl_command,
    )
    with serve_gradio(demo) as url:
        yield url, sessions


def test_credentials_typed_in_one_tab_are_that_tabs_only(
    browser: Browser, served: tuple[str, SessionStore]
) -> None:
    url = served[0]
    alice = browser.new_context().new_page()
    other = browser.new_context().new_page()
    try:
        open_gradio(alice, url)
        open_gradio(other, url)
        expect(badge(alice, "missing")).to_have_text("✗ not authorized: see Authorize")
        authorize_key(alice, ALICE_KEY)
        expect(badge(alice, "ok")).to_have_text("✓ authorized")
        expect(badge(other, "missing")).to_be_visible()
        expect(send(alice, "by_header")).to_contain_text("200 OK", timeout=30_000)
        expect(component(alice, label="Result").locator("textarea")).to_have_value(ALICE_KEY)
        status = send(other, "by_header")
        expect(status).to_contain_text(
            "HTTP 401 Unauthorized: bad or missing X-API-Key (this operation needs "
            "KeyHeader; set it under Authorize)",
            timeout=30_000,
        )
        assert ALICE_KEY not in other.content()
    finally:
        alice.context.close()
        other.context.close()


def test_closing_the_tab_forgets_its_credentials(
    browser: Browser, served: tuple[str, SessionStore]
) -> None:
    url, sessions = served
    context = browser.new_context()
    page = context.new_page()
    before = len(sessions)
    open_gradio(page, url)
    authorize_key(page, ALICE_KEY)
    assert len(sessions) == before + 1
    context.close()
    deadline = time.monotonic() + 60
    while len(sessions) > before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(sessions) == before


def test_remember_in_this_browser_is_opt_in(page: Page, served: tuple[str, SessionStore]) -> None:
    url = served[0]
    open_gradio(page, url)
    authorize_key(page, ALICE_KEY)
    joined: list[str] = []
    page.on("request", lambda r: joined.append(r.url) if "/queue/join" in r.url else None)
    open_gradio(page, url)  # a reload is a new session: nothing was remembered
    expect(badge(page, "missing")).to_be_visible()
    expect(open_authorize(page)).to_contain_text("KeyHeader: not set")
    assert joined == []  # and with nothing to restore, the page asked the server nothing
    authorize_key(page, ALICE_KEY, remember=True)
    open_gradio(page, url)
    expect(open_authorize(page)).to_contain_text("KeyHeader: set for this session")
    expect(badge(page, "ok")).to_be_visible()
    expect(send(page, "by_header")).to_contain_text("200 OK", timeout=30_000)
    page.locator("#autoui-logout-button").click()
    expect(page.locator("#autoui-auth-status")).to_contain_text("KeyHeader: not set")
    open_gradio(page, url)
    expect(open_authorize(page)).to_contain_text("KeyHeader: not set")
    expect(page.locator("#autoui-auth-0-value input")).to_have_value("")


def test_nothing_in_the_page_url_points_autoui_elsewhere(
    page: Page, served: tuple[str, SessionStore], secured_backend: tuple[FastAPI, str]
) -> None:
    other = recorder_app()
    with serve_asgi(other) as elsewhere:
        query = "&".join(
            f"{name}={quote(elsewhere + path, safe='')}"
            for name, path in [
                ("url", "/openapi.json"),
                ("spec", "/openapi.json"),
                ("configUrl", "/openapi.json"),
                ("base_url", ""),
                ("server", ""),
            ]
        )
        open_gradio(page, f"{served[0]}/?{query}")
        expect(page.get_by_role("heading", name="secured")).to_be_visible()
        authorize_key(page, ALICE_KEY)
        expect(send(page, "by_header")).to_contain_text("200 OK", timeout=30_000)
    assert other.state.seen == []
    assert secured_backend[0].state.seen[-1]["path"] == "/whoami/header"


# --- hostile text


def payloads(where: str) -> str:
    """One of each kind of script injection, each recording `where` and its kind."""
    mark = "(window.top.__xss=(window.top.__xss||[]).concat('{}'))"
    return " ".join(
        [
            f'<img src=x onerror="{mark.format(where + ":img")};alert(1)">',
            f"<script>{mark.format(where + ':script')};alert(2)</script>",
            f'<svg onload="{mark.format(where + ":svg")}"></svg>',
            f'<iframe srcdoc="<script>{mark.format(where + ":iframe")}</script>"></iframe>',
            f'<details open ontoggle="{mark.format(where + ":details")}">x</details>',
            f'<style onload="{mark.format(where + ":style")}"></style>',
            f'<object data="javascript:{mark.format(where + ":object")}"></object>',
            f'<a href="javascript:{mark.format(where + ":link")}">link</a>',
            f"[md link](javascript:{mark.format(where + ':md')})",
        ]
    )


def hostile_app() -> FastAPI:
    app = FastAPI()

    @app.get("/json")
    def as_json() -> dict[str, Any]:
        return {"response": payloads("reply-json"), "extra": {"html": payloads("reply-nested")}}

    @app.get("/html")
    def as_html() -> HTMLResponse:
        return HTMLResponse(f"<html><body>{payloads('reply-html')}</body></html>")

    @app.get("/markdown")
    def as_markdown() -> PlainTextResponse:
        return PlainTextResponse(payloads("reply-md"), media_type="text/markdown")

    @app.get("/error")
    def as_error() -> JSONResponse:
        return JSONResponse({"detail": payloads("reply-error")}, status_code=500)

    return app


def hostile_spec(base: str) -> dict[str, Any]:
    def op(name: str, summary_where: str) -> dict[str, Any]:
        return {
            "operationId": name,
            "summary": payloads(summary_where),
            "description": payloads(f"{name}-description"),
            "tags": ["<img src=x onerror=alert(9)>tag"],
            "security": [{"<img src=x onerror=alert(7)>": []}],
            "parameters": [
                {
                    "name": "mode",
                    "in": "query",
                    "description": payloads(f"{name}-param"),
                    "schema": {"type": "string", "enum": ["<img src=x onerror=alert(8)>", "b"]},
                },
                {
                    "name": "note",
                    "in": "query",
                    "schema": {"type": "string", "examples": [payloads("example")]},
                },
            ],
            "responses": {"200": {"description": payloads("response")}},
        }

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "hostile <img src=x onerror=alert(3)>",
            "version": "<script>alert(4)</script>",
            "description": payloads("info-description"),
        },
        "servers": [
            {"url": base, "description": payloads("server")},
            {"url": base + "/", "description": "<b>second</b>"},
        ],
        "tags": [{"name": "<img src=x onerror=alert(9)>tag", "description": payloads("tag")}],
        "components": {
            "securitySchemes": {
                "<img src=x onerror=alert(7)>": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-<svg onload=alert(6)>",
                    "description": payloads("scheme"),
                }
            }
        },
        "paths": {
            "/json": {"get": op("as_json", "summary-json")},
            "/html": {"get": op("as_html", "summary-html")},
            "/markdown": {"get": op("as_markdown", "summary-md")},
            "/error": {"get": op("as_error", "summary-error")},
        },
    }


def test_no_script_from_a_spec_or_a_reply_runs(page: Page) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serve_asgi(hostile_app()) as base:
        demo = autoui.build_app(hostile_spec(base))
        with serve_gradio(demo) as url:
            page.set_viewport_size({"width": 2600, "height": 1400})  # every tab in view
            open_gradio(page, url)
            page.locator("#autoui-server-choice input").click()  # lists server descriptions
            page.keyboard.press("Escape")
            for name in ("as_json", "as_html", "as_markdown", "as_error"):
                page.locator(f"#tab-{name}-button").click()
                show_optional(page)  # its `mode` field lists the spec's descriptions
                status = send(page, name)
                expect(status).to_contain_text(
                    "HTTP 500" if name == "as_error" else "200 OK", timeout=30_000
                )
                page.get_by_text("curl · headers · raw reply").filter(visible=True).click()
                page.locator("#in-query-mode").filter(visible=True).locator("input").click()
                page.keyboard.press("Escape")
            links = page.locator("a[href^='javascript:' i]").count()
            fired = settle(page, "control-page")
            page.get_by_text("Use via API").click()  # the API page shows each description
            expect(page.get_by_text("/as_json").first).to_be_visible()
            fired += settle(page, "control-api")
    assert fired == []
    assert links == 0
    assert dialogs == ["1", "1"]  # the controls' <img onerror> only


def settle(page: Page, tag: str) -> list[str]:
    """Put the payloads into the page unsanitised, as a control, and wait until they have
    run (the detector works); by then anything the page rendered earlier has had its
    chance to run too. Returns the marks left by anything but the controls."""
    page.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)", payloads(tag))
    page.wait_for_function(
        """tag => ["img", "details", "iframe", "style"]
            .every(kind => (window.__xss || []).includes(tag + ":" + kind))""",
        arg=tag,
        timeout=30_000,
    )
    marks: list[str] = page.evaluate("window.__xss || []")
    return [mark for mark in marks if not mark.startswith("control-")]


def test_the_server_selector_offers_only_the_apis_origins(
    page: Page, secured_backend: tuple[FastAPI, str]
) -> None:
    base = secured_backend[1]
    document = few(secured_spec(base), "/whoami/header")
    document["servers"].append(
        {
            "url": "http://127.0.0.1:{port}",
            "description": "by port",
            "variables": {"port": {"default": base.rsplit(":", 1)[1], "description": "the port"}},
        }
    )
    with serve_gradio(autoui.build_app(document, auth={"KeyHeader": ALICE_KEY})) as url:
        open_gradio(page, url)
        where = page.locator("#autoui-server-where")
        expect(where).to_have_text(f"Requests go to {base}.")
        port = page.locator("#autoui-server-var-0")
        expect(port).to_be_hidden()  # the first server has no variables
        page.locator("#autoui-server-choice input").click()
        page.get_by_role("option", name="http://127.0.0.1:{port} (by port)").click()
        expect(port).to_be_visible()
        box = port.get_by_role("textbox")
        expect(box).to_have_value(base.rsplit(":", 1)[1])
        box.fill("1")
        box.press("Enter")
        expect(where).to_contain_text(
            "Not changed · http://127.0.0.1:1 is not one of the API's origins; not sent",
            timeout=30_000,
        )
        expect(where).to_contain_text(f"Requests go to {base}.")
        expect(send(page, "by_header")).to_contain_text("200 OK", timeout=30_000)


def test_credentials_the_spec_does_not_declare_are_drawn_when_asked_for(
    page: Page, served: tuple[str, SessionStore]
) -> None:
    """The Authorize panel starts closed, nothing in it drawn (a closed accordion's
    content is drawn when it opens), and each operation's badge says what it needs.
    Opened, it shows the declared scheme's fields; the section for credentials the spec
    does not declare is closed in turn, and what is typed there, opened, is set for the
    session beside the declared scheme."""
    open_gradio(page, served[0])
    expect(badge(page, "missing")).to_have_text("✗ not authorized: see Authorize")
    expect(page.locator("#autoui-auth-0-value")).to_have_count(0)
    expect(page.locator("#autoui-remember")).to_have_count(0)
    open_authorize(page)
    expect(page.locator("#autoui-auth-0-value input")).to_be_visible()
    expect(page.locator("#autoui-remember input")).to_be_visible()
    expect(page.locator("#autoui-u-key-header")).to_have_count(0)
    page.locator("#autoui-undeclared").get_by_text("Credentials the spec does not declare").click()
    page.locator("#autoui-u-key-header textarea").fill("X-Team-Key")
    page.locator("#autoui-u-key input").fill("team-key-5Rt")
    page.locator("#autoui-authorize-button").click()
    status = page.locator("#autoui-auth-status")
    expect(status).to_contain_text("header:X-Team-Key: set for this session")
    expect(status).to_contain_text("KeyHeader: not set")
