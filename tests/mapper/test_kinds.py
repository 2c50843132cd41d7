"""The input kinds' registry (`autoui.mapper.kinds`): every kind that a field can name has
a module holding every part of it, and the parts work where the layers use them: the
builder makes a real Gradio component from each kind's data, the config schema offers
exactly the kinds that say they can be chosen there, and the package imports neither
Gradio nor the layers that read it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, get_args

import gradio as gr
import pytest
from support.imports import imports_of

from autoui.builder.endpoints import annotation
from autoui.builder.widgets import input_component, widget_value
from autoui.mapper.kinds import KINDS, NAMES, RULES, kind_of
from autoui.mapper.kinds.base import Kind
from autoui.mapper.plan import NO_DEFAULT, Column, Field, InputKind
from autoui.mapper.rules import name_of

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "autoui" / "mapper" / "kinds"


def _field(kind: str) -> Field:
    """A field of `kind` that its component can be made from (a slider needs bounds,
    a table columns, a dropdown choices)."""
    return Field(
        key=f"body.{kind}",
        api_param=kind,
        label=kind,
        location="body",
        name=kind,
        component=kind,  # type: ignore[arg-type]
        value_type="array" if kind in ("multiselect", "list", "table", "images") else "string",
        item_type="string",
        choices=["a", "b"],
        minimum=0,
        maximum=10,
        step=1,
        columns=[Column("name", "string", True), Column("n", "integer")],
    )


def test_every_kind_the_plan_names_has_a_module_and_no_module_is_left_out() -> None:
    assert list(KINDS) == list(get_args(InputKind)) == list(NAMES)
    for name, kind in KINDS.items():
        assert isinstance(kind, Kind) and kind.name == name


@pytest.mark.parametrize("name", NAMES)
def test_every_kind_has_every_part(name: str) -> None:
    kind = KINDS[name]
    for part in dataclasses.fields(Kind):
        value = getattr(kind, part.name)
        assert value is not None, f"{name}: {part.name}"
        if "Callable" in str(part.type):
            assert callable(value), f"{name}: {part.name}"
    assert kind.shows_default in ("placeholder", "info", "start")
    field = _field(name)
    assert kind_of(field) is kind
    assert kind.to_widget(field, None) in (None, "")  # nothing given: an empty widget


@pytest.mark.parametrize("name", NAMES)
def test_the_builder_makes_a_gradio_component_from_each_kinds_data(name: str) -> None:
    """The kinds' components are data; made here with Gradio, which refuses a keyword its
    component does not take (what mypy would say if the kinds imported Gradio)."""
    field = _field(name)
    spec = KINDS[name].widget(field)
    assert isinstance(getattr(gr, spec.cls), type)
    with gr.Blocks():
        component = input_component(field)
    assert isinstance(component, gr.components.Component)
    assert component.elem_id == f"in-body-{name}"
    assert component.label == name
    annotation(field)  # a type gradio_client and MCP can describe


def test_values_go_into_widgets_as_each_kind_holds_them() -> None:
    assert widget_value(_field("tristate"), False) == "false"
    assert widget_value(_field("json"), {"a": 1}) == json.dumps({"a": 1}, indent=2)
    assert widget_value(_field("textbox"), [1]) == "[1]"
    assert widget_value(_field("table"), [{"name": "x", "n": 2}]) == [["x", 2]]
    assert widget_value(_field("keyvalue"), {"k": [1]}) == [["k", "[1]"]]


def test_each_kinds_rules_go_before_a_rule_that_exists() -> None:
    names = [name_of(rule) for rule in RULES]
    assert len(names) == len(set(names)), "a rule listed twice"
    for kind in KINDS.values():
        for placed in kind.rules:
            assert names.index(name_of(placed.rule)) < names.index(placed.before)
    assert names[-1] == "json"  # the rule that always matches comes last


def test_the_config_schema_offers_the_kinds_that_say_they_can_be_chosen() -> None:
    schema = json.loads((ROOT / "schemas" / "autoui-config.schema.json").read_text())
    offered = schema["$defs"]["field"]["properties"]["component"]["enum"]
    assert offered == [name for name, kind in KINDS.items() if kind.in_config]


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_a_kind_module_imports_neither_gradio_nor_the_layers_that_read_it(path: Path) -> None:
    """The mapper's side of the pipeline: the builder and the dispatcher import the kinds,
    never the other way round, and Gradio stays the builder's."""
    for module in imports_of(path):
        top = module.split(".")
        assert top[0] not in ("gradio", "gradio_client", "requests"), (path.name, module)
        assert top[:2] not in (["autoui", "builder"], ["autoui", "dispatcher"]), (path.name, module)


def test_a_default_is_fitted_to_its_kind_or_dropped() -> None:
    fits: dict[str, list[tuple[Any, Any]]] = {
        "number": [("10", 10), ("x", NO_DEFAULT), (True, NO_DEFAULT)],
        "checkbox": [("true", True), (False, False)],
        "dropdown": [("a", "a"), ("z", NO_DEFAULT)],
        "multiselect": [(["a", "z"], ["a"]), ("b", ["b"])],
        "list": [("x", ["x"])],
    }
    for name, cases in fits.items():
        field = _field(name)
        for given, fitted in cases:
            assert KINDS[name].fit(field, given) == fitted, (name, given)
