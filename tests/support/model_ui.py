"""Where things are on autoui's page for a model operation, in one place.

The end-to-end tests of issue 15 (tests/browser/test_model_servers_e2e.py) say what a user does
and sees: open an operation, type a prompt, pick a model, press Send, read the answer,
look at the picture, play the sound. These helpers hold how that is found in the page
(element ids written by autoui/builder: `send-<api>`, `in-<field key>`, `result-<api>-<kind>`,
`chatbot-<api>`, ...). When the UI changes, adapt them here, not in the tests.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from support.browser import open_gradio, show_optional

WAIT = 20_000  # ms: how long a check waits for what must appear


class ModelPage:
    """autoui's page for one API, driven in Chromium."""

    def __init__(self, page: Page, ui_url: str) -> None:
        self.page = page
        self.ui_url = ui_url

    # --- opening an operation ------------------------------------------------------

    def open(self, api_name: str) -> None:
        """Open the operation `api_name` through its deep link (both layouts read `?op=`)."""
        open_gradio(self.page, f"{self.ui_url}/?op={api_name}")
        expect(
            self.page.locator(f'[id="send-{api_name}"], [id="chat-send-{api_name}"]').first
        ).to_be_visible(timeout=WAIT)
        show_optional(self.page)

    def has_chat(self, api_name: str) -> bool:
        return self.page.locator(f'[id="chatbot-{api_name}"]').count() > 0

    # --- the request form ----------------------------------------------------------

    def field(self, key: str) -> Locator:
        """A form field's block by its key (`body-prompt`, `path-model_name`, ...), in the
        open operation (a tabs page holds every operation's form)."""
        return self.page.locator(f'[id="in-{key}"]').filter(visible=True)

    def present(self, *keys: str) -> str:
        """The first of `keys` whose field the open operation shows (a field's key may
        change as the form learns a shape: `body-model[string]` under a selector, or
        `body-model` alone)."""
        expect(self.field(keys[0]).or_(self.field(keys[-1])).first).to_be_visible(timeout=WAIT)
        return next(key for key in keys if self.field(key).count())

    def type_into(self, key: str, text: str) -> None:
        """Type into a text field (a text box, or a picker that takes free text)."""
        _type(self.field(key), text)

    def choose(self, key: str, option: str) -> None:
        """Pick `option` in a dropdown field."""
        box = self.field(key).get_by_role("combobox")
        box.click()
        listbox = self.page.locator(f'[id="{box.get_attribute("aria-controls")}"]')
        listbox.get_by_role("option", name=option, exact=True).click()

    def options(self, key: str, waiting_for: str = "") -> list[str]:
        """What a dropdown field offers (a model picker's models), once it offers
        `waiting_for`."""
        return _offered(self.field(key), waiting_for)

    def upload(self, key: str, path: Path) -> None:
        self.field(key).locator('input[type="file"]').set_input_files(str(path))

    def send(self, api_name: str) -> None:
        self.page.locator(f'[id="send-{api_name}"]').click()

    def status(self, api_name: str) -> Locator:
        return self.page.locator(f'[id="status-{api_name}"]')

    def done(self, api_name: str) -> None:
        """Wait until the reply's status line says 200 OK."""
        expect(self.status(api_name)).to_contain_text("200 OK", timeout=WAIT)

    # --- what the reply shows ------------------------------------------------------

    def answer_text(self, api_name: str) -> Locator:
        """The answer shown as text (a text box's value)."""
        return self.page.locator(f'[id="result-{api_name}-textbox"] textarea')

    def answer(self, api_name: str) -> Locator:
        """Whichever result component is showing."""
        return self.page.locator(f'[id^="result-{api_name}-"]').filter(visible=True)

    def pictures(self, api_name: str) -> Locator:
        """Pictures shown in the answer (one image, or a gallery's)."""
        return self.answer(api_name).locator("img")

    def sound(self, api_name: str) -> Locator:
        """An audio player in the answer."""
        return self.answer(api_name).locator("audio")

    def labels(self, api_name: str) -> Locator:
        """A label view's rows (class names with confidences)."""
        return self.page.locator(f'[id="result-{api_name}-label"]')

    # --- the chat view -------------------------------------------------------------

    def chat_field(self, api_name: str, key: str) -> Locator:
        """A setting of the chat view (`body-model`, ...): where a model picker sits."""
        return self.page.locator(f'[id="in-chat-{key}"]').filter(visible=True)

    def chat_set(self, api_name: str, key: str, text: str) -> None:
        """Type a chat setting (e.g. the model, where the picker takes free text)."""
        _type(self.chat_field(api_name, key), text)

    def chat_options(self, api_name: str, key: str, waiting_for: str = "") -> list[str]:
        """What a chat setting's dropdown offers (the model picker's models), once it
        offers `waiting_for` (the server's list comes after the spec's own names)."""
        return _offered(self.chat_field(api_name, key), waiting_for)

    def say(self, api_name: str, message: str) -> None:
        box = self.page.locator(f'[id="chat-input-{api_name}"] textarea')
        box.fill(message)
        box.press("Enter")

    def chatbot(self, api_name: str) -> Locator:
        return self.page.locator(f'[id="chatbot-{api_name}"]')

    def assistant_turns(self, api_name: str) -> Locator:
        """The assistant's messages in the conversation, oldest first."""
        return self.chatbot(api_name).locator('[data-testid="bot"]')

    def chat_status(self, api_name: str) -> Locator:
        return self.page.locator(f'[id="chat-status-{api_name}"]')

    def stream_answer(self, api_name: str, on: bool) -> None:
        box = self.page.locator(f'[id="chat-stream-{api_name}"] input')
        if box.is_checked() != on:
            box.click()


def loaded_picture_size(picture: Locator) -> tuple[int, int]:
    """The natural size of a shown picture, once it has loaded (Gradio's pictures load
    lazily: one below the fold loads when it is scrolled to, as a user would)."""
    expect(picture).to_be_attached(timeout=WAIT)
    picture.scroll_into_view_if_needed(timeout=WAIT)
    expect(picture).to_be_visible(timeout=WAIT)
    picture.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle(), timeout=WAIT
    )
    size = picture.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    return int(size[0]), int(size[1])


def _type(block: Locator, text: str) -> None:
    box = block.locator("textarea, input").first
    expect(box).to_be_visible(timeout=WAIT)
    box.fill(text)
    box.press("Tab")


def _offered(block: Locator, waiting_for: str = "") -> list[str]:
    box = block.get_by_role("combobox")
    expect(box).to_be_visible(timeout=WAIT)
    box.click()
    listbox = block.page.locator(f'[id="{box.get_attribute("aria-controls")}"]')
    option = listbox.get_by_role("option", name=waiting_for, exact=True) if waiting_for else None
    expect(option or listbox.get_by_role("option").first).to_be_visible(timeout=WAIT)
    return listbox.get_by_role("option").all_inner_texts()
