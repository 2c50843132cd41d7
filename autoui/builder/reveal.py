"""Parts of a form drawn only when the user asks for them.

Gradio's page loads the code of every component type its config holds and mounts every
component, except those created with `visible=False`: their code is fetched, and they
are drawn, when they are first shown. A form's collapsed sections (raw body; curl,
headers and raw reply) and its optional parameters therefore start hidden, and a
browser-only event (no server round trip) shows them when their section is opened or
their button pressed. They stay real components of the form: Send reads them, and a
value typed into one is sent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import gradio as gr
from gradio.blocks import Block

SHOW = {"__type__": "update", "visible": True}
HIDE = {"__type__": "update", "visible": False}


def updates_js(show: int, hide: int = 0) -> str:
    """Browser code returning `show` updates that show, then `hide` that hide."""
    return f"() => [...Array({show}).fill(0).map(() => ({json.dumps(SHOW)})), " + (
        f"...Array({hide}).fill(0).map(() => ({json.dumps(HIDE)}))]"
    )


def on_expand(section: gr.Accordion, hidden: Sequence[Block]) -> None:
    """Show `hidden` when `section` is opened."""
    section.expand(None, None, list(hidden), js=updates_js(len(hidden)), show_progress="hidden")


def on_click(button: gr.Button, hidden: Sequence[Block]) -> None:
    """Show `hidden` and hide `button` when it is pressed."""
    button.click(
        None, None, [*hidden, button], js=updates_js(len(hidden), 1), show_progress="hidden"
    )
