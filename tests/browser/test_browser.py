"""The generated UI in a real browser (Debian's Chromium, headless, through Playwright):
what a user sees when they type a prompt, upload a picture, or call an API that is down."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from PIL import Image
from playwright.sync_api import Page, expect
from support.browser import (
    component,
    fill_row,
    open_gradio,
    save_screenshot,
    show_optional,
    upload_file,
)

import autoui


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
    show_optional(page)
    page.get_by_label("prompt *").fill("The parser")
    page.get_by_label("seed").fill("11")
    page.locator("#send-generate").click()
    result = component(page, label="Result").locator("textarea")
    expect(result).to_have_value(direct["response"], timeout=30_000)
    expect(page.locator(".autoui-status").filter(visible=True).first).to_contain_text("200 OK")
    save_screenshot(page, "generate.png")


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
    save_screenshot(page, "describe_image.png")


def test_a_deep_link_opens_its_tab(page: Page, autoui_server: str) -> None:
    open_gradio(page, f"{autoui_server}/?op=words")
    words = page.get_by_role("tab", name="Words that follow a word", exact=True)
    expect(words).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("word (path) *")).to_be_visible()
    expect(page.get_by_role("tab", name="text", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    open_gradio(page, f"{autoui_server}/?op=speak")
    expect(page.get_by_role("tab", name="audio", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    expect(page.locator("#send-speak")).to_be_visible()


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


@pytest.fixture(scope="module")
def tailored_server(example_api: str) -> Iterator[str]:
    """`autoui serve` with the README's ten-line config, examples/autoui.yaml."""
    import sys

    from support.servers import free_port, run_process

    port = free_port()
    config = Path(__file__).resolve().parents[2] / "examples" / "autoui.yaml"
    args = [sys.executable, "-m", "autoui", "serve", f"{example_api}/openapi.json"]
    args += ["--port", str(port), "--config", str(config)]
    with run_process(args, ready_url=f"http://127.0.0.1:{port}/"):
        yield f"http://127.0.0.1:{port}"


def test_the_config_file_tailors_the_page(
    page: Page, tailored_server: str, example_api: str
) -> None:
    assert requests.get(f"{tailored_server}/config", timeout=30).json()["theme"] == "soft"
    open_gradio(page, tailored_server)
    expect(page.get_by_role("heading", name="Markov playground")).to_be_visible()
    groups = page.get_by_role("tablist").first.get_by_role("tab")
    expect(groups).to_have_text(["chat", "text", "image", "analysis", "audio", "documents"])
    expect(page.locator("#tab-chat_completions-button")).to_have_text("Chat")
    page.locator("#form-tab-chat_completions-button").click()  # the form, not the chat view
    show_optional(page)
    expect(page.get_by_role("combobox", name="model").filter(visible=True)).to_have_value("markov")
    messages = [{"role": "user", "content": "Tell me about the socket"}]
    # A list of flat objects is a table: one row per message, a column per property.
    fill_row(
        page.locator("#in-body-messages").filter(visible=True), 0, ["user", messages[0]["content"]]
    )
    page.get_by_label("seed").filter(visible=True).fill("3")
    body = {"model": "markov", "messages": messages, "temperature": 1.0, "seed": 3}
    direct = requests.post(f"{example_api}/v1/chat/completions", json=body, timeout=30).json()
    answer = direct["choices"][0]["message"]["content"]
    page.locator("#send-chat_completions").click()
    shown = page.locator(".prose").filter(visible=True).filter(has_text=answer.split()[0])
    expect(shown.last).to_contain_text(" ".join(answer.split()[:4]), timeout=30_000)
    save_screenshot(page, "tailored.png")
    page.get_by_role("tab", name="text", exact=True).click()
    prompt = page.get_by_label("Start of the story *")
    expect(prompt).to_have_value("Once upon a time")


def test_a_long_call_shows_its_progress(page: Page) -> None:
    """While a call runs, the output area shows that it is running and for how long."""
    from support.echo import SLOW_SECONDS, echo_app
    from support.servers import serve_asgi, serve_gradio

    import autoui

    spec = {
        "openapi": "3.1.0",
        "info": {"title": "Slow API", "version": "1"},
        "paths": {
            "/slow": {"get": {"operationId": "slow", "responses": {"200": {"description": "ok"}}}}
        },
    }
    with (
        serve_asgi(echo_app()) as backend,
        serve_gradio(autoui.build_app(spec, base_url=backend)) as url,
    ):
        open_gradio(page, url)
        page.locator("#send-slow").click()
        # The status line counts the seconds while the API has not answered. (Gradio's
        # own tracker, checked here before, shows only until the first of those updates:
        # under load that moment was missed.)
        status = page.locator(".autoui-status").filter(visible=True).first
        expect(status).to_contain_text(re.compile(r"waiting for the reply · \d+\.\d s"))
        expect(status).to_contain_text("200 OK", timeout=(SLOW_SECONDS + 30) * 1000)
        trackers = page.locator('[data-testid="status-tracker"]').filter(visible=True)
        expect(trackers.filter(has_text=re.compile(r"\d+\.\d\s*s"))).to_have_count(0)


def test_a_deep_link_opens_a_tab_gradio_moved_into_its_more_menu(page: Page) -> None:
    """Tabs that do not fit on one line go into Gradio's "More" menu, where they have
    no button of their own to click (the link used to open nothing, unless it came
    before Gradio had measured the line)."""
    from support.servers import serve_gradio

    paths = {
        f"/op{i}": {
            "get": {
                "operationId": f"operation_{i}",
                "summary": f"A summary long enough to fill the line {i % 3}",  # titles repeat
                "responses": {"200": {"description": "OK"}},
            }
        }
        for i in range(20)
    }
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "many", "version": "1"},
        "servers": [{"url": "http://127.0.0.1:9"}],
        "paths": paths,
    }
    with serve_gradio(autoui.build_app(spec, layout="tabs")) as url:
        for name in ("operation_19", "operation_12", "operation_2"):
            open_gradio(page, f"{url}/?op={name}")
            expect(page.locator(f"#send-{name}")).to_be_visible()
            expect(page.locator(".overflow-dropdown button").first).to_be_attached()


def test_headings_draw_every_letter_in_one_font(page: Page, autoui_server: str) -> None:
    """Gradio's Source Sans Pro at the headings' weight (600) held a few glyphs only: the
    other letters fell back to another font, and each "A" stood out ("ᴀPI"). A heading's
    text must measure as in a face that has every glyph (Gradio's own Bold file)."""
    open_gradio(page, autoui_server)
    widths = page.evaluate(
        """async () => {
            const text = "autoui example model API: Describe an image";
            const whole = new FontFace(
                "WholeSourceSans",
                "url(static/fonts/SourceSansPro/SourceSansPro-Bold.woff2)",
                {weight: "600"},
            );
            document.fonts.add(await whole.load());
            const widths = [];
            for (const family of ["'Source Sans Pro'", "WholeSourceSans"]) {
                const font = `600 40px ${family}`;
                await document.fonts.load(font, text);
                const context = document.createElement("canvas").getContext("2d");
                context.font = font;
                widths.push(context.measureText(text).width);
            }
            return widths;
        }"""
    )
    assert widths[0] == widths[1], widths
