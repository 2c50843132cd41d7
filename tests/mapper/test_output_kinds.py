"""The output kinds' registry (`autoui.mapper.output_kinds`): every kind an output or a
reply can name has a module holding every part of it, and the parts work where the
layers use them: the builder makes a real Gradio component from each kind's data and
shows a reply in it, each kind's value shape and client type have their conversion, the
config schema offers exactly the kinds that say they can be chosen there, and the
package imports neither Gradio nor the layers that read it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, get_args

import gradio as gr
import pytest
from support.imports import imports_of

from autoui.builder import endpoints, present
from autoui.ir import Operation
from autoui.mapper.output_kinds import KINDS, NAMES, UNPLANNED, for_media_type
from autoui.mapper.output_kinds.base import Holds, Kind, Returns
from autoui.mapper.plan import OperationPlan, Output, OutputKind
from autoui.mapper.reply_data import Reply

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "autoui" / "mapper" / "output_kinds"


def test_every_kind_the_plan_names_has_a_module_and_no_module_is_left_out() -> None:
    assert list(KINDS) == list(get_args(OutputKind)) == list(NAMES)
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
    assert kind.holds in get_args(Holds) and kind.returns in get_args(Returns)
    assert {kind.shown_in, kind.fallback, *kind.may_be} <= set(KINDS)
    if kind.shown_in != name:  # shown in another kind's component: it is that component
        assert kind.component == KINDS[kind.shown_in].component


def _reply(name: str) -> Reply:
    """A reply of kind `name`, holding what that kind holds."""
    holds = KINDS[name].holds
    primary: Any = {
        "file": b"\x89PNG\r\n\x1a\n",
        "files": [b"\x89PNG\r\n\x1a\n"],
        "json": {"a": 1},
        "view": [0.5, 0.25],
    }.get(holds, "*hi*")
    view = {"headers": ["a"], "data": [[1]]} if name == "table" else None
    view = {"cat": 0.9, "dog": 0.1} if name == "label" else view
    view = "[0.5, 0.25]" if name == "vector" else view
    return Reply("GET", "http://127.0.0.1/", 200, "OK", kind=name, primary=primary, view=view)


@pytest.mark.parametrize("name", NAMES)
def test_the_builder_makes_a_gradio_component_from_each_kinds_data(name: str) -> None:
    """The kinds' components are data; made here with Gradio, which refuses a keyword its
    component does not take (what mypy would say if the kinds imported Gradio), and given
    what a reply of the kind holds."""
    plan = OperationPlan(Operation("get", "/x"), "x", "x", outputs=[Output(name)])  # type: ignore[arg-type]
    with gr.Blocks():
        area = present.OutputArea.create(plan)
    shown = KINDS[name].shown_in
    assert next(iter(area.results)) == shown
    component = area.results[shown]
    assert isinstance(component, getattr(gr, KINDS[name].component.cls))
    assert component.elem_id == f"result-x-{shown}"
    updates = area.show(_reply(name))
    assert updates[component]["visible"] is True
    assert updates[component]["value"] not in (None, "", [])
    assert endpoints.return_annotation(plan) is not None


def test_a_kind_an_area_lacks_falls_back_to_one_every_area_has() -> None:
    always = set(present.output_kinds(OperationPlan(Operation("get", "/x"), "x", "x")))
    assert set(UNPLANNED) < always
    for name in NAMES:
        seen, kind = [name], name
        while kind not in ("textbox", "json", "file"):
            kind = KINDS[kind].fallback
            assert kind not in seen, f"a fallback loop: {seen}"
            seen.append(kind)


def test_each_value_shape_and_client_type_has_its_conversion() -> None:
    assert set(present._VALUES) == set(get_args(Holds))
    assert set(endpoints._RETURNS) == set(get_args(Returns))


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        ("image/png", "image"),
        ("audio/wav", "audio"),
        ("video/mp4", "video"),
        ("text/event-stream", "stream"),
        ("application/x-ndjson", "stream"),
        ("text/markdown", "markdown"),
        ("text/html", "html"),
        ("text/plain", "textbox"),
        ("text/json", "textbox"),  # a text/* type is read as text first
        ("application/xml", "textbox"),
        ("application/x-yaml", "textbox"),
        ("application/json", "json"),
        ("application/problem+json", "json"),
        ("application/pdf", "file"),
        ("application/octet-stream", "file"),
    ],
)
def test_a_whole_reply_is_shown_by_the_first_kind_whose_media_rule_takes_it(
    media_type: str, kind: str
) -> None:
    assert for_media_type(media_type) == kind


def test_the_config_schema_offers_the_kinds_that_say_they_can_be_chosen() -> None:
    schema = json.loads((ROOT / "schemas" / "autoui-config.schema.json").read_text())
    offered = schema["$defs"]["output"]["properties"]["component"]["enum"]
    assert set(offered) == {name for name, kind in KINDS.items() if kind.in_config}


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_a_kind_module_imports_neither_gradio_nor_the_layers_that_read_it(path: Path) -> None:
    for module in imports_of(path):
        top = module.split(".")
        assert top[0] not in ("gradio", "gradio_client", "requests", "urllib3"), (path.name, module)
        assert top[:2] not in (["autoui", "builder"], ["autoui", "dispatcher"]), (path.name, module)
