"""Imports go one way: loader → IR → mapper → plan, builder and dispatcher siblings over
the plan, and no module imports one that imports it back. The imports are read with `ast`
by docs/gen_pages.py (which writes them on docs/architecture.md); this test makes the
page's rule a gate. The layers' known debts are listed here by name: a new crossing import
fails, and so does a listed one that is gone (strike it off, the list only shrinks)."""

from __future__ import annotations

import importlib.util
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from types import ModuleType

import tomllib
from support.imports import imports_of

ROOT = Path(__file__).resolve().parents[2]

# Crossing imports the restructuring has not removed yet. The builder still reaches the
# dispatcher for the check before a Send, the reply it shows and the curl text (they
# belong on the plan's side of a call protocol), and the mapper for a page with nothing
# to call and the model pickers' lists.
DEBTS: set[tuple[str, str]] = {
    ("builder", "dispatcher.client"),
    ("builder", "mapper"),
    ("builder.api_blocks", "dispatcher.client"),
    ("builder.auth", "dispatcher.auth"),
    ("builder.chat", "dispatcher.reply_data"),
    ("builder.endpoints", "dispatcher.checks"),
    ("builder.endpoints", "dispatcher.reply_data"),
    ("builder.fields", "dispatcher.checks"),
    ("builder.form", "dispatcher.checks"),
    ("builder.pickers", "mapper.models"),
    ("builder.present", "dispatcher.curl"),
    ("builder.present", "dispatcher.reply_data"),
    ("builder.servers", "dispatcher.client"),
    ("builder.servers", "dispatcher.origins"),
    ("builder.sessions", "dispatcher.client"),
}


def _gen_pages() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_pages", ROOT / "docs" / "gen_pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _edges() -> dict[tuple[str, str], str]:
    pages = _gen_pages()
    return pages._imports(pages._modules())


def test_no_module_imports_one_that_imports_it_back() -> None:
    """Through any number of steps; a package's `__init__` (which gathers its modules'
    names) is left out, as Python's own packages are."""
    modules = _gen_pages()._modules()
    packages = {name for name, path in modules.items() if path.name == "__init__.py"}
    graph = TopologicalSorter[str]()
    for a, b in _edges():
        if a not in packages and b not in packages:
            graph.add(a, b)
    try:
        graph.prepare()
    except CycleError as exc:
        raise AssertionError(f"an import cycle: {' → '.join(exc.args[1])}") from None


def test_layers_import_only_what_the_pipeline_allows() -> None:
    pages = _gen_pages()
    crossing = {
        (a.removeprefix("autoui."), b.removeprefix("autoui."))
        for a, b in _edges()
        if (la := pages._layer(a)) in pages.LAYERS
        and (lb := pages._layer(b)) not in pages.LAYERS[la] | {la}
        and {la, lb} != {"mapper", "plan"}
    }
    assert crossing - DEBTS == set(), "a new import across layers"
    assert DEBTS - crossing == set(), "a debt paid: strike it off DEBTS"


def test_the_plan_layer_imports_neither_gradio_nor_http_nor_its_readers() -> None:
    """What both siblings read is plain data and pure functions: no Gradio (the builder's),
    no HTTP client (the dispatcher's), and neither sibling."""
    pages = _gen_pages()
    plan_layer = {m: path for m, path in pages._modules().items() if pages._layer(m) == "plan"}
    assert {"autoui.mapper.plan", "autoui.mapper.kinds", "autoui.mapper.output_kinds"} <= set(
        plan_layer
    )
    for module, path in plan_layer.items():
        for name in imports_of(path):
            top = name.split(".")
            assert top[0] not in FORBIDDEN_IN_PLAN, (module, name)
            assert top[:2] not in (["autoui", "builder"], ["autoui", "dispatcher"]), (module, name)


FORBIDDEN_IN_PLAN = ("gradio", "gradio_client", "requests", "urllib3", "httpx", "nh3")


def test_every_package_is_in_the_wheel() -> None:
    """pyproject lists autoui's packages by hand (autoui_examples is the examples folder
    under another name); a subpackage left out installs fine in editable mode and breaks
    `pip install .` (mapper.output_kinds once did)."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(pyproject["tool"]["setuptools"]["packages"]) - {"autoui_examples"}
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "autoui").rglob("__init__.py")
    }
    assert listed == found
