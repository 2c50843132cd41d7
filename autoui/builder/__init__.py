"""From a UI plan to a `gr.Blocks`: components, layout and events (no HTTP here)."""

from __future__ import annotations

from collections.abc import Iterable

import gradio as gr

from autoui.builder.endpoints import CallFn, StartFn, add_endpoint
from autoui.builder.form import operation_form
from autoui.mapper.plan import AppPlan, OperationPlan

_UNTAGGED = "Other"


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
    with gr.Blocks(
        title=plan.title or "autoui", delete_cache=(3600, 3600), analytics_enabled=False
    ) as demo:
        gr.Markdown(_page_header(plan, base_url, notes), elem_classes=["autoui-header"])
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
                        _operation_tabs(operations, call, concurrency, start)
        elif plan.operations:
            _operation_tabs(plan.operations, call, concurrency, start)
        for op in plan.operations:
            add_endpoint(op, call, concurrency, start)
    demo.queue(default_concurrency_limit=concurrency)
    return demo


def _operation_tabs(
    operations: list[OperationPlan], call: CallFn, concurrency: int | None, start: StartFn | None
) -> None:
    with gr.Tabs():
        for op in operations:
            with gr.Tab(op.title, id=op.api_name, elem_id=f"tab-{op.api_name}"):
                operation_form(op, call, concurrency, start)


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
    lines.append(f"Requests go to `{base_url}`.")
    lines += [f"*{note}*" for note in notes]
    return "\n\n".join(lines)


__all__ = ["CallFn", "build_blocks"]
