"""Gradio components for the plan's input kinds: each kind's module (`mapper.kinds`) says
which component and with which arguments; here they become Gradio objects."""

from __future__ import annotations

from typing import Any

import gradio as gr

from autoui.mapper.kinds import kind_of
from autoui.mapper.plan import Field


def _common(field: Field) -> dict[str, Any]:
    # Interactive said outright: Gradio's front end guesses it from the page's events,
    # and a form built by `gr.render` (the navigator) would get read-only inputs.
    return {
        "label": field.label,
        "elem_id": f"in-{field.key}".replace(".", "-"),
        "interactive": True,
    }


def widget_value(field: Field, value: Any) -> Any:
    """A wire-shaped value (from a default or an example) as the field's widget holds it."""
    return kind_of(field).to_widget(field, value)


def input_component(field: Field, visible: bool = True) -> gr.components.Component:
    spec = kind_of(field).widget(field)
    component: gr.components.Component = getattr(gr, spec.cls)(
        **spec.kwargs, **_common(field), visible=visible
    )
    return component


def style_element(css: str) -> gr.Markdown:
    """A `<style>` element of the page (`css` holds the tag; autoui's own rules only, so
    nothing to sanitise), in a Markdown: the page loads Markdown's code anyway, and a
    `gr.HTML` would add its own (six more requests before the page is drawn)."""
    return gr.Markdown(
        css, sanitize_html=False, padding=False, container=False, elem_classes=["autoui-style"]
    )
