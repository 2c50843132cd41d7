"""From a UI plan to a `gr.Blocks`: components, layout and events (no HTTP here)."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import gradio as gr

from autoui.builder.api_blocks import BUILDING, endpoint_blocks, set_threads
from autoui.builder.endpoints import CallFn, add_endpoint
from autoui.builder.navigator import navigator
from autoui.builder.tabs import tabs
from autoui.layout import TABS_LIMIT, choose_layout
from autoui.mapper.plan import AppPlan


def build_blocks(
    plan: AppPlan,
    call: CallFn,
    *,
    base_url: str,
    concurrency: int | None = 64,
    notes: Iterable[str] = (),
    layout: str = "auto",
) -> gr.Blocks:
    """The whole page: a header, then the operations in the chosen layout.

    With tabs (`layout="auto"` and up to TABS_LIMIT operations), the API endpoints are
    in the page's Blocks. With the navigator they are a Blocks of their own, built when
    `endpoints_of(page)()` is called (`autoui.split` serves both).
    """
    chosen = choose_layout(layout, len(plan.operations))
    with warnings.catch_warnings():
        # Gradio 6 moved `theme` to launch() and mount_gradio_app() but still hands the
        # constructor's to launch(); `theme_of` gives it to mount_gradio_app().
        warnings.filterwarnings("ignore", message=".*moved from the Blocks constructor.*")
        options: dict[str, Any] = {"theme": plan.theme} if plan.theme else {}
        demo = gr.Blocks(
            title=plan.title or "autoui",
            delete_cache=(3600, 3600),
            analytics_enabled=False,
            **options,
        )
    demo._autoui_theme = plan.theme or None  # type: ignore[attr-defined]
    with BUILDING, demo:
        gr.Markdown(_page_header(plan, base_url, notes), elem_classes=["autoui-header"])
        if not plan.operations:
            gr.Markdown(
                "**This document describes no operations**, so there is nothing to "
                "call. (It may hold only components or webhooks.)"
            )
        elif chosen == "navigator":
            navigator(demo, plan, call, concurrency)
        else:
            tabs(demo, plan, call, concurrency)
            for op in plan.operations:
                add_endpoint(op, call, concurrency)
    if chosen == "navigator" and plan.operations:
        demo._autoui_endpoints = functools.partial(  # type: ignore[attr-defined]
            endpoint_blocks, plan, call, concurrency
        )
    demo.queue(default_concurrency_limit=concurrency)
    set_threads(demo, concurrency)
    return demo


def endpoints_of(demo: gr.Blocks) -> Callable[[], gr.Blocks] | None:
    """What builds the API endpoints of a navigator page (None when the page's own
    Blocks holds them)."""
    return getattr(demo, "_autoui_endpoints", None)


def theme_of(demo: gr.Blocks) -> str | None:
    """The theme an autoui page was built with, for `gr.mount_gradio_app(theme=...)`."""
    return getattr(demo, "_autoui_theme", None)


def _page_header(plan: AppPlan, base_url: str, notes: Iterable[str]) -> str:
    lines = [f"# {plan.title or 'API'}"]
    if plan.api.version:
        lines[0] += f" <small>{plan.api.version}</small>"
    if plan.description:
        lines.append(plan.description.strip())
    lines.append(f"Requests go to `{base_url}`.")
    lines += [f"*{note}*" for note in notes]
    return "\n\n".join(lines)


__all__ = ["TABS_LIMIT", "CallFn", "build_blocks", "endpoints_of", "theme_of"]
