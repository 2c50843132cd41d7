"""Turning a spec's bytes into Python objects: JSON, or YAML with a safe loader only.

libyaml's `CSafeLoader` is used when PyYAML was built with it (about 10x faster on
multi-megabyte specs); the pure-Python `SafeLoader` otherwise. A large YAML document's
parsed tree is kept on disk for the next load (`yaml_cache`). Both construct plain
data only, never Python objects (CVE-2017-1000207 was an unsafe loader).
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from autoui.errors import SpecError
from autoui.loader import yaml_cache

_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# YAML aliases let a small file describe an enormous tree ("billion laughs"). PyYAML
# shares aliased nodes instead of copying them, so loading is cheap, but anything
# that walks the result (validation, bundling, JSON output) would expand it.
MAX_EXPANDED_NODES = 5_000_000
# Real specs nest 20-40 levels deep (paths, operation, content, schema, properties...).
# Much deeper documents are refused: every layer after this one may walk them
# recursively (the validator, the mapper, JSON encoders), and libyaml's composer
# recursion crashes the whole process (a segfault) on a few ten thousand levels.
MAX_NESTING = 256
# A document whose brackets or indentation may nest deeper than this is parsed by the
# pure-Python loader, whose recursion Python guards, instead of by libyaml.
_C_LOADER_MAX_DEPTH = 1000
# What an alias looks like in a block or flow value: a cheap test that spares the
# expansion count for the vast majority of specs, which use no aliases.
_ALIAS_LIKE = re.compile(r"(?:^|[\s\[,:-])\*[\w.-]+\s*(?=$|[,\]}\n])", re.MULTILINE)
_LEAD = re.compile(r"^[ \t?:-]*", re.MULTILINE)
_TOO_DEEP = f"the document is nested more than {MAX_NESTING} levels deep"


def parse(data: bytes, source: str, content_type: str = "") -> Any:
    text = _decode(data, source)
    if not text.strip():
        raise SpecError(source, "the document is empty")
    if _is_json(text, source, content_type):
        # Strictly JSON: read as YAML, a trailing comma (`},}}`) would be accepted
        # silently; the user should hear where their JSON is wrong.
        try:
            return _checked(json.loads(text), source, aliases=False)
        except json.JSONDecodeError as exc:
            raise SpecError(source, _json_reason(exc)) from None
        except RecursionError:
            raise SpecError(source, _TOO_DEEP) from None
    return yaml_cache.cached(data, lambda: _yaml(text, source))


def _yaml(text: str, source: str) -> Any:
    loader = _SafeLoader if _c_loader_safe(text) else yaml.SafeLoader
    try:
        document = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise SpecError(source, _yaml_reason(exc)) from None
    except RecursionError:
        raise SpecError(source, _TOO_DEEP) from None
    return _checked(document, source, aliases=_ALIAS_LIKE.search(text) is not None)


def _is_json(text: str, source: str, content_type: str) -> bool:
    """A `.json` file, a JSON media type, or a document that opens like JSON."""
    named = source.lower().split("?", 1)[0].endswith(".json")
    return named or "json" in content_type or text.lstrip().startswith(("{", "["))


def _c_loader_safe(text: str) -> bool:
    """Whether `text` nests shallowly enough for libyaml's recursive composer.

    First a bound computed at C speed: every level of nesting is an opening bracket, or
    at least one more character of indentation (or `- `, `? `, `: `) before a line's
    content. Only the few large specs over it pay for counting the parser's events
    (libyaml's parser, unlike its composer, does not recurse).
    """
    leading = max((len(m) for m in _LEAD.findall(text)), default=0)
    if text.count("[") + text.count("{") + 2 * leading + 2 <= _C_LOADER_MAX_DEPTH:
        return True
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_SafeLoader):
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > _C_LOADER_MAX_DEPTH:
                    return False
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass  # the loader will report it, with its line and column
    return True


def _checked(document: Any, source: str, *, aliases: bool) -> Any:
    """`document`, unless it nests deeper than MAX_NESTING or (YAML) its aliases expand
    to more than MAX_EXPANDED_NODES nodes."""
    depth, size = measure(document) if aliases else (nesting(document), 0)
    if depth > MAX_NESTING:
        raise SpecError(source, _TOO_DEEP)
    if size > MAX_EXPANDED_NODES:
        raise SpecError(
            source,
            f"its YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes (a YAML bomb?)",
        )
    return document


def nesting(document: Any) -> int:
    """How deep a tree of dicts and lists nests (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, depth)
        if depth <= MAX_NESTING:
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _json_reason(exc: json.JSONDecodeError) -> str:
    return f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"


def _yaml_reason(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"invalid YAML at line {mark.line + 1}, column {mark.column + 1}: {exc.problem}"
    return "invalid YAML: " + " ".join(str(exc).split())  # one line, as every SpecError


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


def measure(document: Any) -> tuple[int, int]:
    """(depth, node count) of the tree a walk that follows every alias would see, in
    O(unique nodes) and without recursion. A YAML alias can make a node its own
    descendant: such a cycle counts as unbounded."""
    unbounded = (MAX_NESTING + 1, MAX_EXPANDED_NODES + 1)
    known: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Any, bool]] = [(document, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        key = id(node)
        children = list(node.values() if isinstance(node, dict) else node)
        containers = [c for c in children if isinstance(c, (dict, list))]
        if children_done:
            open_nodes.discard(key)
            depth = 1 + max((known[id(c)][0] for c in containers), default=0)
            size = 1 + len(children) - len(containers) + sum(known[id(c)][1] for c in containers)
            known[key] = (depth, size)
            if depth > MAX_NESTING or size > MAX_EXPANDED_NODES:
                return known[key]
            continue
        if key in known:
            continue
        if key in open_nodes or len(open_nodes) > MAX_NESTING:
            return unbounded
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in containers if id(c) not in known)
    return known.get(id(document), (0, 1))
