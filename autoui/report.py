"""`autoui inspect`: what autoui understood of a spec and how it maps each field."""

from __future__ import annotations

import json
from typing import Any

from autoui.ir import Api
from autoui.mapper import NO_DEFAULT, AppPlan


def plan_report(plan: AppPlan, base_url: str) -> dict[str, Any]:
    api = plan.api
    return {
        "title": plan.title,
        "version": api.version,
        "openapi": api.openapi_version,
        "source": api.source,
        "base_url": base_url,
        "theme": plan.theme or None,
        "tags": list(plan.by_tag()),
        "operations": [
            {
                "method": op.operation.method,
                "path": op.operation.path,
                "api_name": op.api_name,
                "mcp_tool": None if op.mcp_exclude else op.mcp_name,
                "title": op.title,
                "tags": op.operation.tags,
                "summary": op.operation.summary,
                "body_media_type": op.body_media_type,
                "inputs": [
                    {
                        "name": f.key.split(".", 1)[1],
                        "in": f.location,
                        "api_param": f.api_param,
                        "label": f.label,
                        "component": f.component,
                        "encoding": f.encoding,
                        "required": f.required,
                        "rule": f.rule,
                        **({} if f.default is NO_DEFAULT else {"default": f.default}),
                        **(
                            {}
                            if f.server_default is NO_DEFAULT
                            else {"server_default": f.server_default}
                        ),
                        **(
                            {"choices_from": f.options_from.plan.api_name} if f.options_from else {}
                        ),
                        **({"placeholder": f.placeholder} if f.placeholder else {}),
                        **({"choices": f.choices} if f.choices else {}),
                        **({"when": {k: list(v) for k, v in f.when}} if f.when else {}),
                    }
                    for f in op.fields
                ],
                "examples": [e.name for e in op.examples],
                "notes": op.notes,
                "outputs": [
                    {
                        "component": o.component,
                        "field": o.field,
                        "media_type": o.media_type,
                        "rule": o.rule,
                    }
                    for o in op.outputs
                ],
            }
            for op in plan.operations
        ],
        "hidden": plan.hidden,
        "problems": [
            {"where": p.where, "message": p.message, "severity": p.severity} for p in api.problems
        ],
    }


def json_report(plan: AppPlan, base_url: str) -> str:
    return json.dumps(plan_report(plan, base_url), indent=2, ensure_ascii=False, default=str)


def text_report(plan: AppPlan, base_url: str) -> str:
    api: Api = plan.api
    lines = [
        f"{plan.title} {api.version} (OpenAPI {api.openapi_version}) from {api.source}",
        f"base URL: {base_url or '(none: pass --base-url)'}",
        f"{len(plan.operations)} operation(s)",
    ]
    for op in plan.operations:
        lines += [
            "",
            f"{op.operation.method} {op.operation.path}  ->  api_name=/{op.api_name}"
            + (f"  mcp_tool={op.mcp_name}" if op.mcp_name != op.api_name else "")
            + ("  (no MCP tool)" if op.mcp_exclude else "")
            + (f"  ({op.title})" if op.title != op.operation.label else ""),
        ]
        for f in op.fields:
            flag = " required" if f.required else ""
            if f.options_from is not None:
                flag += f" models from /{f.options_from.plan.api_name}"
            when = "".join(f" when {k.split('.', 1)[1]}={'|'.join(v)}" for k, v in f.when)
            lines.append(
                f"    {f.api_param:<24} {f.location:<6} {f.component:<11} [rule: {f.rule}]"
                f"{flag}{when}"
            )
        lines += [f"    note: {note}" for note in op.notes]
        for o in op.outputs:
            target = f" field {o.field!r}" if o.field else ""
            lines.append(f"    => {o.component}{target} [{o.rule}]")
    if plan.hidden:
        lines += ["", f"{len(plan.hidden)} operation(s) hidden:"]
        lines += [f"    {hidden}" for hidden in plan.hidden]
    if api.problems:
        lines += ["", f"{len(api.problems)} problem(s) in the spec:"]
        lines += [f"    {p.severity}: {p}" for p in api.problems]
    return "\n".join(lines)
