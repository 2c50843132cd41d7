"""From a UI plan to a `gr.Blocks`: components, layout and events (no HTTP here)."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import gradio as gr

from autoui.builder.auth import add_auth_endpoints, authorize_panel
from autoui.builder.endpoints import CallFn, StartFn, add_endpoint, session_of
from autoui.builder.form import operation_form
from autoui.builder.servers import needs_selector, server_panel
from autoui.mapper import nothing_to_call
from autoui.mapper.plan import AppPlan, OperationPlan

if TYPE_CHECKING:
    from autoui.dispatcher.client import Dispatcher

Badge = Callable[[OperationPlan], str]

SESSION_CAPACITY = 1000


def build_blocks(
    plan: AppPlan,
    call: CallFn,
    *,
    base_url: str,
    concurrency: int | None = 64,
    notes: Iterable[str] = (),
    start: StartFn | None = None,
    dispatcher: Dispatcher | None = None,
) -> gr.Blocks:
    """The whole page: a header, one tab per operation (grouped by tag), API endpoints.

    `start` begins a call shown live (elapsed time, streams, Stop); without it, calls
    are made through `call` and shown when they end. With `dispatcher`, the page also
    gets the per-session panels: the server selector and the Authorize panel, with
    their API endpoints.
    """
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
    with demo:
        selector = dispatcher is not None and needs_selector(dispatcher)
        header = _page_header(plan, "" if selector else base_url, notes)
        gr.Markdown(header, elem_classes=["autoui-header"])
        badge = _session_panels(demo, plan, dispatcher) if dispatcher else _no_badge
        if not plan.operations:
            gr.Markdown(nothing_to_call(plan.api))
        groups = plan.by_tag()
        if len(groups) > 1:
            with gr.Tabs():
                for tag, operations in groups.items():
                    with gr.Tab(tag):
                        _operation_tabs(operations, call, concurrency, start, badge)
        elif plan.operations:
            _operation_tabs(plan.operations, call, concurrency, start, badge)
        for op in plan.operations:
            add_endpoint(op, call, concurrency, start)
    # The queue sizes its job slots from `max_threads` when it is created: set it first,
    # or more than 40 concurrent calls would wait for a slot whatever `concurrency` says.
    demo.max_threads = max(concurrency or 0, 40)
    # Gradio keeps each session's changed components (here: which output shows) for its
    # 10,000 latest sessions, about 37 kB each: 370 MB of a server's memory, growing in a
    # soak until then. A form's state is rebuilt by its next Send, so fewer will do.
    demo.state_session_capacity = SESSION_CAPACITY
    demo.queue(default_concurrency_limit=concurrency)
    return demo


def theme_of(demo: gr.Blocks) -> str | None:
    """The theme an autoui page was built with, for `gr.mount_gradio_app(theme=...)`."""
    return getattr(demo, "_autoui_theme", None)


def _session_panels(demo: gr.Blocks, plan: AppPlan, dispatcher: Dispatcher) -> Badge:
    """Server selector, Authorize panel and their endpoints; the session ends with the tab."""
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
        return _no_badge
    panel = authorize_panel(demo, plan, dispatcher.auth)
    if dispatcher.auth.schemes:
        add_auth_endpoints(panel)
    return lambda op: panel.requirements.badge(plan, op)


def _no_badge(op: OperationPlan) -> str:
    return ""


def _operation_tabs(
    operations: list[OperationPlan],
    call: CallFn,
    concurrency: int | None,
    start: StartFn | None,
    badge: Badge,
) -> None:
    with gr.Tabs():
        for op in operations:
            with gr.Tab(op.title, id=op.api_name, elem_id=f"tab-{op.api_name}"):
                operation_form(op, call, concurrency, start, badge(op))


def _page_header(plan: AppPlan, base_url: str, notes: Iterable[str]) -> str:
    lines = [f"# {plan.title or 'API'}"]
    if plan.api.version:
        lines[0] += f" <small>{plan.api.version}</small>"
    if plan.description:
        lines.append(plan.description.strip())
    if base_url:
        lines.append(f"Requests go to `{base_url}`.")
    lines += [f"*{note}*" for note in notes]
    return "\n\n".join(lines)


__all__ = ["CallFn", "build_blocks", "theme_of"]
