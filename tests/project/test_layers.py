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

# Crossing imports the restructuring has not removed yet: none are left. A new one fails
# the test below; one that must stay for a while is listed here with its reason.
DEBTS: set[tuple[str, str]] = set()
# What the plan side (what both siblings read) must never pull in, however indirectly.
NOT_IN_THE_PLAN = ("gradio", "gradio_client", "requests", "urllib3", "httpx", "nh3")


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


def test_the_plan_side_imports_neither_gradio_nor_http_nor_its_readers() -> None:
    """The plan layer (`gen_pages.PLAN_MODULES`) is plain data and functions over it: what
    it imports, and what those import in turn, is neither Gradio (the builder's) nor an HTTP
    client (the dispatcher's) nor either sibling, so a reader of it gets nothing of the other."""
    pages = _gen_pages()
    modules = pages._modules()
    imports: dict[str, set[str]] = {}
    for a, b in pages._imports(modules):
        imports.setdefault(a, set()).add(b)
    plan_side = sorted(m for m in modules if pages._layer(m) == "plan")
    assert {
        "autoui.mapper.plan",
        "autoui.mapper.kinds",
        "autoui.mapper.output_kinds",
        "autoui.mapper.calls",
        "autoui.mapper.reply_data",
    } <= set(plan_side)
    for start in plan_side:
        seen, todo = {start}, [start]
        while todo:
            module = todo.pop()
            assert pages._layer(module) not in ("builder", "dispatcher"), (start, module)
            wrong = {name.split(".")[0] for name in imports_of(modules[module])} & set(
                NOT_IN_THE_PLAN
            )
            assert not wrong, f"{start} imports {sorted(wrong)} (in {module})"
            for name in imports.get(module, set()) - seen:
                seen.add(name)
                todo.append(name)


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
