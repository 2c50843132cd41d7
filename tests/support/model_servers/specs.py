"""The corpus's real specs, read where CI lays them: `../shared/specs` beside the clone.

The fakes serve these documents unchanged, except for `servers` (or Swagger 2.0's
`host`/`basePath`) where a document names a host of its own: the fake points it at
itself. `AUTOUI_SPECS` names another folder (a worktree's parent has no `shared/`).
"""

from __future__ import annotations

import copy
import functools
import json
import os
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
SPECS_DIR = Path(os.environ.get("AUTOUI_SPECS", ROOT.parent / "shared" / "specs"))
ML_SERVING = "ml-serving"


class SpecsMissing(RuntimeError):
    """The corpus is not where CI lays it."""


def require_specs() -> Path:
    if not (SPECS_DIR / ML_SERVING).is_dir():
        raise SpecsMissing(
            f"the spec corpus is not at {SPECS_DIR} (CI lays it beside the clone as "
            "../shared/specs; set AUTOUI_SPECS to point elsewhere)"
        )
    return SPECS_DIR


@functools.cache
def _load(relative: str) -> dict[str, Any]:
    path = require_specs() / relative
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        document: dict[str, Any] = json.loads(text)
    else:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        document = yaml.load(text, Loader=loader)
    return document


def spec(relative: str) -> dict[str, Any]:
    """A fresh copy of the document at `relative` (under the corpus folder)."""
    return copy.deepcopy(_load(relative))


def with_servers(relative: str, url: str) -> dict[str, Any]:
    """The OpenAPI 3 document with `servers` pointing at `url` (which may be relative)."""
    document = spec(relative)
    document["servers"] = [{"url": url}]
    return document
