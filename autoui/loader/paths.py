"""Path keys as real documents write them, read leniently and reported.

- A variable of the path template that no parameter declares (`/jobs/{uuid}` in
  LocalAI's spec) is read as a required string path parameter: otherwise the request
  would go out with a literal `{uuid}` in its path.
- A `#` in a path key (AWS's `/#X-Amz-Target=...`, OSIsoft's `/assetservers#name`) only
  tells operations on one path apart: a URL's fragment is never sent, so requests go to
  the path before it (the dispatcher drops the fragment, which would otherwise swallow
  the query appended after it).
- A shell-style `${name}` (the open inference protocol's `/v2/models/${MODEL_NAME}/...`)
  is read as the path variable `{name}`: its `$` would otherwise be sent literally.
- A variable with a regular expression (kinto's `{api_ver:\\d+}`, Pyramid's and Flask's
  route syntax; clever-cloud's JAX-RS `{type: [^-]+}`) is read as the variable named
  before the `:`, and a parameter the document names after the whole (`api_ver:\\d+`) as
  that variable: the expression is the server's routing rule, never part of a URL.
- A `?` in a path key (icons8's `/search?term={term}`) starts the URL's query; the
  dispatcher appends the query parameters after it.
- A path parameter whose name the path key does not hold (the schema tests' `petId`
  on `/pets/{id}`) has nowhere to go in the URL: it is left out of the form, rather than
  asked for and then dropped.

Each is a problem of the document, reported at the operation (`autoui inspect` lists it).
"""

from __future__ import annotations

import re

from autoui.ir import ROUTE_VARIABLE, Api, Operation, Parameter, Problem

_VARIABLE = re.compile(r"\{([^{}]+)\}")
_SHELL = re.compile(r"\$\{([^{}]+)\}")


def path_problems(api: Api) -> list[Problem]:
    """Declare the path variables no parameter declares, and report each odd path key."""
    problems = []
    for op in api.operations:
        for message in _route_variables(op) + _unplaced(op) + _declare_variables(op) + _odd_key(op):
            problems.append(Problem(message, op.pointer))
    return problems


def _route_variables(op: Operation) -> list[str]:
    """Name each path parameter written as `{name:regex}` by its name."""
    written = [m.group(0) for m in ROUTE_VARIABLE.finditer(op.path)]
    if not written:
        return []
    for param in op.parameters:
        if param.location == "path" and "{" + param.name + "}" in written:
            param.name = ROUTE_VARIABLE.sub(r"\1", "{" + param.name + "}")
    meant = ", ".join(ROUTE_VARIABLE.sub(r"{\1}", w) for w in written)
    return [
        f"the path key writes {', '.join(written)} (a variable with a regular expression, a "
        f"web framework's route syntax, not OpenAPI's template): read as {meant}"
    ]


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


def _unplaced(op: Operation) -> list[str]:
    variables = set(_VARIABLE.findall(op.url_path))
    unplaced = [p for p in op.parameters if p.location == "path" and p.name not in variables]
    for param in unplaced:
        op.parameters.remove(param)
    return [
        f"path parameter {p.name!r} is not in the path key {op.path!r}, so a request has "
        "nowhere to put it: left out"
        for p in unplaced
    ]


def _odd_key(op: Operation) -> list[str]:
    found = []
    shell = _SHELL.findall(op.path)
    if shell:
        names = ", ".join("${" + name + "}" for name in dict.fromkeys(shell))
        found.append(
            f"the path key writes {names} (a shell variable, not OpenAPI's template): read "
            "as " + ", ".join("{" + name + "}" for name in dict.fromkeys(shell))
        )
    if "#" in op.path:
        found.append(
            f"the path key holds a fragment ({op.path[op.path.index('#') :]!r}), which a URL "
            f"never sends: requests go to {op.url_path or '/'!r}"
        )
    if "?" in op.url_path:
        query = op.url_path[op.url_path.index("?") :]
        found.append(f"the path key holds a query ({query!r}): the query parameters follow it")
    return found
