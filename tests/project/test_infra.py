"""The test infrastructure itself works: real servers start and stop, Chromium drives
a real Gradio page, gradio_client calls it, and a missing browser fails the run."""

from __future__ import annotations

import shutil
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import gradio as gr
import pytest
import requests
from fastapi import FastAPI, UploadFile
from gradio_client import Client
from PIL import Image
from playwright.sync_api import Page, expect
from support.browser import component, open_gradio, toast_messages, upload_file
from support.servers import free_port, run_process, serve_asgi, serve_gradio


def make_backend() -> FastAPI:
    """A tiny HTTP API standing in for the APIs autoui fronts."""
    app = FastAPI()

    @app.get("/greet")
    def greet(name: str) -> dict[str, str]:
        return {"greeting": f"Hello, {name}!"}

    @app.post("/size")
    async def size(file: UploadFile) -> dict[str, int]:
        with Image.open(file.file) as image:
            return {"width": image.width, "height": image.height}

    @app.post("/length")
    async def length(file: UploadFile) -> dict[str, int]:
        return {"bytes": len(await file.read())}

    return app


def make_ui(backend: str) -> gr.Blocks:
    """A tiny Gradio front end that forwards every input to the backend over HTTP."""

    def greet(name: str) -> str:
        response = requests.get(f"{backend}/greet", params={"name": name}, timeout=10)
        return str(response.json()["greeting"])

    def image_size(path: str | None) -> str:
        if path is None:
            return ""
        with open(path, "rb") as fh:
            body = requests.post(f"{backend}/size", files={"file": fh}, timeout=10).json()
        return f"{body['width']}x{body['height']}"

    def file_length(path: str | None) -> str:
        if path is None:
            return ""
        with open(path, "rb") as fh:
            body = requests.post(f"{backend}/length", files={"file": fh}, timeout=10).json()
        return f"{body['bytes']} bytes"

    def call_missing() -> str:
        response = requests.get(f"{backend}/missing", timeout=10)
        raise gr.Error(f"backend answered {response.status_code}")

    with gr.Blocks() as ui:
        status = gr.Textbox(label="Status")
        name = gr.Textbox(label="Name")
        button = gr.Button("Greet")
        greeting = gr.Textbox(label="Greeting")
        picture = gr.Image(type="filepath", label="Picture")
        size = gr.Textbox(label="Size")
        document = gr.File(label="Document", elem_id="document")
        length = gr.Textbox(label="Length")
        button.click(greet, name, greeting, api_name="greet")
        picture.change(image_size, picture, size, api_name="image_size")
        document.change(file_length, document, length, api_name="file_length")
        gr.Button("Fail").click(call_missing, None, greeting, api_name=False)
        ui.load(lambda: "loaded", None, status, api_name=False)
    return ui


@pytest.fixture(scope="module")
def backend() -> Iterator[str]:
    with serve_asgi(make_backend()) as url:
        yield url


@pytest.fixture(scope="module")
def ui_url(backend: str) -> Iterator[str]:
    with serve_gradio(make_ui(backend)) as url:
        yield url


def test_serve_asgi_serves_then_frees_the_port() -> None:
    with serve_asgi(make_backend()) as url:
        assert requests.get(f"{url}/greet", params={"name": "Ada"}, timeout=10).json() == {
            "greeting": "Hello, Ada!"
        }
        address = urlsplit(url)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((address.hostname, address.port), timeout=5)


def test_run_process_yields_a_ready_server_and_stops_it(tmp_path: Path) -> None:
    (tmp_path / "hello.txt").write_text("hi")
    port = free_port()
    args = [sys.executable, "-m", "http.server", str(port), "-b", "127.0.0.1", "-d", str(tmp_path)]
    url = f"http://127.0.0.1:{port}/hello.txt"
    with run_process(args, ready_url=url) as proc:
        assert requests.get(url, timeout=10).text == "hi"
    assert proc.returncode is not None


def test_run_process_shows_the_output_of_a_process_that_died() -> None:
    args = [sys.executable, "-c", "print('cannot start: no spec'); raise SystemExit(3)"]
    with (
        pytest.raises(RuntimeError, match=r"(?s)code 3.*cannot start: no spec"),
        run_process(args, ready_url=f"http://127.0.0.1:{free_port()}/"),
    ):
        pass


def test_gradio_client_calls_the_ui_with_keyword_arguments(ui_url: str) -> None:
    client = Client(ui_url, verbose=False)
    assert client.predict(name="Grace", api_name="/greet") == "Hello, Grace!"


@pytest.mark.browser
def test_browser_types_clicks_and_uploads(page: Page, ui_url: str, tmp_path: Path) -> None:
    picture = tmp_path / "picture.png"
    Image.new("RGB", (32, 24), "orange").save(picture)
    document = tmp_path / "document.bin"
    document.write_bytes(b"\x00" * 1234)

    open_gradio(page, ui_url)
    # open_gradio waits for `load` events, so no auto-waiting `expect` is needed here.
    assert page.get_by_label("Status").input_value() == "loaded"
    page.get_by_label("Name").fill("Ada")
    page.get_by_role("button", name="Greet").click()
    expect(page.get_by_label("Greeting")).to_have_value("Hello, Ada!")

    upload_file(page, picture, label="Picture")
    expect(page.get_by_label("Size")).to_have_value("32x24")
    expect(component(page, label="Picture").locator("img")).to_be_visible()

    upload_file(page, document, elem_id="document")
    expect(page.get_by_label("Length")).to_have_value("1234 bytes")

    page.get_by_role("button", name="Fail").click()
    expect(toast_messages(page)).to_have_text("backend answered 404")


def test_browser_tests_fail_without_chromium(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rule: a missing browser must fail the run, never skip the browser tests."""
    here = Path(__file__).parents[1]
    pytester.makeconftest((here / "conftest.py").read_text())
    shutil.copytree(here / "support", pytester.path / "support")
    pytester.makepyfile("def test_needs_a_browser(page):\n    pass\n")
    monkeypatch.setenv("AUTOUI_CHROMIUM", str(pytester.path / "no-such-chromium"))
    monkeypatch.delenv("PYTEST_ADDOPTS", raising=False)  # .ci/run's --junitxml is not ours
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*no Chromium found*apt-get install -y chromium*"])
