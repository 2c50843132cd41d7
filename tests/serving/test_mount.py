"""`autoui.mount`: the UI inside the FastAPI app whose API it describes. The example
app is served by uvicorn as a user would run it, and both the API and the UI (through
gradio_client and a real browser) are reached over HTTP."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
import requests
from fastapi import FastAPI
from gradio_client import Client
from playwright.sync_api import Page, expect
from support.browser import choose, component, open_gradio
from support.servers import free_port, run_process, serve_asgi

import autoui


@pytest.fixture(scope="module")
def mounted_app() -> Iterator[str]:
    """`uvicorn autoui_examples.mounted_app:app`, started for real."""
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", "autoui_examples.mounted_app:app"]
    args += ["--host", "127.0.0.1", "--port", str(port)]
    with run_process(args, ready_url=f"http://127.0.0.1:{port}/ui/"):
        yield f"http://127.0.0.1:{port}"


def test_the_api_still_answers_and_its_docs_do_not_list_the_ui(mounted_app: str) -> None:
    reply = requests.get(f"{mounted_app}/convert?value=5&from=km&to=mi", timeout=30)
    assert reply.json()["text"] == "5 km = 3.107 mi"
    spec = requests.get(f"{mounted_app}/openapi.json", timeout=30).json()
    assert set(spec["paths"]) == {"/convert", "/count"}
    page = requests.get(f"{mounted_app}/ui/", timeout=30)
    assert page.status_code == 200 and "gradio" in page.text.lower()


def test_the_ui_calls_the_api_of_the_same_server(mounted_app: str) -> None:
    client = Client(f"{mounted_app}/ui/", verbose=False)
    direct = requests.get(f"{mounted_app}/convert?value=12&from=ft&to=m", timeout=30).json()
    assert client.predict(value=12, from_="ft", to="m", api_name="/convert") == direct["text"]
    counted = client.predict(text="to be or not", upper=True, api_name="/count")
    assert counted == {"words": 4, "text": "TO BE OR NOT"}


def test_the_mounted_page_in_the_browser(page: Page, mounted_app: str) -> None:
    open_gradio(page, f"{mounted_app}/ui/")
    expect(page.get_by_role("heading", name="Units and words: the UI")).to_be_visible()
    expect(page.get_by_text("Requests go to this server")).to_be_visible()
    page.get_by_label("value (query) *").fill("3")
    choose(page, "from (query) *", "mi")
    choose(page, "to (query) *", "km")
    page.locator("#send-convert").click()
    result = component(page, label="Result").locator("textarea")
    expect(result).to_have_value("3 mi = 4.828 km", timeout=30_000)


def test_calls_go_to_the_socket_not_to_the_host_a_client_names() -> None:
    """The first request names another host; the UI's calls still reach this server."""
    app = FastAPI(title="Echo")
    seen: list[str] = []

    @app.get("/hello", operation_id="hello")
    def hello(name: str) -> dict[str, str]:
        seen.append(name)
        return {"greeting": f"hello {name}"}

    autoui.mount(app, "/ui")

    @app.get("/later", operation_id="later")
    def later() -> dict[str, str]:
        return {"answer": "added after mount"}

    with serve_asgi(app) as url:
        spoofed = requests.get(f"{url}/ui/", headers={"Host": "evil.example:81"}, timeout=30)
        assert spoofed.status_code == 200
        client = Client(f"{url}/ui/", verbose=False)
        assert client.predict(name="Ada", api_name="/hello") == {"greeting": "hello Ada"}
        assert seen == ["Ada"]
        # The spec was read at mount time, without freezing the app's own /openapi.json.
        paths = requests.get(f"{url}/openapi.json", timeout=30).json()["paths"]
        assert set(paths) == {"/hello", "/later"}
        assert (
            "/later"
            not in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
        )


def test_a_navigator_page_moves_below_the_mount_point(page: Page) -> None:
    """With the navigator, the endpoints stay at the mount point (for gradio_client) and
    the page moves to `{path}/ui`, where a browser is sent."""
    app = FastAPI(title="Echo")

    @app.get("/hello", operation_id="hello")
    def hello(name: str) -> dict[str, str]:
        return {"greeting": f"hello {name}"}

    @app.get("/bye", operation_id="bye")
    def bye(name: str) -> dict[str, str]:
        return {"farewell": f"bye {name}"}

    autoui.mount(app, "/tools", layout="navigator")
    with serve_asgi(app) as url:
        client = Client(f"{url}/tools/", verbose=False)
        assert client.predict(name="Ada", api_name="/hello") == {"greeting": "hello Ada"}
        landing = requests.get(f"{url}/tools/?op=bye", timeout=30, allow_redirects=False)
        assert landing.headers["location"] == "ui/?op=bye"
        open_gradio(page, f"{url}/tools/?op=bye")
        assert page.url == f"{url}/tools/ui/?op=bye"
        page.get_by_label("name (query) *").fill("Grace")
        page.locator("#send-bye").click()
        shown = page.get_by_test_id("json").get_by_text('"bye Grace"')
        expect(shown).to_be_visible(timeout=30_000)
        assert requests.get(f"{url}/hello?name=x", timeout=30).json() == {"greeting": "hello x"}
