"""Inlining documents reached through `$ref`s to other files or URLs.

After bundling, every reference in the document is a local JSON pointer, so the rest
of autoui (and jsonschema) deals with one document. A referenced document is stored
once under `x-autoui-bundled/<n>` and the references into it are rewritten to point
there; references inside it are rewritten relative to its own location.

Only documents of the same origin as the root are read: a spec fetched from a URL may
not make autoui read local files or other hosts, and a spec read from a file may not
make it fetch URLs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from autoui.errors import SpecError
from autoui.ir import Problem

BUNDLE_KEY = "x-autoui-bundled"
MAX_DOCUMENTS = 200
# Keys whose values are data, not OpenAPI or JSON Schema: a "$ref" inside them is text.
_DATA_KEYS = frozenset({"example", "value", "default", "enum", "const"})
# Maps whose keys are names chosen by the author, so a key there is never a data key:
# `responses: {default: ...}`, `properties: {value: ...}`, `schemas: {Enum: ...}`.
_NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "definitions",
        "$defs",
        "dependentSchemas",
        "responses",
        "paths",
        "webhooks",
        "callbacks",
        "headers",
        "content",
        "encoding",
        "links",
        "examples",
        "schemas",
        "parameters",
        "requestBodies",
        "securitySchemes",
        "pathItems",
        "variables",
    }
)
# `$ref` followed on the same line by a text value that does not start with "#": an
# external reference. A `$ref` key holding an object (Kubernetes' JSONSchemaProps has a
# property named `$ref`) is not one, and would cost a walk of the whole document.
_EXTERNAL_REF = re.compile(r"""["']?\$ref["']?[ \t]*:[ \t]*(?:["'](?![#"'])|[^\s#"'{\[])""")


def has_external_refs(text: str) -> bool:
    return _EXTERNAL_REF.search(text) is not None


class Bundler:
    def __init__(self, root: Any, root_uri: str, load: Callable[[str], Any]) -> None:
        self.root = root
        self.root_uri = urldefrag(root_uri)[0]
        self.load = load
        self.prefixes: dict[str, str | None] = {self.root_uri: "#"}
        self.store: dict[str, Any] = {}
        self.pending: list[tuple[Any, str]] = [(root, self.root_uri)]
        self.problems: list[Problem] = []

    def run(self) -> list[Problem]:
        seen: set[int] = set()
        while self.pending:
            node, uri = self.pending.pop()
            self._walk(node, uri, seen)
        if self.store and isinstance(self.root, dict):
            self.root[BUNDLE_KEY] = self.store
        return self.problems

    def _walk(self, top: Any, uri: str, seen: set[int]) -> None:
        # (node, whether its keys are names, as in a `properties` or `responses` map)
        stack: list[tuple[Any, bool]] = [(top, False)]
        while stack:
            node, named = stack.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and not named:
                    node["$ref"] = self._rewrite(ref, uri)
                stack.extend(
                    (v, not named and k in _NAME_MAPS)
                    for k, v in node.items()
                    if isinstance(v, (dict, list))
                    and (named or k not in _DATA_KEYS)
                    and not (k == "examples" and isinstance(v, list))
                )
            elif isinstance(node, list):
                stack.extend((v, False) for v in node if isinstance(v, (dict, list)))

    def _rewrite(self, ref: str, uri: str) -> str:
        if ref.startswith("#") and uri == self.root_uri:
            return ref
        target_uri, fragment = urldefrag(urljoin(uri, ref))
        prefix = self._prefix(target_uri, ref)
        if prefix is None:
            return ref
        fragment = fragment if fragment.startswith("/") or not fragment else "/" + fragment
        return prefix + fragment if prefix != "#" else "#" + fragment

    def _prefix(self, uri: str, ref: str) -> str | None:
        if uri in self.prefixes:
            return self.prefixes[uri]
        if not _same_origin(uri, self.root_uri):
            return self._refuse(uri, f"not following {ref!r}: it is outside the spec's origin")
        if len(self.store) >= MAX_DOCUMENTS:
            return self._refuse(uri, f"not following {ref!r}: over {MAX_DOCUMENTS} documents")
        try:
            document = self.load(uri)
        except SpecError as exc:
            return self._refuse(uri, f"cannot follow {ref!r}: {exc.reason}")
        key = str(len(self.store))
        self.store[key] = document
        prefix = f"#/{BUNDLE_KEY}/{key}"
        self.prefixes[uri] = prefix
        self.pending.append((document, uri))
        return prefix

    def _refuse(self, uri: str, message: str) -> str | None:
        """Record why `uri` is not read; None, the prefix of a document left out."""
        self.problems.append(Problem(message, severity="error"))
        self.prefixes[uri] = None
        return None


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    if pa.scheme == "file" or pb.scheme == "file":
        return pa.scheme == pb.scheme
    return (pa.scheme, pa.netloc) == (pb.scheme, pb.netloc)
