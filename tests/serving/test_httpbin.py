"""A real third-party spec, first contact: httpbin's Swagger 2.0 document (its 51
validation problems included) served by `autoui serve SPEC --base-url URL` and nothing
else, in front of an httpbin stand-in (`support.httpbin`), used through gradio_client
and through the page in Chromium.

What a new user tries first: `/get`; `/post` with a JSON body (the spec declares none:
the raw body); `/bearer` (its header declared Swagger-2.0-wrong); `/basic-auth/...`
(Basic credentials the spec does not declare); `/status/418`; `/image/png`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client
from playwright.sync_api import Page, expect
from support.browser import open_gradio, show_optional
from support.httpbin import TEAPOT, httpbin_app
from support.servers import free_port, run_process, serve_asgi

BOUND = 30_000  # ms: how long the page may take to show what must appear


@pytest.fixture(scope="module")
def httpbin() -> Iterator[str]:
    with serve_asgi(httpbin_app()) as url:
        yield url


@pytest.fixture(scope="module")
def ui(httpbin: str) -> Iterator[str]:
    """`autoui serve http://.../spec.json --base-url http://...`: no other flag."""
    port = free_port()
    args = [sys.executable, "-m", "autoui", "serve", f"{httpbin}/spec.json"]
    args += ["--base-url", httpbin, "--port", str(port)]
    with run_process(args, ready_url=f"http://127.0.0.1:{port}/") as proc:
        yield f"http://127.0.0.1:{port}"
        log = Path(proc.output_log).read_text()  # type: ignore[attr-defined]
    assert "Traceback" not in log, log


@pytest.fixture(scope="module")
def client(ui: str) -> Client:
    return Client(f"{ui}/", verbose=False)


def test_inspect_reads_httpbins_mistakes_and_says_so(httpbin: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "autoui", "inspect", f"{httpbin}/spec.json", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    ops = {op["api_name"]: op for op in report["operations"]}
    (authorization,) = ops["get__bearer"]["inputs"]
    assert (authorization["in"], authorization["component"]) == ("header", "textbox")
    assert [i["name"] for i in ops["get__anything_anything"]["inputs"]] == ["anything"]
    warnings = [p["message"] for p in report["problems"] if p["severity"] == "warning"]
    assert any("parameter 'Authorization': a Swagger 2.0 parameter" in w for w in warnings)
    assert any("path variables without a parameter: {anything}" in w for w in warnings)
    assert any("type 'int' is not a JSON Schema type: read as integer" in w for w in warnings)


def test_get(client: Client, httpbin: str) -> None:
    reply = client.predict(api_name="/get__get")
    assert reply["url"] == f"{httpbin}/get"
    assert reply["args"] == {}


def test_post_with_a_json_body(client: Client) -> None:
    reply = client.predict(
        autoui_raw_body='{"name": "Ada", "tags": [1, 2]}', api_name="/post__post"
    )
    assert reply["json"] == {"name": "Ada", "tags": [1, 2]}
    assert reply["headers"]["Content-Type"] == "application/json"


def test_bearer(client: Client) -> None:
    # {"authenticated": true, "token": "abc123"}: the token is the answer shown
    assert client.predict(Authorization="Bearer abc123", api_name="/get__bearer") == "abc123"


def test_basic_auth_with_credentials_the_spec_does_not_declare(ui: str) -> None:
    client = Client(f"{ui}/", verbose=False)  # a session of its own
    with pytest.raises(Exception, match=r"HTTP 401 UNAUTHORIZED|HTTP 401 Unauthorized"):
        client.predict(user="ada", passwd="s3cret", api_name="/get__basic_auth_user_passwd")
    status = client.predict({"basic": "ada:s3cret"}, api_name="/autoui_authorize")
    assert status == {"basic": "set for this session (not declared by the spec)"}
    reply = client.predict(user="ada", passwd="s3cret", api_name="/get__basic_auth_user_passwd")
    assert reply == {"authenticated": True, "user": "ada"}


def test_status_418(client: Client) -> None:
    with pytest.raises(Exception, match=r"HTTP 418 I'm a Teapot"):
        client.predict(codes="418", api_name="/get__status_codes")


def test_image_png(client: Client) -> None:
    path = client.predict(api_name="/get__image_png")
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_page_first_contact(page: Page, ui: str) -> None:
    """Every one of them through the page, as a person clicks."""

    def open_operation(api_name: str) -> None:
        open_gradio(page, f"{ui}/?op={api_name}")
        expect(page.locator(f"#send-{api_name}")).to_be_visible(timeout=BOUND)
        show_optional(page)

    def status(api_name: str) -> object:
        return page.locator(f"#status-{api_name}")

    open_operation("get__get")
    page.locator("#send-get__get").click()
    expect(status("get__get")).to_contain_text("200 OK", timeout=BOUND)

    open_operation("post__post")
    page.locator("#raw-body-post__post").get_by_text("Raw body").click()
    page.locator("#raw-text-post__post textarea").fill('{"name": "Ada"}')
    page.locator("#send-post__post").click()
    expect(status("post__post")).to_contain_text("200 OK", timeout=BOUND)
    expect(page.locator("#result-post__post-json")).to_contain_text('"Ada"')

    open_operation("get__bearer")
    page.get_by_label("Authorization (header)").fill("Bearer abc123")
    page.locator("#send-get__bearer").click()
    expect(status("get__bearer")).to_contain_text("200 OK", timeout=BOUND)
    expect(page.locator("#result-get__bearer-textbox textarea")).to_have_value("abc123")

    open_operation("get__basic_auth_user_passwd")
    page.get_by_label("user (path) *").fill("ada")
    page.get_by_label("passwd (path) *").fill("s3cret")
    page.locator("#send-get__basic_auth_user_passwd").click()
    shown = status("get__basic_auth_user_passwd")
    expect(shown).to_contain_text("401", timeout=BOUND)
    expect(shown).to_contain_text("add one it does not declare under Authorize")
    page.locator("#autoui-authorize").get_by_text("Authorize", exact=True).first.click()
    page.get_by_label("Basic: username").fill("ada")
    page.get_by_label("Basic: password").fill("s3cret")
    page.locator("#autoui-authorize-button").click()
    expect(page.locator("#autoui-auth-status")).to_contain_text(
        "basic: set for this session (not declared by the spec)", timeout=BOUND
    )
    page.locator("#send-get__basic_auth_user_passwd").click()
    expect(shown).to_contain_text("200 OK", timeout=BOUND)

    open_operation("get__status_codes")
    page.get_by_label("codes (path) *").fill("418")
    page.locator("#send-get__status_codes").click()
    expect(status("get__status_codes")).to_contain_text("418", timeout=BOUND)
    expect(page.locator("#result-get__status_codes-textbox textarea")).to_have_value(TEAPOT)

    open_operation("get__image_png")
    page.locator("#send-get__image_png").click()
    picture = page.locator("#result-get__image_png-image img")
    expect(picture).to_be_visible(timeout=BOUND)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 100", arg=picture.element_handle()
    )
