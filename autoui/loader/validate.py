"""Checking a document against the OpenAPI meta-schemas, reporting rather than refusing.

Many specs in daily use are invalid (OpenAI's is); their users still want a UI, so
problems are collected for `autoui inspect` and the log, and only `--strict` refuses.
Full validation takes seconds on a 4 MB spec, which is why `build_app` runs it in the
background instead of before the UI is up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
)

from autoui.ir import Problem
from autoui.loader.bundle import BUNDLE_KEY
from autoui.loader.common import escape

MAX_PROBLEMS = 50
_VALIDATORS = {"2.0": OpenAPIV2SpecValidator, "3.0": OpenAPIV30SpecValidator,
               "3.1": OpenAPIV31SpecValidator}


def validate(document: Mapping[str, Any], dialect: str, base_uri: str = "") -> list[Problem]:
    """Up to MAX_PROBLEMS problems, each with the JSON pointer of the offending node."""
    validator = _VALIDATORS[dialect]
    unbundled = {k: v for k, v in document.items() if k != BUNDLE_KEY}
    problems: list[Problem] = []
    try:
        for error in validator(unbundled, base_uri=base_uri).iter_errors():
            path = "#/" + "/".join(escape(str(p)) for p in getattr(error, "path", ()))
            problems.append(Problem(_message(error), path if path != "#/" else "", "error"))
            if len(problems) >= MAX_PROBLEMS:
                problems.append(Problem(f"(stopped after {MAX_PROBLEMS} problems)"))
                break
    except RecursionError:
        problems.append(Problem("validation gave up: the document is nested too deeply"))
    except Exception as exc:  # the validator itself failed on a malformed document
        problems.append(Problem(f"validation failed: {type(exc).__name__}: {exc}"[:300], "",
                                "error"))
    return problems


def _message(error: Any) -> str:
    message = str(getattr(error, "message", error))
    return message if len(message) <= 300 else message[:297] + "..."
