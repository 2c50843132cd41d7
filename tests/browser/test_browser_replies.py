"""Replies in a real browser (Debian's Chromium through Playwright): a picture shown,
a stream read as it comes, Stop, a chat with its history, sanitized HTML, a 422 that
points at the field, and the curl command with its credentials hidden.

The API is tests/support/media_api.py on loopback. Its gated stream sends one word and
waits for the test: the page must show that word while the API has sent nothing else.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, expect
from support.browser import open_gradio, save_screenshot
from support.media_api import SCRIPT_MARK
from support.servers import serve_gradio

import autoui

BOUND = 20  # seconds: how long a test waits for something that must happen
WAIT = BOUND * 1000  # the same, in Playwright's milliseconds
TOKEN = "Bearer sekret-t0ken"


@pytest.fixture(scope="module")
def ui(media_api: tuple[str, FastAPI]) -> Iterator[str]:
    demo = autoui.build_app(
        f"{media_api[0]}/openapi.json", timeout=BOUND, headers={"Authorization": TOKEN}
    )
    with serve_gradio(demo) as url:
        yield url


def open_operation(page: Page, ui: str, tag: str, api_name: str) -> None:
    open_gradio(page, ui)
    page.get_by_role("tab", name=tag, exact=True).click()
    page.locator(f"#tab-{api_name}-button").click()


def shot(page: Page, name: str) -> None:
    save_screenshot(page, name)


def test_a_picture_is_shown(page: Page, ui: str) -> None:
    open_operation(page, ui, "media", "a_picture")
    page.locator("#send-a_picture").click()
    picture = page.locator("#result-a_picture-image img")
    expect(picture).to_be_visible(timeout=WAIT)
    page.wait_for_function(
        "img => img.complete && img.naturalWidth === 24", arg=picture.element_handle()
    )
    expect(page.locator("#status-a_picture")).to_contain_text("200 OK")


def test_pictures_inside_json_are_a_gallery(page: Page, ui: str) -> None:
    open_operation(page, ui, "json", "generations")
    page.locator("#send-generations").click()
    pictures = page.locator("#result-generations-gallery img")
    expect(pictures).to_have_count(2, timeout=WAIT)
    shot(page, "gallery.png")


def test_the_first_words_of_a_stream_show_before_the_last_is_sent(
    page: Page, ui: str, media_backend: FastAPI
) -> None:
    open_operation(page, ui, "streams", "stream_gated")
    page.locator("#send-stream_gated").click()
    text = page.locator("#result-stream_gated-textbox textarea")
    expect(text).to_have_value("First ", timeout=WAIT)
    record = media_backend.state.streams[-1]
    assert (record.sent, record.finished) == (1, False)  # the API is still holding the rest
    expect(page.locator("#status-stream_gated")).to_contain_text("streaming")
    expect(page.locator("#stop-stream_gated")).to_be_visible()
    shot(page, "stream.png")
    media_backend.state.gate.set()
    expect(text).to_have_value("First second third last.", timeout=WAIT)
    expect(page.locator("#status-stream_gated")).to_contain_text("200 OK")
    expect(page.locator("#stop-stream_gated")).to_be_hidden()
    assert record.finished


def test_stop_closes_the_connection(page: Page, ui: str, media_backend: FastAPI) -> None:
    # Under load Gradio's /cancel was answered late, and the stream's progress updates
    # that came meanwhile replaced "Stopped": Stop must not depend on how fast that is.
    page.route(re.compile(r".*/cancel$"), lambda route: (time.sleep(1.5), route.continue_()))
    open_operation(page, ui, "streams", "stream_endless")
    page.locator("#send-stream_endless").click()
    text = page.locator("#result-stream_endless-textbox textarea")
    expect(text).to_have_value(re.compile(r"^w0 w1 "), timeout=WAIT)
    record = media_backend.state.streams[-1]
    page.locator("#stop-stream_endless").click()
    expect(page.locator("#status-stream_endless")).to_contain_text("Stopped", timeout=WAIT)
    assert record.disconnected.wait(BOUND), "the API never saw the connection close"
    assert not record.finished
    shown = text.input_value()
    assert shown.startswith("w0 w1 ")  # what came before Stop stays readable
    page.wait_for_timeout(1000)  # nothing that comes later replaces the final state
    expect(page.locator("#status-stream_endless")).to_contain_text("Stopped")
    expect(text).to_have_value(shown)


def test_chat_keeps_the_conversation_of_each_session(page: Page, ui: str, browser: Browser) -> None:
    open_operation(page, ui, "chat", "chat")
    message = page.locator("#chat-input-chat textarea")
    chatbot = page.locator("#chatbot-chat")
    message.fill("Hello there")
    message.press("Enter")
    expect(chatbot).to_contain_text("turn 1: you said 'Hello there'", timeout=WAIT)
    page.locator("#chat-system-chat textarea").fill("Be brief")
    message.fill("And again")
    page.locator("#chat-send-chat").click()
    expect(chatbot).to_contain_text("[Be brief] turn 2: you said 'And again'", timeout=WAIT)
    expect(page.locator("#chat-status-chat")).to_contain_text("text/event-stream")
    shot(page, "chat.png")
    other = browser.new_context().new_page()  # another person: their own conversation
    try:
        open_operation(other, ui, "chat", "chat")
        other.locator("#chat-input-chat textarea").fill("Hi")
        other.locator("#chat-input-chat textarea").press("Enter")
        expect(other.locator("#chatbot-chat")).to_contain_text(
            "turn 1: you said 'Hi'", timeout=WAIT
        )
    finally:
        other.context.close()
    page.locator("#chat-clear-chat").click()
    expect(chatbot).not_to_contain_text("Hello there")
    message.fill("Fresh start")
    message.press("Enter")
    expect(chatbot).to_contain_text("turn 1: you said 'Fresh start'", timeout=WAIT)


def test_html_is_rendered_without_running_anything(page: Page, ui: str) -> None:
    open_operation(page, ui, "text", "a_page")
    page.locator("#send-a_page").click()
    result = page.locator("#result-a_page-html")
    expect(result.get_by_role("heading", name="Report")).to_be_visible(timeout=WAIT)
    expect(result.locator("b")).to_have_text("good")
    assert result.locator("img, script").count() == 0
    assert page.evaluate(f"typeof window.{SCRIPT_MARK}") == "undefined"


def test_a_422_points_at_the_field(page: Page, ui: str) -> None:
    open_operation(page, ui, "errors", "generate")
    page.locator("#in-body-prompt textarea").fill("LOUD")
    page.locator("#send-generate").click()
    status = page.locator("#status-generate")
    expect(status).to_contain_text("422 Unprocessable Entity", timeout=WAIT)
    expect(status).to_contain_text("prompt: Value error, the prompt must not be all capitals")
    expect(page.locator("#in-body-prompt")).to_contain_text("⚠ Value error")
    expect(page.locator("#in-body-prompt textarea")).to_have_value("LOUD")  # the input stays
    page.locator("#in-body-prompt textarea").fill("quiet")
    page.locator("#send-generate").click()
    expect(status).to_contain_text("200 OK", timeout=WAIT)
    expect(page.locator("#in-body-prompt")).not_to_contain_text("⚠")


def test_curl_hides_the_credentials(page: Page, ui: str) -> None:
    """The `--header` Authorization is the operator's: Reveal never shows it (Reveal
    shows what the user typed: tests/security/test_attacks.py)."""
    open_operation(page, ui, "errors", "generate")
    page.locator("#in-body-prompt textarea").fill("hello")
    page.locator("#send-generate").click()
    expect(page.locator("#status-generate")).to_contain_text("200 OK", timeout=WAIT)
    page.get_by_role("button", name=re.compile("curl")).filter(visible=True).click()
    curl = page.locator("#curl-generate")
    expect(curl).to_contain_text("Authorization: <redacted>")
    expect(curl).to_contain_text('"prompt": "hello"')
    expect(page.locator("#raw-generate")).to_contain_text("content-type")
    assert "sekret" not in page.content()
