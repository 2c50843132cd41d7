"""From a UI plan to a `gr.Blocks`: components, layout and events (no HTTP here)."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import gradio as gr

from autoui.builder.api_blocks import BUILDING, endpoint_blocks, set_queue
from autoui.builder.auth import AUTH_CSS, authorize_panel
from autoui.builder.endpoints import CallFn, StartFn, add_endpoint, session_of
from autoui.builder.form import Badge, Form, no_badge
from autoui.builder.mcp_tools import Blocks
from autoui.builder.messages import markdown
from autoui.builder.navigator import NAVIGATOR_CSS, navigator
from autoui.builder.page_only import page_only
from autoui.builder.present import safe_markdown
from autoui.builder.servers import needs_selector, server_panel, where_markdown
from autoui.builder.sessions import session_endpoints
from autoui.builder.tabs import tabs
from autoui.layout import TABS_LIMIT, choose_layout
from autoui.mapper.calls import Backend, CheckFn, CurlFn
from autoui.mapper.plan import AppPlan, nothing_to_call

SESSION_CAPACITY = 1000


def build_blocks(
    plan: AppPlan,
    call: CallFn,
    *,
    base_url: str,
    concurrency: int | None = 64,
    notes: Iterable[str] = (),
    layout: str = "auto",
    start: StartFn | None = None,
    dispatcher: Backend | None = None,
    check: CheckFn | None = None,
    curl: CurlFn | None = None,
    page_class: type[gr.Blocks] = Blocks,
) -> gr.Blocks:
    """The whole page: a header, then the operations in the chosen layout.

    With tabs (`layout="auto"` and up to TABS_LIMIT operations), the API endpoints are
    in the page's Blocks. With the navigator they are a Blocks of their own, built when
    `endpoints_of(page)()` is called (`autoui.split` serves both).

    `start` begins a call shown live (elapsed time, streams, Stop); without it, calls
    are made through `call` and shown when they end. With `dispatcher`, the page also
    gets the per-session panels: the server selector and the Authorize panel, with
    their API endpoints (in the endpoints' Blocks too, for the navigator).
    `check` checks a Send's values first (`autoui.dispatcher.checks.check`; without it,
    values are sent unchecked), `curl` shows the request a call sent as a command
    (`autoui.dispatcher.curl.curl_command`; without it, none is shown): the page gets
    them from its caller (`autoui.app.assemble`), as it gets `call`.
    `page_class` is the page's Blocks (`autoui.launch.Page`, whose `launch()` serves a
    navigator page's endpoints too).
    """
    chosen = choose_layout(layout, len(plan.operations))
    with warnings.catch_warnings():
        # Gradio 6 moved `theme` and `css` to launch() and mount_gradio_app() but still
        # hands the constructor's to launch(); `theme_of` and `css_of` give them to
        # mount_gradio_app().
        warnings.filterwarnings("ignore", message=".*moved from the Blocks constructor.*")
        options: dict[str, Any] = {"theme": plan.theme} if plan.theme else {}
        demo = page_class(
            css=PAGE_CSS,
            title=plan.title or "autoui",
            delete_cache=(3600, 3600),
            analytics_enabled=False,
            **options,
        )
    demo._autoui_theme = plan.theme or None  # type: ignore[attr-defined]
    demo._autoui_css = PAGE_CSS  # type: ignore[attr-defined]
    with BUILDING, demo:
        selector = dispatcher is not None and needs_selector(dispatcher)
        header = _page_header(plan, "" if selector else base_url, notes)
        gr.Markdown(header, elem_classes=["autoui-header"])
        navigated = chosen == "navigator" and bool(plan.operations)
        badge = _session_panels(demo, plan, dispatcher, navigated) if dispatcher else no_badge
        form = Form(call, concurrency, start, badge, check, curl)
        if not plan.operations:
            gr.Markdown(nothing_to_call(plan.api))
        elif chosen == "navigator":
            navigator(demo, plan, form)
        else:
            tabs(demo, plan, form)
            for op in plan.operations:
                add_endpoint(op, call, concurrency, start, check)
    page_only(demo.blocks.values())
    if navigated:
        demo._autoui_endpoints = functools.partial(  # type: ignore[attr-defined]
            endpoint_blocks, plan, call, concurrency, start, dispatcher, check
        )
    # Gradio keeps each session's changed components (here: which output shows) for its
    # 10,000 latest sessions, about 37 kB each: 370 MB of a server's memory, growing in a
    # soak until then. A form's state is rebuilt by its next Send, so fewer will do.
    demo.state_session_capacity = SESSION_CAPACITY
    set_queue(demo, concurrency)
    return demo


# Gradio's default theme takes the headings' weight of Source Sans Pro (600) from a file
# that holds a few glyphs only (SemiBold.woff2, 5 kB in Gradio 6.31): the other letters
# come from a fallback font, so each "A" of a heading stands out ("ᴀPI"). Its Bold file
# holds them all, and this rule, coming later, wins for weight 600.
FONT_FIX = (
    "@font-face{font-family:'Source Sans Pro';font-weight:600;font-style:normal;"
    "src:url('static/fonts/SourceSansPro/SourceSansPro-Bold.woff2') format('woff2')}"
)
# The page's own rules, in its stylesheet: each `<style>` in a component would be a
# component more for the browser to mount as the page opens.
PAGE_CSS = FONT_FIX + AUTH_CSS + NAVIGATOR_CSS


def endpoints_of(demo: gr.Blocks) -> Callable[[], gr.Blocks] | None:
    """What builds the API endpoints of a navigator page (None when the page's own
    Blocks holds them)."""
    return getattr(demo, "_autoui_endpoints", None)


def css_of(demo: gr.Blocks, css: str | None = None) -> str:
    """An autoui page's own rules, then `css` (a caller's, which launch() or
    mount_gradio_app() would otherwise put in their place)."""
    return str(getattr(demo, "_autoui_css", "")) + (css or "")


def theme_of(demo: gr.Blocks) -> str | None:
    """The theme an autoui page was built with, for `gr.mount_gradio_app(theme=...)`."""
    return getattr(demo, "_autoui_theme", None)


def _session_panels(
    demo: gr.Blocks, plan: AppPlan, dispatcher: Backend, navigated: bool = False
) -> Badge:
    """Server selector, Authorize panel and their endpoints (those of a `navigated`
    page are with its other endpoints, `api_blocks`); the session ends with the tab."""
    if needs_selector(dispatcher):
        server_panel(dispatcher)

    def end_session(autoui_request: gr.Request) -> None:
        dispatcher.sessions.forget(session_of(autoui_request))

    demo.unload(end_session)
    # Gradio runs unload handlers itself, outside the queue, when the tab goes; say so,
    # so that every queued event is a call to the API (one concurrency group for them).
    for fn in demo.fns.values():
        if fn.fn is end_session:
            fn.queue = False
    if dispatcher.auth is None:
        return no_badge
    panel = authorize_panel(demo, plan, dispatcher.auth)
    if not navigated:
        session_endpoints(dispatcher, server=False)
    return lambda op: panel.requirements.badge(plan, op)


def _page_header(plan: AppPlan, base_url: str, notes: Iterable[str]) -> str:
    lines = [f"# {plan.title or 'API'}"]
    if plan.api.version:
        lines[0] += f" <small>{plan.api.version}</small>"
    if plan.description:
        lines.append(plan.description.strip())
    lines[:] = [safe_markdown(line) for line in lines]  # the spec's own Markdown
    if base_url:
        lines.append(where_markdown(base_url))
    lines += [f"*{markdown(note)}*" for note in notes]
    return "\n\n".join(lines)


__all__ = ["PAGE_CSS", "TABS_LIMIT", "CallFn", "build_blocks", "css_of", "endpoints_of", "theme_of"]
