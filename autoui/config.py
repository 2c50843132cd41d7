"""The overrides file (`--config autoui.yaml`): loading it and checking it against its schema.

The format is the JSON Schema in `schemas/autoui-config.schema.json` (shipped inside the
package too), so editors can complete and check the file as it is typed. Every error
names the file, the line, the JSON path and the rule broken, in one line:

    autoui.yaml:7: operations.generate.fields.prompt.component: 'slide' is not one of
    ['textbox', ...] (rule: enum)

Line numbers come from composing the YAML into nodes (JSON is read the same way), whose
start marks are kept per JSON path; the data itself is read by the safe loader.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from autoui.errors import ConfigError, SpecError
from autoui.loader.fetch import display_name, fetch
from autoui.loader.parse import parse

JsonPath = tuple[str | int, ...]
SCHEMA_FILE = "autoui-config.schema.json"
HINT = "x-autoui"  # the spec's own extension holding this config's parts
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_LINE_NODES = 100_000  # nodes walked for line numbers (aliases are not followed)


class ConfigFileError(ConfigError):
    """A config file (or an `x-autoui` value) that breaks a rule: where, what and which rule."""

    def __init__(
        self, source: str, path: JsonPath, message: str, rule: str, line: int | None = None
    ) -> None:
        self.source, self.path, self.rule, self.line = source, path, rule, line
        self.reason = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {format_path(path)}: {message} (rule: {rule})")


def format_path(path: JsonPath) -> str:
    """`("operations", "POST /x", "fields", 0)` -> `operations['POST /x'].fields[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.isidentifier():
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out or "(top level)"


@cache
def config_schema() -> dict[str, Any]:
    text = resources.files("autoui").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _validator(definition: str | None) -> jsonschema.protocols.Validator:
    schema = config_schema()
    if definition is not None:
        schema = {"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]}
    return jsonschema.Draft202012Validator(schema)


@dataclass
class Config:
    """Overrides in the shape of the schema, with where each value came from."""

    data: dict[str, Any] = field(default_factory=dict)
    source: str = "<config>"
    lines: dict[JsonPath, int] = field(default_factory=dict)

    def line(self, path: JsonPath) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None

    def where(self, path: JsonPath) -> str:
        """`autoui.yaml:12`: what `autoui inspect` shows as the rule of an override."""
        line = self.line(path)
        return f"{self.source}:{line}" if line else self.source

    def error(self, path: JsonPath, message: str, rule: str) -> ConfigFileError:
        return ConfigFileError(self.source, path, message, rule, self.line(path))


def load_config(source: str | Path | Mapping[str, Any] | Config) -> Config:
    """Read and check a config file (YAML or JSON) or dict; raise ConfigFileError if bad."""
    if isinstance(source, Config):
        return source
    if isinstance(source, Mapping):
        config = Config(dict(source))
    else:
        name = display_name(str(source))
        try:
            fetched = fetch(str(source))
            # An empty file (or one with only comments) asks for no changes.
            data = parse(fetched.data, name, fetched.content_type) if fetched.data.strip() else {}
        except SpecError as exc:
            raise ConfigError(f"cannot load the config {name}: {exc.reason}") from None
        data = {} if data is None else data
        if not isinstance(data, dict):
            raise ConfigFileError(
                name, (), f"expected a mapping of settings, not {_kind(data)}", "type", 1
            )
        config = Config(data, name, _lines(fetched.data.decode("utf-8", "replace")))
    check(config.data, config)
    return config


def check(value: Any, config: Config, definition: str | None = None, at: JsonPath = ()) -> None:
    """Raise the first (by line) schema violation in `value` as a ConfigFileError.

    `definition` checks a part (`operation`, `field`) as found in an `x-autoui` value.
    """
    errors = sorted(
        (_explain(e) for e in _validator(definition).iter_errors(value)),
        key=lambda err: (config.line((*at, *err[0])) or 0, len(err[0])),
    )
    if errors:
        path, message, rule = errors[0]
        more = f"; {len(errors) - 1} more problem(s) after it" if len(errors) > 1 else ""
        raise config.error((*at, *path), message + more, rule)


def _explain(error: jsonschema.ValidationError) -> tuple[JsonPath, str, str]:
    """A message a person can act on, pointing at the offending key itself."""
    error = jsonschema.exceptions.best_match([error])
    path: JsonPath = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        known = list(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in known]
        if extra:
            key = str(extra[0])
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"
            return (*path, key), f"unknown key {key!r}{hint}", "additionalProperties"
    return path, error.message, str(error.validator)


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", type(None): "nothing"}.get(type(value), "a scalar")


def _lines(text: str) -> dict[JsonPath, int]:
    """JSON path -> 1-based line, from the composed YAML (best effort: {} if it fails)."""
    try:
        root = yaml.compose(text, Loader=_SafeLoader)
    except yaml.YAMLError:
        return {}
    if root is None:
        return {}
    lines: dict[JsonPath, int] = {(): root.start_mark.line + 1}
    for path, node in _children(root, (), set()):
        lines[path] = node.start_mark.line + 1
    return lines


def _children(node: Any, path: JsonPath, seen: set[int]) -> Iterator[tuple[JsonPath, yaml.Node]]:
    """(path, node) of every key and item below `node`; a key's line is where it is written."""
    # An alias is the same node object again: each node is walked once, so a YAML bomb
    # costs no more than its text.
    if id(node) in seen or len(seen) > _MAX_LINE_NODES:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            yield (*path, name), key
            yield from _children(value, (*path, name), seen)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield (*path, index), item
            yield from _children(item, (*path, index), seen)
