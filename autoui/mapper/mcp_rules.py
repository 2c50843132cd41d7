"""Which operations are MCP tools, by rules on method, path and tag (config `mcp.rules`).

Modelled on FastMCP's route maps (`RouteMap(methods, pattern, tags, mcp_type)`): rules
are tried in order, the first whose conditions all hold decides, and an operation no
rule matches stays a tool. A rule's conditions: `methods` (any of them), `path` (a glob,
or a regular expression when it starts with `^`), `tags` (all of them, as FastMCP). An
operation's own `mcp: {exclude}` (in `operations`, or its `x-autoui`) wins over the
rules: it is the more specific choice. `autoui inspect` lists the operations kept off.
"""

from __future__ import annotations

import difflib
import fnmatch
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from autoui.config import HINT, Config, ConfigFileError, check
from autoui.ir import Problem
from autoui.mapper.plan import AppPlan, OperationPlan


@dataclass(frozen=True)
class Rule:
    methods: frozenset[str]
    path: re.Pattern[str] | None
    tags: frozenset[str]
    tool: bool  # `as: tool`; False for `as: none`

    def matches(self, op: OperationPlan) -> bool:
        operation = op.operation
        return (
            (not self.methods or operation.method.upper() in self.methods)
            and (self.path is None or self.path.match(operation.path) is not None)
            and self.tags <= set(operation.tags)
        )


def rules_of(config: Config, plan: AppPlan) -> list[Rule]:
    """The config's rules; ConfigFileError naming the rule (`mcp.rules[2].path`) for a
    path that is not a regular expression or a tag no operation has."""
    rules = []
    tags = sorted({tag for op in plan.operations for tag in op.operation.tags})
    for index, entry in enumerate(config.data.get("mcp", {}).get("rules", [])):
        at = ("mcp", "rules", index)
        for tag in entry.get("tags", []):
            if tag not in tags:
                close = difflib.get_close_matches(tag, tags, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                message = f"no operation has the tag {tag!r}{hint}"
                raise config.error((*at, "tags"), message, "known tag")
        path = entry.get("path")
        rules.append(
            Rule(
                methods=frozenset(m.upper() for m in entry.get("methods", [])),
                path=None if path is None else _path_pattern(path, config, (*at, "path")),
                tags=frozenset(entry.get("tags", [])),
                tool=entry["as"] == "tool",
            )
        )
    return rules


def _path_pattern(text: str, config: Config, at: tuple[Any, ...]) -> re.Pattern[str]:
    if not text.startswith("^"):
        return re.compile(fnmatch.translate(text))
    try:
        return re.compile(text)
    except re.error as exc:
        raise config.error(at, f"{text!r} is not a regular expression: {exc}", "regex") from None


def apply_mcp_rules(plan: AppPlan, config: Config | None) -> AppPlan:
    """`plan` with each operation's `mcp_exclude` set by the first rule that matches it
    (the config's rules first, then those of the document's root `x-autoui`), unless the
    operation's own `mcp: {exclude}` says otherwise. A bad rule in the config raises
    ConfigFileError; one in the document is a problem of the document (as other hints)."""
    rules = rules_of(config, plan) if config is not None else []
    hint = plan.api.extensions.get(HINT)
    if isinstance(hint, Mapping) and isinstance(hint.get("mcp"), Mapping):
        source = Config(dict(hint), source=HINT)
        try:
            check(source.data, source)
            rules += rules_of(source, plan)
        except ConfigFileError as exc:
            plan.api.problems.append(Problem(str(exc), "#"))
    if not rules:
        return plan
    own = _own_exclusions(plan, config.data.get("operations", {}) if config else {})
    for op in plan.operations:
        rule = next((r for r in rules if r.matches(op)), None)
        if rule is not None and id(op) not in own:
            op.mcp_exclude = not rule.tool
    return plan


def _own_exclusions(plan: AppPlan, entries: Mapping[str, Any]) -> set[int]:
    """The operations whose own config entry or `x-autoui` says `mcp: {exclude}`."""
    chosen = {key for key, entry in entries.items() if "exclude" in entry.get("mcp", {})}
    own = set()
    for op in plan.operations:
        operation = op.operation
        label = f"{operation.method.upper()} {operation.path}"
        names = {op.api_name, operation.operation_id, label}
        hint = operation.extensions.get(HINT)
        hinted = isinstance(hint, Mapping) and "exclude" in (hint.get("mcp") or {})
        if hinted or names & chosen:
            own.add(id(op))
    return own
