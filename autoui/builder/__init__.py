"""From a UI plan to a `gr.Blocks`: components, layout and events (no HTTP here)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import gradio as gr

from autoui.builder.auth import add_auth_endpoints, authorize_panel
from autoui.builder.endpoints import CallFn, add_endpoint, session_of
from autoui.builder.form import operation_form
from autoui.builder.servers import needs_selector, server_panel
from autoui.mapper.plan import AppPlan, OperationPlan

if TYPE_CHECKING:
    from autoui.dispatcher.client import Dispatcher

_UNTAGGED = "Other"
Badge = Callable[[OperationPlan], str]


def build_blocks(
    plan: AppPlan,
    call: CallFn,
    *,
    base_url: str,
    concurrency: int | None = 64,
    notes: Iterable[str] = (),
    dispatcher: Dispatcher | None = None,
) -> gr.Blocks:
    """The whole page: a header, one tab per operation (grouped by tag), API endpoints.

    With `dispatcher`, the page also gets the per-session panels: the server selector
    and the Authorize panel, with their API endpoints.
    """
    with gr.Blocks(
        title=plan.title or "autoui", delete_cache=(3600, 3600), analytics_enabled=False
    ) as demo:
        selector = dispatcher is not None and needs_selector(dispatcher)
        header = _page_header(plan, "" if selector else base_url, notes)
        gr.Markdown(header, elem_classes=["autoui-header"])
        badge = _session_panels(demo, plan, dispatcher) if dispatcher else _no_badge
        if not plan.operations:
            gr.Markdown(
                "**This document describes no operations**, so there is nothing to "
                "call. (It may hold only components or webhooks.)"
            )
        groups = _by_tag(plan)
        if len(groups) > 1:
            with gr.Tabs():
                for tag, operations in groups.items():
                    with gr.Tab(tag):
                        _operation_tabs(operations, call, concurrency, badge)
        elif plan.operations:
            _operation_tabs(plan.operations, call, concurrency, badge)
        for op in plan.operations:
            add_endpoint(op, call, concurrency)
    demo.queue(default_concurrency_limit=concurrency)
    return demo


def _session_panels(demo: gr.Blocks, plan: AppPlan, dispatcher: Dispatcher) -> Badge:
    """Server selector, Authorize panel and their endpoints; the session ends with the tab."""
    if needs_selector(dispatcher):
        server_panel(dispatcher)

    def end_session(autoui_request: gr.Request) -> None:
        dispatcher.sessions.forget(session_of(autoui_request))

    demo.unload(end_session)
    if dispatcher.auth is None:
        return _no_badge
    panel = authorize_panel(demo, plan, dispatcher.auth)
    if dispatcher.auth.schemes:
        add_auth_endpoints(panel)
    return lambda op: panel.requirements.badge(plan, op)


def _no_badge(op: OperationPlan) -> str:
    return ""


def _operation_tabs(
    operations: list[OperationPlan], call: CallFn, concurrency: int | None, badge: Badge
) -> None:
    with gr.Tabs():
        for op in operations:
            with gr.Tab(op.title, id=op.api_name, elem_id=f"tab-{op.api_name}"):
                operation_form(op, call, concurrency, badge(op))


def _by_tag(plan: AppPlan) -> dict[str, list[OperationPlan]]:
    """Operations under their first tag, tags in the document's order."""
    order = [t.name for t in plan.api.tags]
    groups: dict[str, list[OperationPlan]] = {}
    for op in plan.operations:
        tag = op.operation.tags[0] if op.operation.tags else _UNTAGGED
        groups.setdefault(tag, []).append(op)
    ranked = sorted(
        groups, key=lambda t: (order.index(t) if t in order else len(order), t == _UNTAGGED)
    )
    return {t: groups[t] for t in ranked}


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


__all__ = ["CallFn", "build_blocks"]
