"""Checking a document against the OpenAPI meta-schemas, reporting rather than refusing.

Many specs in daily use are invalid (OpenAI's is); their users still want a UI, so
problems are collected for `autoui inspect` and the log, and only `--strict` refuses.
Full validation takes seconds on a 4 MB spec, which is why `build_app` runs it in the
background (`validate_later`) instead of before the UI is up, and `load_spec` only when
asked.
"""

from __future__ import annotations

import json
import logging
import pickle
import subprocess
import sys
import threading
from collections.abc import Mapping
from typing import Any

from jsonschema_path import SchemaPath
from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
)

from autoui.ir import Api, Problem
from autoui.loader.common import escape

log = logging.getLogger("autoui")

MAX_PROBLEMS = 50
CHILD_TIMEOUT = 900.0  # seconds a validation in a child process may take
# What openapi-spec-validator itself uses when it builds the SchemaPath (its settings).
_RESOLVED_CACHE_SIZE = 128
_VALIDATORS = {
    "2.0": OpenAPIV2SpecValidator,
    "3.0": OpenAPIV30SpecValidator,
    "3.1": OpenAPIV31SpecValidator,
}


def validate_document(
    document: Mapping[str, Any], dialect: str, base_uri: str = ""
) -> list[Problem]:
    """Up to MAX_PROBLEMS problems, each with the JSON pointer of the offending node."""
    validator = _VALIDATORS[dialect]
    # The bundled documents stay in (the references were rewritten to point into them),
    # and no handlers: the validator must not fetch what the bundler refused, such as a
    # `file:` reference in a spec served over HTTP.
    spec = SchemaPath.from_dict(
        dict(document), base_uri=base_uri, handlers={}, resolved_cache_maxsize=_RESOLVED_CACHE_SIZE
    )
    problems: list[Problem] = []
    try:
        for error in validator(spec).iter_errors():
            where = _pointer(document, error)
            message = _message(error)
            parts = list(getattr(error, "path", ()))
            if parts and not where:
                message += f" (at '{'/'.join(map(str, parts))}' of a schema)"
            problems.append(Problem(message, where, "error"))
            if len(problems) >= MAX_PROBLEMS:
                problems.append(Problem(f"(stopped after {MAX_PROBLEMS} problems)"))
                break
    except RecursionError:
        problems.append(Problem("validation gave up: the document is nested too deeply"))
    except Exception as exc:  # the validator itself failed on a malformed document
        problems.append(
            Problem(f"validation failed: {type(exc).__name__}: {exc}"[:300], "", "error")
        )
    return problems


def _pointer(document: Mapping[str, Any], error: Any) -> str:
    """The JSON pointer of the node the error is about, or "" when it is not known.

    Errors about one schema (found while walking operations) carry a path relative
    to that schema, such as `["type"]`; shown as `#/type` it would point at the wrong
    node, so a path is only kept when it leads to the error's own instance (and the
    caller mentions it in the message instead).
    """
    parts = list(getattr(error, "path", ()))
    if not parts:
        return ""
    node: Any = document
    for part in parts:
        inside = (isinstance(node, Mapping) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if not inside:
            return ""
        node = node[part]
    if node is not getattr(error, "instance", node) and node != error.instance:
        return ""
    return "#/" + "/".join(escape(str(p)) for p in parts)


def _message(error: Any) -> str:
    message = str(getattr(error, "message", error))
    return message if len(message) <= 300 else message[:297] + "..."


def validate_in_child(document: Mapping[str, Any], dialect: str) -> list[Problem]:
    """`validate`, run by another Python process (this module as a script).

    Validating a 4 MB spec takes 4-8 s of CPU. In a thread it would hold this process's
    interpreter lock all that time, slowing the page that was just served; a child
    process runs on another core. The document goes over a pipe as a pickle (it is
    ours, and keeps YAML's non-string keys as they are). If no child can be run (no
    `sys.executable`, a broken pipe), the validation runs here.
    """
    command = [sys.executable, "-m", "autoui.loader.validate", dialect]
    try:
        done = subprocess.run(
            command,
            input=pickle.dumps(dict(document), protocol=pickle.HIGHEST_PROTOCOL),
            capture_output=True,
            timeout=CHILD_TIMEOUT,
            check=True,
        )
        return [Problem(*row) for row in json.loads(done.stdout)]
    except (OSError, subprocess.SubprocessError, ValueError, TypeError, pickle.PicklingError):
        return validate_document(document, dialect)


def validate_later(api: Api) -> threading.Thread:
    """Validate `api`'s document in the background (in a child process); its problems
    are added to `api.problems` and logged when it ends."""

    def run() -> None:
        problems = validate_in_child(api.schemas.document, api.schemas.dialect)
        api.problems.extend(problems)
        if problems:
            log.warning(
                "%s: %d problem(s) in the spec; the first: %s (see `autoui inspect`)",
                api.source,
                len(problems),
                problems[0],
            )
        else:
            log.info("%s: the spec is valid", api.source)

    thread = threading.Thread(target=run, name="autoui-validate", daemon=True)
    thread.start()
    return thread


def _child() -> None:
    document = pickle.loads(sys.stdin.buffer.read())
    problems = validate_document(document, sys.argv[1])
    json.dump([[p.message, p.where, p.severity] for p in problems], sys.stdout)


if __name__ == "__main__":
    _child()
