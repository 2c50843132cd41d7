"""From a UI plan to a `gr.Blocks`: components, layout and events (no HTTP here)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import gradio as gr

from autoui.builder.endpoints import CallFn, StartFn, add_endpoint
from autoui.builder.form import operation_form
from autoui.mapper import nothing_to_call
from autoui.mapper.plan import AppPlan, OperationPlan

SESSION_CAPACITY = 1000


def build_blocks(
    plan: AppPlan,
    call: CallFn,
    *,
    base_url: str,
    concurrency: int | None = 64,
    notes: Iterable[str] = (),
    start: StartFn | None = None,
) -> gr.Blocks:
    """The whole page: a header, one tab per operation (grouped by tag), API endpoints.

    `start` begins a call shown live (elapsed time, streams, Stop); without it, calls
    are made through `call` and shown when they end.
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
        gr.Markdown(_page_header(plan, base_url, notes), elem_classes=["autoui-header"])
        if not plan.operations:
            gr.Markdown(nothing_to_call(plan.api))
        groups = plan.by_tag()
        if len(groups) > 1:
            with gr.Tabs():
                for tag, operations in groups.items():
                    with gr.Tab(tag):
                        _operation_tabs(operations, call, concurrency, start)
        elif plan.operations:
            _operation_tabs(plan.operations, call, concurrency, start)
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


def _operation_tabs(
    operations: list[OperationPlan], call: CallFn, concurrency: int | None, start: StartFn | None
) -> None:
    with gr.Tabs():
        for op in operations:
            with gr.Tab(op.title, id=op.api_name, elem_id=f"tab-{op.api_name}"):
                operation_form(op, call, concurrency, start)


def _page_header(plan: AppPlan, base_url: str, notes: Iterable[str]) -> str:
    lines = [f"# {plan.title or 'API'}"]
    if plan.api.version:
        lines[0] += f" <small>{plan.api.version}</small>"
    if plan.description:
        lines.append(plan.description.strip())
    lines.append(f"Requests go to `{base_url}`.")
    lines += [f"*{note}*" for note in notes]
    return "\n\n".join(lines)


__all__ = ["CallFn", "build_blocks", "theme_of"]
