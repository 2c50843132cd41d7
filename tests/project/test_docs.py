"""The docs' generated parts (config reference, benchmark tables, the layers' imports) are
what `docs/gen_pages.py` writes from the schema, `benchmarks/results/` and `autoui/` as
they are now, so a change to any of them that leaves the docs behind fails here."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[2]


def gen_pages() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_pages", ROOT / "docs" / "gen_pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_generated_part_is_up_to_date() -> None:
    gen = gen_pages()
    pages = sorted((ROOT / "docs").glob("*.md"))
    parts = [name for page in pages for name in gen.PART.findall(page.read_text())]
    assert {name for _, name, _, _ in parts} == set(gen.PARTS), "a part no page shows"
    for page in pages:
        old = page.read_text()
        new = gen.generated(old)
        diff = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True)))
        assert new == old, f"{page.name}: run `python docs/gen_pages.py`\n{diff}"


def test_the_config_reference_names_every_key_the_schema_allows() -> None:
    """Each key of the format is a row, down to a field's bounds and the output's component."""
    reference = gen_pages().config_reference()
    for key in ("theme", "tags.hide", "operations.<operation>.fields.<field>.step",
                "operations.<operation>.output.component"):  # fmt: skip
        assert f"| `{key}` |" in reference
    assert "| `$schema` |" not in reference


def test_a_cycle_and_a_crossing_import_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The imports table is read off the code: a made-up tree with a dispatcher module that
    imports the builder, and two modules that import each other, shows both."""
    gen = gen_pages()
    package = tmp_path / "autoui"
    for name, text in {
        "__init__.py": "",
        "dispatcher/__init__.py": "",
        "dispatcher/client.py": "from autoui.builder import widgets\n",
        "builder/__init__.py": "",
        "builder/widgets.py": "",
        "serve.py": "def later():\n    from autoui.split import x\n",
        "split.py": "from autoui.serve import y\n",
    }.items():
        (package / name).parent.mkdir(parents=True, exist_ok=True)
        (package / name).write_text(text)
    monkeypatch.setattr(gen, "ROOT", tmp_path)
    text = gen.layer_imports()
    assert "| dispatcher → builder | 1 | dispatcher.client → builder.widgets |" in text
    assert (
        "- serve ↔ split: serve imports split in a function, split imports serve at run time"
        in text
    )
