"""Requests an operation's schemas allow, drawn by hypothesis-jsonschema, as HTTP carries them.

Independent of autoui's readers: each schema of the document is turned into plain JSON
Schema here (`Inliner`), then narrowed only where what a schema allows cannot be sent,
or is read otherwise by HTTP and by OpenAPI's validators (Prism's among them):

- patterns mean what ECMA-262 says (OpenAPI's dialect): `\\w` and `\\d` are ASCII;
- integers stay in the range a JSON number holds exactly (2**53; `int32` in 32 bits), a
  `float` in 32 bits (Prism bounds it so);
- a parameter's value is not empty: OpenAPI's `allowEmptyValue` is false unless said,
  Prism reads an empty value as none (`deserializers/style/form.js`), and a path segment
  cannot be empty, `.` or `..`; a header's or cookie's text is visible ASCII without
  spaces or the separators a cookie cannot hold (RFC 9110 section 5.5, RFC 6265);
- a required parameter's array or object has an item (an empty one has no text);
- a form body's fields are parameters of the same kind; a whole body of text is not
  empty (no body is sent for it);
- readOnly properties are left out: a request does not carry them (OpenAPI 3, Schema
  Object), and autoui does not ask for them;
- a schema with `properties` but no `type` is an object, as its authors meant (and
  autoui reads it); `type: file` (Swagger 2.0) is a string.
"""

from __future__ import annotations

import base64
import contextlib
import json
import signal
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_INT53 = 2**53 - 1
_INT32 = (-(2**31), 2**31 - 1)
_FLOAT32 = 3.4e38
_DROPPED = ("discriminator", "xml", "example", "examples", "externalDocs", "nullable")
_DROPPED += ("x-nullable", "readOnly", "writeOnly", "deprecated", "collectionFormat")
_ASCII_CLASSES = {"w": "A-Za-z0-9_", "d": "0-9"}
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
# cookie-octet (RFC 6265 section 4.1.1): visible ASCII but for  " , ; \
_COOKIE_OCTETS = "^[!#-+\\--:<-\\[\\]-~]*$"
EXAMPLES = 6  # values drawn per operation: the first (only what is required) and the richest


class Inliner:
    """A schema of the document as plain JSON Schema: `$ref`s replaced by their targets
    (a recursive one by `false`, nothing, where the generator then stops), OpenAPI's words
    put in JSON Schema's (see the module's doc)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document

    def __call__(self, node: Any, stack: tuple[str, ...] = ()) -> Any:
        if isinstance(node, list):
            return [self(item, stack) for item in node]
        if not isinstance(node, Mapping):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in stack or len(stack) > 30:
                return False
            return self(self.target(ref), (*stack, ref))
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in _DROPPED or (isinstance(key, str) and key.startswith("x-")):
                continue
            if key in ("properties", "patternProperties", "definitions", "$defs"):
                out[key] = {
                    name: self(sub, stack)
                    for name, sub in (value.items() if isinstance(value, Mapping) else [])
                    if not self.read_only(sub)
                }
            elif key in ("enum", "const", "default"):
                out[key] = value
            elif key == "pattern" and isinstance(value, str):
                out[key] = ecma(value)
            else:
                out[key] = self(value, stack)
        return self.typed(node, out)

    def typed(self, node: Mapping[str, Any], out: dict[str, Any]) -> dict[str, Any]:
        properties = node.get("properties")
        if isinstance(out.get("required"), list) and isinstance(properties, Mapping):
            gone = {name for name, sub in properties.items() if self.read_only(sub)}
            out["required"] = [name for name in out["required"] if name not in gone]
        elif "required" in out and not isinstance(out["required"], list):
            del out["required"]  # `required: true` on a property: a Swagger 2.0 habit
        if out.get("type") == "file":
            out["type"] = "string"
        if "type" not in out and ("properties" in out or isinstance(out.get("required"), list)):
            out["type"] = "object"
        if "integer" in types(out):
            low, high = _INT32 if out.get("format") == "int32" else (-_INT53, _INT53)
            out.setdefault("minimum", low)
            out.setdefault("maximum", high)
        elif "number" in types(out) and out.get("format") == "float":
            out.setdefault("minimum", -_FLOAT32)
            out.setdefault("maximum", _FLOAT32)
        return out

    def target(self, ref: str) -> Any:
        node: Any = self.document
        for part in ref.lstrip("#/").split("/") if ref.startswith("#") else ["?"]:
            part = part.replace("~1", "/").replace("~0", "~")
            node = node.get(part) if isinstance(node, Mapping) else None
        return node if node is not None else {}

    def read_only(self, schema: Any, depth: int = 0) -> bool:
        """readOnly, said by the schema, by its `$ref`'s target or by a member of its allOf."""
        if not isinstance(schema, Mapping) or depth > 10:
            return False
        if schema.get("readOnly") is True:
            return True
        if isinstance(schema.get("$ref"), str):
            return self.read_only(self.target(schema["$ref"]), depth + 1)
        members = schema.get("allOf")
        return isinstance(members, list) and any(self.read_only(m, depth + 1) for m in members)


def types(schema: Any) -> list[str]:
    kind = schema.get("type") if isinstance(schema, Mapping) else None
    if isinstance(kind, str):
        return [kind]
    return [k for k in kind if isinstance(k, str)] if isinstance(kind, list) else []


def ecma(pattern: str) -> str:
    """A pattern with ECMA-262's meaning for Python's `re`: `\\w` and `\\d` are ASCII there
    and Unicode in Python, where hypothesis would draw letters JavaScript refuses."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            escaped = pattern[i + 1]
            if escaped.lower() in _ASCII_CLASSES and not (in_class and escaped.isupper()):
                chars = _ASCII_CLASSES[escaped.lower()]
                negated = "^" if escaped.isupper() else ""
                out.append(chars if in_class else f"[{negated}{chars}]")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def in_parameter(schema: Any, location: str) -> Any:
    """A parameter's value (or a form field's) as HTTP carries it: see the module's doc."""
    if isinstance(schema, list):
        return [in_parameter(s, location) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {
        key: in_parameter(value, location) if key in ("items", "anyOf", "oneOf", "allOf") else value
        for key, value in schema.items()
    }
    if types(out) and "string" not in types(out):
        return out
    rules: dict[str, Any] = {"minLength": 1}
    if location in ("header", "cookie"):
        rules["pattern"] = _COOKIE_OCTETS
    if location == "path":
        rules["not"] = {"enum": [".", ".."]}
    return {"allOf": [out, rules]}


def not_none(schema: Any) -> Any:
    """A required parameter's array or object is not empty."""
    if isinstance(schema, dict) and {"array", "object"} & set(types(schema)):
        return {"allOf": [schema, {"minItems": 1, "minProperties": 1}]}
    return schema


def not_empty(schema: Any) -> Any:
    """A whole body of text is not empty."""
    if isinstance(schema, dict) and "string" in types(schema):
        return {"allOf": [schema, {"minLength": 1}]}
    return schema


def in_form(schema: Any) -> Any:
    """Each property of a form body is one field or part, read as a parameter is."""
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), Mapping):
        return schema
    needed = schema.get("required") or []
    properties = {}
    for name, sub in schema["properties"].items():
        field = in_parameter(sub, "query")
        properties[name] = not_none(field) if name in needed else field
    return {**schema, "properties": properties}


def formats() -> dict[str, Any]:
    """String formats Prism checks (ajv-formats) that hypothesis-jsonschema does not know."""
    from hypothesis import strategies as st

    return {
        "byte": st.binary(max_size=24).map(lambda b: base64.b64encode(b).decode()),
        "binary": st.text(max_size=24),
        "uuid": st.uuids().map(str),
        "url": st.sampled_from(["https://example.com/", "https://example.org/a?b=c"]),
        "duration": st.sampled_from(["P1D", "PT1H30M", "P1Y2M3DT4H5M6S"]),
    }


@dataclass
class Request:
    """What one generated request means: each parameter by "location name", and the body."""

    parameters: dict[str, Any]
    body: Any  # MISSING when there is none


def requests_for(plan: Any, inline: Inliner) -> list[Request]:
    """A request with only what is required, and the richest of a few more."""
    from hypothesis import strategies as st
    from hypothesis_jsonschema import from_schema

    from autoui.mapper.plan import MISSING

    known = formats()
    parts: dict[str, Any] = {}
    optional: dict[str, Any] = {}
    for param in plan.operation.parameters:
        if param.name_problem:
            continue
        schema = in_parameter(inline(param.schema), param.location)
        schema = not_none(schema) if param.required else schema
        codec = "ascii" if param.location in ("header", "cookie") else "utf-8"
        strategy = from_schema(schema, custom_formats=known, codec=codec, allow_x00=False)
        (parts if param.required else optional)[f"{param.location} {param.name}"] = strategy
    selector = plan.media_selector
    media_type = str(selector.default) if selector else plan.body_media_type
    body = plan.operation.body
    if body is not None and media_type is not None:
        schema = inline(body.content[media_type].schema or {})
        if media_type in _FORMS:
            schema = in_form(schema)
        elif not media_type.endswith(("/json", "+json")):
            schema = not_empty(schema)
        (parts if body.required else optional)["body"] = from_schema(schema, custom_formats=known)
    drawn = draw(st.fixed_dictionaries(parts, optional=optional))
    richest = max(drawn[1:] or drawn, key=lambda d: len(json.dumps(d, default=str)))
    chosen = [drawn[0]] if richest is drawn[0] else [drawn[0], richest]
    return [
        Request({k: v for k, v in d.items() if k != "body"}, d.get("body", MISSING)) for d in chosen
    ]


def draw(strategy: Any) -> list[Any]:
    """The first EXAMPLES values hypothesis draws, the same every run (`derandomize`);
    the first is the simplest, with only what is required."""
    from hypothesis import HealthCheck, Phase, given, settings

    drawn: list[Any] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: Any) -> None:
        drawn.append(value)

    collect()
    return drawn


class TimeLimit(BaseException):
    """Raised by the alarm: a BaseException, which hypothesis does not catch as a failure."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """At most `seconds` of this process's CPU time (not wall time: on a busy machine a
    wall-clock limit would count other programs' work against the generator)."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeLimit

    previous = signal.signal(signal.SIGPROF, expire)
    # Again every second after that: raised in a garbage collector's callback, it is lost.
    signal.setitimer(signal.ITIMER_PROF, seconds, 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
