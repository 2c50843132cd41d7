"""`autoui serve --reload`: edit the spec file and a new operation appears, through
gradio_client and in an open browser page, without restarting the process."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client
from playwright.sync_api import Page, expect
from support.browser import open_gradio
from support.echo import echo_app
from support.servers import free_port, run_process, serve_asgi

DEADLINE = 90.0  # seconds a rebuild may take on a busy machine before the test fails


def spec(*names: str) -> dict[str, Any]:
    """One POST /echo/<name> operation per name, each taking a `text`."""
    body = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["text"],
                    "properties": {"text": {"type": "string"}},
                }
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Growing API", "version": "1"},
        "paths": {
            f"/echo/{name}": {
                "post": {
                    "operationId": name,
                    "summary": f"The {name} operation",
                    "requestBody": body,
                    "responses": {"200": {"description": "ok"}},
                }
            }
            for name in names
        },
    }


@pytest.fixture(scope="module")
def echo() -> Iterator[str]:
    with serve_asgi(echo_app()) as url:
        yield url


@pytest.fixture
def layout() -> str:
    return "auto"


@pytest.fixture
def reloading(
    echo: str, tmp_path: Path, layout: str
) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    """`autoui serve spec.json --reload` in front of the echo backend."""
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec("first")))
    port = free_port()
    args = [sys.executable, "-m", "autoui", "serve", str(path), "--base-url", echo]
    args += ["--port", str(port), "--reload", "--layout", layout]
    with run_process(args, ready_url=f"http://127.0.0.1:{port}/") as proc:
        yield f"http://127.0.0.1:{port}", path, proc


def endpoints(url: str) -> set[str]:
    """The operations' endpoints (every page also has /autoui_authorize, /autoui_logout)."""
    info = Client(url, verbose=False).view_api(print_info=False, return_format="dict")
    return {name for name in info["named_endpoints"] if not name.startswith("/autoui_")}


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {DEADLINE:.0f} s: {what}")
        time.sleep(0.5)


def output(proc: subprocess.Popen[bytes]) -> str:
    return Path(proc.output_log).read_text(errors="replace")  # type: ignore[attr-defined]


def test_a_new_operation_appears_through_gradio_client(
    reloading: tuple[str, Path, subprocess.Popen[bytes]],
) -> None:
    url, path, proc = reloading
    assert endpoints(url) == {"/first"}
    path.write_text(json.dumps(spec("first", "second")))
    wait_until(lambda: endpoints(url) == {"/first", "/second"}, "/second appears")
    # download_files=False: gradio_client takes any dict with a "path" key for a file.
    client = Client(url, verbose=False, download_files=False)
    reply = client.predict(text="hi", api_name="/second")
    assert reply["path"] == "/echo/second"
    assert json.loads(base64.b64decode(reply["body"])) == {"text": "hi"}
    assert proc.poll() is None  # the same process throughout

    # A broken edit keeps the last good UI and says why; the next good edit is taken.
    path.write_text('{"openapi": "3.1.0", "paths": {')
    wait_until(lambda: "reload: cannot load" in output(proc), "the broken spec is reported")
    assert endpoints(url) == {"/first", "/second"}
    path.write_text(json.dumps(spec("third")))
    wait_until(lambda: endpoints(url) == {"/third"}, "/third replaces the others")
    assert "Traceback" not in output(proc)


def test_an_open_page_shows_the_new_operation_without_a_reload(
    page: Page, reloading: tuple[str, Path, subprocess.Popen[bytes]]
) -> None:
    url, path, _ = reloading
    open_gradio(page, url)
    expect(page.get_by_role("tab", name="The first operation")).to_be_visible()
    path.write_text(json.dumps(spec("first", "second")))
    second = page.get_by_role("tab", name="The second operation")
    expect(second).to_be_visible(timeout=DEADLINE * 1000)
    second.click()
    page.get_by_label("text *").filter(visible=True).fill("from the page")
    page.locator("#send-second").click()
    expect(page.locator(".autoui-status").filter(visible=True).first).to_contain_text(
        "200 OK", timeout=30_000
    )


@pytest.mark.parametrize("layout", ["navigator"])
def test_a_navigator_page_and_its_endpoints_follow_the_spec(
    page: Page, reloading: tuple[str, Path, subprocess.Popen[bytes]]
) -> None:
    """The endpoints (at the root) and the open page (at /ui/) are both rebuilt."""
    url, path, _ = reloading
    assert endpoints(url) == {"/first"}
    open_gradio(page, url)
    expect(page.locator("#send-first")).to_be_visible()
    box = page.locator("#autoui-nav input")
    box.click()  # the list comes with the first focus: again, after the reload
    expect(page.get_by_role("option", name="The first operation", exact=False)).to_be_visible()
    page.get_by_role("heading", level=1).click()  # the box loses the focus
    path.write_text(json.dumps(spec("first", "second")))
    wait_until(lambda: endpoints(url) == {"/first", "/second"}, "/second appears")
    box.click()
    expect(page.get_by_role("option", name="The second operation", exact=False)).to_be_visible(
        timeout=DEADLINE * 1000
    )
    page.get_by_role("option", name="The second operation", exact=False).click()
    # The first form stays until the second is built: fill in the second one's field.
    expect(page.locator("#send-second")).to_be_visible()
    page.get_by_label("text *").fill("from the page")
    page.locator("#send-second").click()
    expect(page.locator(".autoui-status").filter(visible=True).first).to_contain_text(
        "200 OK", timeout=30_000
    )
