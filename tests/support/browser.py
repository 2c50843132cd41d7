"""Drive Gradio pages in the machine's own Chromium through Playwright.

Browsers are never downloaded here (`playwright install` cannot reach its host), so
we launch Debian's Chromium by path. The selectors below were read off Gradio 6's
real DOM; they live in one place so a Gradio upgrade means one file to fix.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, Playwright, expect

CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones home at start; the closed network refuses those
    # connections, which has been seen to break page loads on this machine.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = "install it with `apt-get install -y chromium` or point AUTOUI_CHROMIUM at a binary"

# Gradio 6 DOM: every component sits in a `div.block`; its caption is a
# `[data-testid=block-label]` <label> (media/file components, not tied to any control)
# or a `[data-testid=block-info]` <span> inside the <label> that wraps the control.
_CAPTION = '[data-testid="block-label"], [data-testid="block-info"]'
_NEAREST_BLOCK = (
    "xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' block ')][1]"
)
# A component's status tracker loses the `hide` class while its event is pending;
# after an error it stays visible with a `.error` badge, which is not "busy".
_BUSY = '[data-testid="status-tracker"]:not(.hide):not(:has(.error))'


def find_chromium() -> str | None:
    """Return the Chromium to drive, or None.

    $AUTOUI_CHROMIUM, when set, is the only candidate (so a wrong setting fails
    loudly instead of quietly testing another browser); else /usr/bin/chromium,
    else `chromium` on PATH.
    """
    explicit = os.environ.get("AUTOUI_CHROMIUM")
    if explicit is not None:
        return explicit if os.access(explicit, os.X_OK) and Path(explicit).is_file() else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def launch_chromium(playwright: Playwright, executable: str) -> Browser:
    """Launch `executable` headless with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)


def wait_for_gradio(page: Page, timeout: float = 30_000) -> None:
    """Wait until the Gradio app has rendered and no event (e.g. `load`) is pending.

    While the config loads, `.gradio-container` already exists but `main` is empty
    and an app-wide "Loading..." tracker shows; hence the extra conditions.
    """
    page.wait_for_function(
        """busy => {
            const main = document.querySelector('.gradio-container main');
            return main !== null && main.childElementCount > 0
                && document.querySelector(busy) === null;
        }""",
        arg=_BUSY,
        timeout=timeout,
    )


def show_optional(page: Page) -> None:
    """Show the open form's optional fields, as a user does (a form starts with them
    hidden, behind a button saying how many there are)."""
    # Found and pressed in one step: the page may still be settling (a chat operation's
    # form tab is drawn, then hidden behind its Conversation tab), and a button seen
    # visible a moment ago would then never become clickable.
    press = "bs => bs.filter(b => b.offsetParent !== null).map(b => { b.click(); return b.id; })"
    for element_id in page.locator('button[id^="optional-"]').evaluate_all(press):
        expect(page.locator(f'[id="{element_id}"]')).to_be_hidden()


def open_gradio(page: Page, url: str) -> None:
    """Navigate to a Gradio app and wait until it is usable."""
    page.goto(url)
    wait_for_gradio(page)


def component(page: Page, *, label: str | None = None, elem_id: str | None = None) -> Locator:
    """Locate a component's `div.block` by its visible label or by its `elem_id`.

    Needed for media/file components, whose label is not linked to any control,
    so `page.get_by_label` cannot find them. Matching the label is exact and only
    among visible captions, so components on hidden tabs don't clash.
    """
    if (label is None) == (elem_id is None):
        raise ValueError("pass exactly one of label= or elem_id=")
    if elem_id is not None:
        return page.locator(f'[id="{elem_id}"]')
    caption = (
        page.locator(_CAPTION)
        .filter(has_text=re.compile(rf"^\s*{re.escape(label or '')}\s*$"))
        .filter(visible=True)
    )
    return caption.locator(_NEAREST_BLOCK)


def upload_file(
    page: Page, path: str | Path, *, label: str | None = None, elem_id: str | None = None
) -> None:
    """Put a file into a `gr.File`/`gr.Image`/... input, as picking it in the dialog would."""
    target = component(page, label=label, elem_id=elem_id)
    target.locator('input[type="file"]').set_input_files(str(path))


def toast_messages(page: Page) -> Locator:
    """The texts of Gradio's toasts (e.g. the message of a `gr.Error`)."""
    return page.get_by_test_id("toast-text")


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the dropdown labelled `label`.

    Option lists stay in the page once opened, so the option is looked for in the list
    this dropdown controls (its `aria-controls`).
    """
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    options = page.locator(f'[id="{box.get_attribute("aria-controls")}"]')
    options.get_by_role("option", name=option, exact=True).click()


_ROOT = Path(__file__).resolve().parent.parent.parent


def save_screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot for the README.

    Into docs/screenshots/ when AUTOUI_SCREENSHOTS is set (to refresh the README's
    pictures), else into tests/artifacts/screenshots/, so an ordinary test run leaves
    the tracked pictures alone.
    """
    if os.environ.get("AUTOUI_SCREENSHOTS"):
        folder = _ROOT / "docs" / "screenshots"
    else:
        folder = _ROOT / "tests" / "artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    return path


def add_row(table: Locator, row: int) -> None:
    """Add row `row` to a table: the "+" of an empty table, else the previous row's menu."""
    if row == 0:
        table.get_by_role("button", name="Add row").click()
        return
    table.get_by_test_id(f"cell-{row - 1}-0").click()
    table.get_by_test_id(f"cell-{row - 1}-0").get_by_role("button", name="Open cell menu").click()
    table.page.get_by_role("menuitem", name="Add row below").click()


def fill_row(table: Locator, row: int, texts: list[str]) -> None:
    """Add a row and type into its cells, one by one: select a cell, type, press Enter."""
    add_row(table, row)
    for col, text in enumerate(texts):
        cell = table.get_by_test_id(f"cell-{row}-{col}")
        cell.click()
        cell.press("Enter")
        editor = cell.locator("textarea, input").first
        editor.fill(text)
        editor.press("Enter")
