"""What every input kind says about itself (`Kind`), and the parts kinds share."""

from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar

from autoui.mapper.plan import NO_DEFAULT, Field
from autoui.mapper.rules import Rule

# Where an optional field's server default is said: the empty box's grey text, the help
# text under the label, or (a slider, which always has a value) where it starts.
ShowsDefault = Literal["placeholder", "info", "start"]
# The scalar types a text box, a list or a table column can edit.
SCALARS = ("string", "integer", "number", "boolean")


@dataclass(frozen=True)
class Component:
    """A Gradio component as plain data: its class in the `gradio` module and the keyword
    arguments that differ by field (the builder adds the label, the element id and
    `interactive`, which every input has)."""

    cls: str
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Placed:
    """A mapping rule a kind adds to `rules.RULES`, placed before the named rule (its
    name without `_rule`): first match wins, so where a rule goes decides what it takes."""

    before: str
    rule: Rule


@dataclass(frozen=True)
class Kind:
    """Everything about one input kind, each layer's part in one place. Every part is
    given (no defaults): a new kind says what it does at each step, `same` where a step
    keeps the value as it is."""

    name: str
    # mapper: the rules that choose this kind, beyond those `rules.RULES` lists itself
    rules: tuple[Placed, ...]
    # mapper: a default (the spec's, an example) as the widget can hold it, or NO_DEFAULT
    fit: Callable[[Field, Any], Any]
    shows_default: ShowsDefault
    # mapper (overrides): why this kind cannot edit the field, or None when it can
    refuses: Callable[[Field], str | None]
    # mapper (overrides): the override keys that apply to this kind only
    keys: frozenset[str]
    # mapper (overrides): completes a field given this kind (a slider's step), or says
    # what it lacks as (message, rule name)
    settle: Callable[[Field], tuple[str, str] | None]
    upload: bool  # sends a file's bytes (an encoding of FILE_ENCODINGS)
    text: bool  # a text box: takes any value, objects and lists as JSON text
    json_text: bool  # a JSON editor: defaults and examples are shown as JSON text
    secret: bool  # the value is masked wherever it is shown (the `curl` command)
    in_config: bool  # chosen in autoui.yaml / x-autoui (the config schema lists it)
    # builder: the Gradio component, and a wire-shaped value as that component holds it
    widget: Callable[[Field], Component]
    to_widget: Callable[[Field, Any], Any]
    # gradio_client and MCP: the type of the endpoint's parameter (files aside)
    annotation: Callable[[Field], Any]
    # dispatcher: the widget's value as sent, ABSENT for "not sent"
    to_wire: Callable[[Field, Any], Any]


class _Named(Protocol):
    @property
    def name(self) -> str: ...


K = TypeVar("K", bound=_Named)


def collect(
    package: str, path: Iterable[str], names: tuple[str, ...], cls: type[K]
) -> dict[str, K]:
    """Each module's `KIND` of a kinds package, in the order `names` (the plan's Literal)
    lists them, then any the Literal does not name (its test fails on them)."""
    found: dict[str, K] = {}
    for module in pkgutil.iter_modules(path):
        kind = getattr(importlib.import_module(f"{package}.{module.name}"), "KIND", None)
        if isinstance(kind, cls):
            found[kind.name] = kind
    return {name: found[name] for name in names if name in found} | found


def same(field: Field, value: Any) -> Any:
    """A step that keeps the value as it is."""
    return value


def anything(field: Field) -> str | None:
    """An override check for a kind that can edit a field of any type."""
    return None


def complete(field: Field) -> tuple[str, str] | None:
    """A kind that needs nothing beyond what the field has."""
    return None


def start(field: Field, fallback: Any = None) -> Any:
    """What the widget starts with: the field's default, else `fallback`."""
    return fallback if field.default is NO_DEFAULT else field.default


def info(field: Field) -> str | None:
    return field.info or None


_TYPES: dict[str, Any] = {"string": str, "integer": int, "number": float, "boolean": bool}


def typed(field: Field) -> Any:
    """The parameter type a field's value type gives (what most kinds take)."""
    if field.value_type == "object":
        return dict[str, Any]
    if field.value_type == "array":
        return list[Any]
    return _TYPES.get(field.value_type, Any)


def item_annotation(field: Field) -> Any:
    return _TYPES.get(field.item_type, Any)


def enumerable(field: Field) -> bool:
    """Choices that can be an enum for clients and MCP tools."""
    choices = field.choices or []
    return bool(choices) and all(isinstance(c, (str, int, float, bool)) for c in choices)


def requires_type(*types: str, what: str) -> Callable[[Field], str | None]:
    """An override check: the field's value type is one of `types`, else `what` (with
    `{kind}`, the field's type) says why not."""

    def refuses(field: Field) -> str | None:
        if field.value_type in types:
            return None
        return what.format(kind=field.value_type or "any")

    return refuses


def upload_refuses(name: str, arrays: bool = False) -> Callable[[Field], str | None]:
    """An override check for an upload: it sends bytes, so it fills a string (or an
    untyped) field, or with `arrays` an array of them (a multi-file upload)."""

    def refuses(field: Field) -> str | None:
        kind = field.value_type
        if kind in ("string", "any", "") or (arrays and kind == "array"):
            return None
        return f"a {name} upload sends bytes; it cannot fill a field of type {kind}"

    return refuses


def as_text(field: Field, value: Any) -> Any:
    """A value as a text box holds it: objects, lists and numbers as JSON text."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def text_widget(field: Field, **extra: Any) -> Component:
    """A text box starting with the field's default as text."""
    default = start(field)
    return Component(
        "Textbox",
        {
            "value": None if default is None else str(default),
            "info": info(field),
            "placeholder": field.placeholder or None,
            **extra,
        },
    )
