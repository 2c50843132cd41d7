"""Turning a spec's bytes into Python objects: JSON, or YAML with a safe loader only.

libyaml's `CSafeLoader` is used when PyYAML was built with it (about 10x faster on
multi-megabyte specs); the pure-Python `SafeLoader` otherwise. Both construct plain
data only, never Python objects (CVE-2017-1000207 was an unsafe loader).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from autoui.errors import SpecError

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML aliases let a small file describe an enormous tree ("billion laughs"). PyYAML
# shares aliased nodes instead of copying them, so loading is cheap, but anything
# that walks the result (validation, bundling, JSON output) would expand it.
MAX_EXPANDED_NODES = 5_000_000
# What an alias looks like in a block or flow value: a cheap test that spares the
# expansion count for the vast majority of specs, which use no aliases.
_ALIAS_LIKE = re.compile(r"(?:^|[\s\[,:-])\*[\w.-]+\s*(?=$|[,\]}\n])", re.MULTILINE)


def parse(data: bytes, source: str, content_type: str = "") -> Any:
    text = _decode(data, source)
    if not text.strip():
        raise SpecError(source, "the document is empty")
    json_error: json.JSONDecodeError | None = None
    if text.lstrip().startswith(("{", "[")) or "json" in content_type:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            json_error = exc  # JSON is YAML: YAML-ish JSON (comments, tabs) may still load
    try:
        document = yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        if json_error is not None:
            raise SpecError(source, _json_reason(json_error)) from None
        raise SpecError(source, _yaml_reason(exc)) from None
    except RecursionError:
        raise SpecError(source, "the document is nested too deeply") from None
    if _ALIAS_LIKE.search(text) and expanded_size(document) > MAX_EXPANDED_NODES:
        raise SpecError(
            source,
            f"its YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (a YAML bomb?)",
        )
    return document


def _json_reason(exc: json.JSONDecodeError) -> str:
    return f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"


def _yaml_reason(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {exc.problem}"
    return f"invalid YAML: {exc}"


def _decode(data: bytes, source: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    raise SpecError(source, "the document is not UTF-8 text")


def expanded_size(node: Any) -> int:
    """How many nodes a walk that follows every alias would visit, counted in O(unique)."""
    sizes: dict[int, int] = {}

    def size(item: Any, depth: int) -> int:
        if not isinstance(item, (dict, list)):
            return 1
        known = sizes.get(id(item))
        if known is not None:
            return known
        if depth > 1000:
            return MAX_EXPANDED_NODES + 1
        sizes[id(item)] = MAX_EXPANDED_NODES + 1  # a cycle counts as unbounded
        children = item.values() if isinstance(item, dict) else item
        total = 1 + sum(size(child, depth + 1) for child in children)
        sizes[id(item)] = total
        return total

    return size(node, 0)
