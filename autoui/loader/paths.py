"""Path keys as real documents write them, read leniently and reported.

- A variable of the path template that no parameter declares (`/jobs/{uuid}` in
  LocalAI's spec) is read as a required string path parameter: otherwise the request
  would go out with a literal `{uuid}` in its path.
- A `#` in a path key (AWS's `/#X-Amz-Target=...`, OSIsoft's `/assetservers#name`) only
  tells operations on one path apart: a URL's fragment is never sent, so requests go to
  the path before it (the dispatcher drops the fragment, which would otherwise swallow
  the query appended after it).
- A shell-style `${NAME}` (the open inference protocol's `/v2/models/${MODEL_NAME}/...`)
  is the variable `{NAME}`: the `$` is not sent.
- A `?` in a path key (icons8's `/search?term={term}`) starts the URL's query; the
  dispatcher appends the query parameters after it.

Each is a problem of the document, reported at the operation (`autoui inspect` lists it).
"""

from __future__ import annotations

import re

from autoui.ir import Api, Operation, Parameter, Problem

_VARIABLE = re.compile(r"\{([^{}]+)\}")


def path_problems(api: Api) -> list[Problem]:
    """Declare the path variables no parameter declares, and report each odd path key."""
    problems = []
    for op in api.operations:
        for message in _declare_variables(op) + _odd_key(op):
            problems.append(Problem(message, op.pointer))
    return problems


def _declare_variables(op: Operation) -> list[str]:
    declared = {p.name for p in op.parameters if p.location == "path"}
    missing = [v for v in dict.fromkeys(_VARIABLE.findall(op.url_path)) if v not in declared]
    for name in missing:
        op.parameters.append(
            Parameter(name, "path", {"type": "string"}, required=True, style="simple")
        )
    if not missing:
        return []
    names = ", ".join("{" + name + "}" for name in missing)
    return [f"path variables without a parameter: {names}; each is read as a required string"]


def _odd_key(op: Operation) -> list[str]:
    found = []
    if op.url_path != op.path:
        found.append(
            f"the path key holds a fragment ({op.path[len(op.url_path) :]!r}), which a URL "
            f"never sends: requests go to {op.url_path or '/'!r}"
        )
    if "${" in op.path and op.url_path != op.path.split("#", 1)[0]:
        found.append(
            "the path key writes its variables shell-style (`${NAME}`): read as `{NAME}`, "
            "the `$` is not sent"
        )
    if "?" in op.url_path:
        query = op.url_path[op.url_path.index("?") :]
        found.append(f"the path key holds a query ({query!r}): the query parameters follow it")
    return found
