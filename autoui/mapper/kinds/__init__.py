"""Input kinds: everything about one kind of input widget, in one module per kind.

A field's `component` (`plan.InputKind`, a closed set) names its kind. The kind's
module holds each layer's part of it (`base.Kind`): the mapping rules that choose it,
how a default is fitted to it, what an override may set on it, the component the
builder makes, how a value goes from the wire into the widget and from the widget onto
the wire, and the type a gradio_client or MCP caller gives. `KINDS` collects them from
the modules of this package, and the layers look a field's kind up (`kind_of`) rather
than comparing its name: a new kind is a new module here (and its name in `InputKind`).

The builder's part is plain data (`base.Component`: a Gradio class name and keyword
arguments), not a function that imports Gradio: the mapper stays free of Gradio (it is
imported, tested and shown by `autoui inspect` without it), and the layers keep one
direction (the builder and the dispatcher read this package; it imports neither). What
that gives up, Gradio's keyword names checked by mypy, tests/mapper/test_kinds.py checks by
building every kind's component with Gradio.
"""

from __future__ import annotations

from typing import get_args

from autoui.mapper import rules
from autoui.mapper.kinds.base import Kind, collect
from autoui.mapper.plan import Field, InputKind

NAMES: tuple[str, ...] = get_args(InputKind)


# In the order `InputKind` lists them (messages that name several kinds name them so).
KINDS: dict[str, Kind] = collect(__name__, __path__, NAMES, Kind)


def kind_of(field: Field) -> Kind:
    return KINDS[field.component]


def _ordered() -> list[rules.Rule]:
    """`rules.RULES` with each kind's own rules placed before the rule it names."""
    ordered = list(rules.RULES)
    for kind in KINDS.values():
        for placed in kind.rules:
            names = [rules.name_of(rule) for rule in ordered]
            ordered.insert(names.index(placed.before), placed.rule)
    return ordered


RULES = _ordered()


def choose(c: rules.Candidate) -> tuple[rules.Widget, str]:
    """The first rule's widget and the rule's name."""
    for rule in RULES:
        widget = rule(c)
        if widget is not None:
            return widget, rules.name_of(rule)
    raise AssertionError("json_rule always matches")  # pragma: no cover


__all__ = ["KINDS", "NAMES", "RULES", "Kind", "choose", "kind_of"]
