"""On-demand `$ref` resolution and 3.1-style normalisation of one document's schemas.

A node is resolved only when something reads it, and the result is cached, so a 4 MB
spec costs only what the open operations touch, and a recursive schema never loops:
the reader decides how deep to go (see `autoui.mapper`).

References are JSON pointers into the one document: the loader bundles documents
reached through relative files or URLs into it before this class sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal
from urllib.parse import unquote

Dialect = Literal["2.0", "3.0", "3.1"]

# Siblings of a `$ref` that only annotate it; anything else beside a `$ref` is a
# constraint and is combined with the target through `allOf`.
ANNOTATIONS = frozenset(
    {
        "description",
        "title",
        "default",
        "example",
        "examples",
        "readOnly",
        "writeOnly",
        "deprecated",
        "nullable",
        "x-nullable",
        "summary",
    }
)
_MAX_REF_CHAIN = 64
UNRESOLVED = "x-autoui-unresolved"
JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "object", "array", "null"})
# Type names that are not JSON Schema's, as real specs write them, and what they mean.
TYPE_ALIASES = {
    "int": "integer",
    "int32": "integer",
    "int64": "integer",
    "long": "integer",
    "str": "string",
    "text": "string",
    "bool": "boolean",
    "float": "number",
    "double": "number",
    "dict": "object",
    "list": "array",
    "bytes": "string",  # MLServer's TensorData: bytes travel in JSON as a string
}
# What a mistake that `normalize` mends is called in the warning about it.
_MENDED_FILE = "`type: file` is Swagger 2.0's: read as a binary string (format: binary)"
_MENDED_NULLABLE = (
    "`nullable` is OpenAPI 3.0's (3.1 writes `type: [T, 'null']`): read as allowing null"
)


class Schemas:
    """Resolves schema nodes of `document`, normalised to JSON Schema 2020-12 idioms."""

    def __init__(self, document: Mapping[str, Any], dialect: Dialect) -> None:
        self.document = document
        self.dialect = dialect
        self._pointers: dict[str, Any] = {}
        self._resolved: dict[int, dict[str, Any]] = {}
        self._keep_alive: list[Any] = []  # nodes whose id() keys the cache
        self._resolving: set[int] = set()  # nodes being resolved: a chain back to one is a loop
        self._where: dict[int, str] = {}  # JSON pointers of the nodes that are known
        # Told (where, what) of each mistake that `normalize` mended (the loader makes
        # a warning of it for `autoui inspect`); where is the node's JSON pointer.
        self.report: Callable[[str, str], None] | None = None

    def locate(self, node: Any, where: str) -> None:
        """Say where `node` is in the document, for the warnings about its mistakes (the
        readers say it of the schemas they meet; a schema says it of its children)."""
        if isinstance(node, Mapping):
            self._where.setdefault(id(node), where)

    def lookup(self, ref: str) -> Any:
        """The node a local reference (`#/components/schemas/Pet`) points at.

        Raises KeyError with a readable message when the target does not exist.
        """
        if ref in self._pointers:
            return self._pointers[ref]
        if not ref.startswith("#"):
            raise KeyError(f"reference {ref!r} is not inside this document")
        node: Any = self.document
        for raw in ref[1:].lstrip("/").split("/") if ref not in ("#", "#/") else []:
            part = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise KeyError(f"reference {ref!r} points at nothing")
        self._pointers[ref] = node
        return node

    def deref(self, node: Any) -> Any:
        """Follow a chain of `$ref`-only objects to the first real node (no merging)."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or len(seen) >= _MAX_REF_CHAIN:
                raise KeyError(f"reference {ref!r} refers to itself")
            seen.add(ref)
            node = self.lookup(ref)
        return node

    def resolve(self, node: Any) -> dict[str, Any]:
        """A normalised schema dict for `node`; never raises.

        A reference that cannot be followed resolves to an open schema carrying
        `x-autoui-unresolved: <reason>`, so a UI can still be built around it.
        """
        key = id(node)
        cached = self._resolved.get(key)
        if cached is not None:
            return cached
        if key in self._resolving:
            return {UNRESOLVED: f"reference {self.ref_of(node)!r} refers to itself"}
        if len(self._resolving) >= _MAX_REF_CHAIN:
            return {UNRESOLVED: f"more than {_MAX_REF_CHAIN} references in a chain"}
        self._resolving.add(key)
        try:
            result = self._resolve(node)
        finally:
            self._resolving.discard(key)
        self._resolved[key] = result
        self._keep_alive.append(node)
        return result

    def ref_of(self, node: Any) -> str | None:
        """The `$ref` string of a reference node, else None (used to detect recursion)."""
        if isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            return str(node["$ref"])
        return None

    def _resolve(self, node: Any) -> dict[str, Any]:
        ref = self.ref_of(node)
        if ref is None:
            return self._normalize(node)
        assert isinstance(node, Mapping)
        try:
            # One hop only, not `deref`: a target that is itself a `$ref` with siblings
            # (`Name: {$ref: Base, description: ..., maxLength: 5}`) keeps them.
            target = self.lookup(ref)
        except KeyError as exc:
            return {UNRESOLVED: str(exc).strip("'\"")}
        self.locate(target, ref)
        base = self.resolve(target)
        siblings = {k: v for k, v in node.items() if k != "$ref"}
        if not siblings:
            return base
        constraints = {k: v for k, v in siblings.items() if k not in ANNOTATIONS}
        merged = {"allOf": [base, constraints]} if constraints else dict(base)
        for k, v in siblings.items():
            if k in ANNOTATIONS:
                merged[k] = v
        return self._normalize(merged)

    def _normalize(self, node: Any) -> dict[str, Any]:
        mended: list[str] = []
        result = normalize(node, self.dialect, mended)
        if self.report is None:
            return result
        where = self._where.get(id(node), "")
        for what in mended:
            self.report(where, what)
        if where:
            for key, child in _children(result):
                self.locate(child, f"{where}/{key}")
        return result


def _children(schema: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The subschemas of `schema`, with the pointer segments that lead to them."""
    found: list[tuple[str, Any]] = []
    for key in ("properties", "patternProperties"):
        if isinstance(schema.get(key), Mapping):
            found += [(f"{key}/{_segment(str(k))}", v) for k, v in schema[key].items()]
    for key in ("allOf", "oneOf", "anyOf", "prefixItems"):
        if isinstance(schema.get(key), list):
            found += [(f"{key}/{i}", v) for i, v in enumerate(schema[key])]
    for key in ("items", "additionalProperties", "not"):
        if isinstance(schema.get(key), Mapping):
            found.append((key, schema[key]))
    return found


def _segment(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def normalize(node: Any, dialect: Dialect, mended: list[str] | None = None) -> dict[str, Any]:
    """One schema object (not its children) in 2020-12 idioms.

    2.0/3.0 `nullable`/`x-nullable` become a `null` type, a boolean
    `exclusiveMinimum` becomes a number, `example` becomes `examples`, 2.0's
    `type: file` becomes a binary string and its string `discriminator` an object.
    Real specs' mistakes are read as meant, and said in `mended`: `type: file` or
    `nullable` in a dialect that has no such thing, a type name such as `int`, a number
    whose format is an integer's (`int64`), a list of types before 3.1.
    """
    if node is True or node is None:
        return {}
    if node is False:
        return {"not": {}}
    if not isinstance(node, Mapping):
        return {UNRESOLVED: f"a schema must be an object, not {type(node).__name__}"}
    out = dict(node)
    notes: list[str] = [] if mended is None else mended
    _mend_type(out, dialect, notes)
    if dialect == "3.1" and "nullable" in out:
        notes.append(_MENDED_NULLABLE)
    if dialect != "3.1":
        _fix_exclusive_bounds(out)
        if isinstance(out.get("discriminator"), str):
            out["discriminator"] = {"propertyName": out["discriminator"]}
    if "example" in out and "examples" not in out:
        out["examples"] = [out["example"]]
    if not isinstance(out.get("examples", []), list):
        # OpenAPI's named-examples map is not valid here; keep only the values.
        out["examples"] = (
            [ex.get("value") if isinstance(ex, Mapping) else ex for ex in out["examples"].values()]
            if isinstance(out["examples"], Mapping)
            else []
        )
    if out.pop("nullable", False) is True or out.pop("x-nullable", False) is True:
        _make_nullable(out)
    return out


def type_meant(name: str) -> str | None:
    """The JSON Schema type a spec meant by a type name that is not one (`int`,
    `Integer`), or None when it means nothing known."""
    lower = name.lower()
    return lower if lower in JSON_TYPES else TYPE_ALIASES.get(lower)


def _mend_type(out: dict[str, Any], dialect: Dialect, notes: list[str]) -> None:
    """The `type` a spec meant: 2.0's `file`, a type name, a list, an integer's format."""
    if out.get("type") == "file":
        if dialect != "2.0":
            notes.append(_MENDED_FILE)
        out["type"] = "string"
        out["format"] = "binary"
    _mend_type_name(out, notes)
    if dialect != "3.1" and isinstance(out.get("type"), list):
        notes.append("a list of types is OpenAPI 3.1's: read as any of them")
    if out.get("type") == "number" and out.get("format") in ("int32", "int64"):
        # mailhog, opto22: what the format says is an integer; Prism checks it so
        notes.append(f"`type: number` with `format: {out['format']}`: read as an integer")
        out["type"] = "integer"


def _mend_type_name(out: dict[str, Any], notes: list[str]) -> None:
    kind = out.get("type")
    if not isinstance(kind, str) or kind in JSON_TYPES:
        return
    meant = type_meant(kind)
    notes.append(
        f"type {kind!r} is not a JSON Schema type: " + (f"read as {meant}" if meant else "ignored")
    )
    if meant is None:
        del out["type"]
    else:
        out["type"] = meant


def _fix_exclusive_bounds(out: dict[str, Any]) -> None:
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = out.get(flag)
        if value is True and bound in out:
            out[flag] = out.pop(bound)
        elif isinstance(value, bool):
            del out[flag]


def _make_nullable(out: dict[str, Any]) -> None:
    kind = out.get("type")
    if isinstance(kind, str):
        out["type"] = [kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    elif isinstance(kind, list):
        if "null" not in kind:
            out["type"] = [*kind, "null"]
    else:
        inner = {k: v for k, v in out.items() if k not in ANNOTATIONS}
        for k in inner:
            del out[k]
        out["anyOf"] = [inner, {"type": "null"}]


def types_of(schema: Mapping[str, Any]) -> list[str]:
    """The `type` keyword as a list (empty when absent)."""
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return []
