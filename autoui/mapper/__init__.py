"""From the IR to a UI plan: which widgets, which names, which output (no Gradio here)."""

from __future__ import annotations

from collections import Counter

from autoui.ir import Api, Operation
from autoui.mapper.inputs import plan_form
from autoui.mapper.models import attach_model_lists
from autoui.mapper.naming import tool_names, unique_names
from autoui.mapper.outputs import plan_outputs
from autoui.mapper.plan import NO_DEFAULT, AppPlan, Field, OperationPlan, Output, nothing_to_call

_TITLE_LENGTH = 48


def plan_operation(api: Api, operation: Operation, api_name: str) -> OperationPlan:
    form = plan_form(api, operation)
    return OperationPlan(
        operation=operation,
        api_name=api_name,
        title=title_of(operation),
        fields=form.fields,
        body_media_type=form.media_type,
        required_objects=[path for path, when in form.required_objects if not when],
        required_when=[(path, when) for path, when in form.required_objects if when],
        outputs=plan_outputs(api, operation, frozenset(f.name for f in form.fields)),
        notes=form.notes,
        examples=form.examples,
        schemas=api.schemas,
    )


def plan_api(api: Api) -> AppPlan:
    names = unique_names(api.operations)
    operations = [
        plan_operation(api, op, name) for op, name in zip(api.operations, names, strict=True)
    ]
    for op, tool in zip(operations, tool_names(names), strict=True):
        op.mcp_name = tool
    app = AppPlan(
        api=api,
        operations=operations,
        title=api.title,
        description=api.description,
    )
    _distinct_titles(app.operations)
    attach_model_lists(app)
    return app


def _distinct_titles(plans: list[OperationPlan]) -> None:
    """Operations that share a summary (TGI calls its generate, chat and completions
    routes all "Generate tokens") are told apart by their method and path instead."""
    counts = Counter(plan.title for plan in plans)
    for plan in plans:
        if counts[plan.title] > 1:
            plan.title = plan.operation.label


def title_of(operation: Operation) -> str:
    """A short label: the summary when there is one, else `METHOD /path`."""
    text = " ".join(operation.summary.split()) or operation.label
    return text if len(text) <= _TITLE_LENGTH else text[: _TITLE_LENGTH - 1] + "…"


__all__ = [
    "NO_DEFAULT",
    "AppPlan",
    "Field",
    "OperationPlan",
    "Output",
    "nothing_to_call",
    "plan_api",
    "plan_operation",
    "title_of",
]
