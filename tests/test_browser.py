"""The generated UI in a real browser (Debian's Chromium, headless, through Playwright):
what a user sees when they type a prompt, upload a picture, or call an API that is down."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
import requests
from PIL import Image
from playwright.sync_api import Page, expect
from support.browser import component, open_gradio, upload_file

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def open_operation(page: Page, tag: str, title: str) -> None:
    page.get_by_role("tab", name=tag, exact=True).click()
    page.get_by_role("tab", name=title, exact=True).click()


def test_generate_in_the_browser(page: Page, autoui_server: str, example_api: str) -> None:
    direct = requests.post(
        f"{example_api}/generate", json={"prompt": "The parser", "seed": 11}, timeout=30
    ).json()
    open_gradio(page, autoui_server)
    expect(page.get_by_role("heading", name="autoui example model API")).to_be_visible()
    open_operation(page, "text", "Continue a prompt")
    page.get_by_label("prompt *").fill("The parser")
    page.get_by_label("seed").fill("11")
    page.locator("#send-generate").click()
    result = component(page, label="Result").locator("textarea")
    expect(result).to_have_value(direct["response"], timeout=30_000)
    expect(page.locator(".autoui-status").filter(visible=True).first).to_contain_text("200 OK")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "generate.png"), full_page=True)


def test_describe_an_uploaded_image(
    page: Page, autoui_server: str, example_api: str, tmp_path: Path
) -> None:
    picture = tmp_path / "sunset.png"
    image = Image.new("RGB", (240, 160), (240, 120, 20))
    image.paste((20, 20, 90), (0, 100, 240, 160))
    image.save(picture)
    direct = requests.post(
        f"{example_api}/describe_image",
        json={"image": base64.b64encode(picture.read_bytes()).decode()},
        timeout=30,
    ).json()
    open_gradio(page, autoui_server)
    open_operation(page, "image", "Describe an image")
    upload_file(page, picture, label="image *")
    expect(component(page, label="image *").locator("img")).to_be_visible()
    page.locator("#send-describe_image").click()
    result = component(page, label="Result").locator("textarea")
    expect(result).to_have_value(direct["description"], timeout=30_000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "describe_image.png"), full_page=True)


@pytest.fixture
def ui_for_a_stopped_api(example_api: str) -> str:
    """autoui in front of an API that has gone away (a port nobody listens on)."""
    from support.servers import free_port, serve_gradio

    import autoui

    dead = f"http://127.0.0.1:{free_port()}"
    demo = autoui.build_app(f"{example_api}/openapi.json", base_url=dead)
    with serve_gradio(demo) as url:
        yield url


def test_a_stopped_api_gives_a_clear_message(page: Page, ui_for_a_stopped_api: str) -> None:
    open_gradio(page, ui_for_a_stopped_api)
    open_operation(page, "text", "Continue a prompt")
    page.get_by_label("prompt *").fill("hello")
    page.locator("#send-generate").click()
    status = page.locator(".autoui-status").filter(visible=True).first
    expect(status).to_contain_text("connection refused. Is it running?", timeout=30_000)
    expect(page.get_by_label("prompt *")).to_have_value("hello")  # the input survives
    assert "Traceback" not in page.content()
