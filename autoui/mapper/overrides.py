"""Overrides: `x-autoui` hints in the document, then the config file, applied to a plan.

The rules in `rules.py` are right most of the time; an override fixes the rest without
touching them. It is a transform of the finished plan, so the rules stay one small
function per kind, and every change it makes is recorded where `autoui inspect` shows
it: a component or output chosen by an override has the rule `x-autoui` or
`config: autoui.yaml:12`.

Hints come first, from the most specific (a property's schema) to the most general (the
document's root); the config file comes last and wins. A broken hint is a problem of
the document, reported like any other; a broken config file is an error.

Over 400 lines because it is one transform with one way to fail (a message naming the
file, line, JSON path and rule) over every part of the plan an override reaches; what
each input kind accepts is its module's (`mapper/kinds`: `refuses`, `keys`, `settle`).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import jsonschema

from autoui.config import HINT, Config, ConfigFileError, JsonPath, check
from autoui.ir import Api, Problem, Tag
from autoui.mapper import plan_api
from autoui.mapper.kinds import KINDS, kind_of
from autoui.mapper.kinds.base import SCALARS
from autoui.mapper.mcp_rules import apply_mcp_rules
from autoui.mapper.output_kinds.answer import pick_media, success_response
from autoui.mapper.plan import (
    FILE_ENCODINGS,
    NO_DEFAULT,
    UNTAGGED,
    AppPlan,
    Field,
    OperationPlan,
    Output,
    is_json,
)
from autoui.mapper.shapes import main_type, prepare
from autoui.schemas import Schemas

_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")
# The keywords a value given in an override is checked against (no `$ref`s to follow).
_VALUE_KEYWORDS = (
    "type",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
)


@dataclass
class _Source:
    """Where the overrides being applied come from: a config file, or a hint."""

    config: Config
    hint: bool = False

    def rule(self, path: JsonPath) -> str:
        return HINT if self.hint else f"config: {self.config.where(path)}"

    def bad(self, path: JsonPath, message: str, rule: str) -> ConfigFileError:
        return self.config.error(path, message, rule)


@dataclass
class _State:
    plan: AppPlan
    hidden: dict[int, tuple[OperationPlan, str]] = field(default_factory=dict)


def apply_overrides(plan: AppPlan, config: Config | None = None) -> AppPlan:
    """A copy of `plan` with the document's `x-autoui` hints and then `config` applied.

    Raises ConfigFileError (file, line, JSON path, rule) for a config that cannot be
    applied: an unknown operation or field, a component that does not suit a field.
    """
    if not _has_hints(plan) and not (config and config.data):
        return plan
    state = _State(_copy(plan))
    _apply_hints(state)
    if config is not None and config.data:
        _apply_root(state, config.data, _Source(config))
    ops = state.plan.operations
    state.plan.operations = [op for op in ops if id(op) not in state.hidden]
    state.plan.hidden = [
        f"{op.api_name}: {op.operation.label} ({why})" for op, why in state.hidden.values()
    ]
    return state.plan


def planned(api: Api, config: Config | None = None) -> AppPlan:
    """The plan for `api` with its hints and `config` applied, the MCP rules last (they
    match the operations the overrides left, and an operation's own choice wins)."""
    return apply_mcp_rules(apply_overrides(plan_api(api), config), config)


def _has_hints(plan: AppPlan) -> bool:
    return (
        HINT in plan.api.extensions
        or any(HINT in op.operation.extensions for op in plan.operations)
        or any(HINT in f.schema for op in plan.operations for f in op.fields)
    )


def _copy(plan: AppPlan) -> AppPlan:
    """Copies of everything an override may change; the IR's objects stay shared."""
    return replace(
        plan,
        operations=[
            replace(op, fields=list(op.fields), outputs=list(op.outputs), notes=list(op.notes))
            for op in plan.operations
        ],
        hidden=list(plan.hidden),
    )


# --- hints in the document ---------------------------------------------------------------


def _apply_hints(state: _State) -> None:
    api = state.plan.api
    for op in state.plan.operations:
        where = op.operation.pointer
        for index, f in enumerate(op.fields):
            if HINT in f.schema:
                source = _Source(Config(source=f"{HINT} of field {f.api_param!r}"), hint=True)
                try:
                    check(f.schema[HINT], source.config, "field")
                    op.fields[index] = _apply_field(op, f, f.schema[HINT], (), source)
                except ConfigFileError as exc:
                    api.problems.append(Problem(str(exc), where))
        if HINT in op.operation.extensions:
            source = _Source(Config(source=HINT), hint=True)
            hint = op.operation.extensions[HINT]
            try:
                check(hint, source.config, "operation")
                _apply_operation(state, op, hint, (), source)
            except ConfigFileError as exc:
                api.problems.append(Problem(str(exc), where))
    if HINT in api.extensions:
        source = _Source(Config(source=HINT), hint=True)
        try:
            check(api.extensions[HINT], source.config)
            _apply_root(state, api.extensions[HINT], source)
        except ConfigFileError as exc:
            api.problems.append(Problem(str(exc), "#"))


# --- the whole page -----------------------------------------------------------------------


def _apply_root(state: _State, data: Mapping[str, Any], src: _Source) -> None:
    plan = state.plan
    if "title" in data:
        plan.title = data["title"]
    if "description" in data:
        plan.description = data["description"]
    if "theme" in data:
        plan.theme = data["theme"]
    everything = plan.operations  # hidden ones too: a later layer may show one again
    tags = data.get("tags", {})
    _hide_tags(state, tags.get("hide", []), src)
    # After the tags, so that `hide: false` can show one operation of a hidden tag.
    for key, entry in data.get("operations", {}).items():
        path = ("operations", key)
        op = _find_operation(everything, key, path, src)
        _apply_operation(state, op, entry, path, src)
    if "order" in tags:
        _order_tags(plan, tags["order"], src)
    if "order" in data:
        chosen: list[OperationPlan] = []
        for index, key in enumerate(data["order"]):
            op = _find_operation(everything, key, ("order", index), src)
            if op not in chosen:
                chosen.append(op)
        plan.operations = chosen + [op for op in everything if op not in chosen]


def _hide_tags(state: _State, hidden: list[str], src: _Source) -> None:
    for index, tag in enumerate(hidden):
        path: JsonPath = ("tags", "hide", index)
        _check_tag(state.plan, tag, path, src)
        for op in state.plan.operations:
            if tag in op.operation.tags:
                state.hidden[id(op)] = (op, f"tag {tag!r} hidden by {src.rule(path)}")


def _order_tags(plan: AppPlan, order: list[str], src: _Source) -> None:
    for index, tag in enumerate(order):
        _check_tag(plan, tag, ("tags", "order", index), src)
    known = {t.name: t for t in plan.api.tags}
    first = [known.get(name, Tag(name)) for name in order]
    rest = [t for t in plan.api.tags if t.name not in order]
    plan.api = replace(plan.api, tags=first + rest)


def _check_tag(plan: AppPlan, tag: str, path: JsonPath, src: _Source) -> None:
    known = [t.name for t in plan.api.tags]
    for op in plan.operations:
        known += [t for t in op.operation.tags if t not in known]
        if not op.operation.tags and UNTAGGED not in known:
            known.append(UNTAGGED)
    if tag not in known:
        raise src.bad(path, f"no operation has the tag {tag!r}{_hint(tag, known)}", "known tag")


def _find_operation(
    ops: list[OperationPlan], key: str, path: JsonPath, src: _Source
) -> OperationPlan:
    """The one operation whose api_name, operationId or "METHOD /path" is `key`."""
    method, _, route = key.partition(" ")
    found = [
        op
        for op in ops
        if key in (op.api_name, op.operation.operation_id)
        or (method.upper() == op.operation.method and route.strip() == op.operation.path)
    ]
    if len(found) == 1:
        return found[0]
    if found:
        labels = ", ".join(op.operation.label for op in found)
        raise src.bad(path, f"{key!r} names {len(found)} operations ({labels})", "one operation")
    names = [op.api_name for op in ops] + [op.operation.label for op in ops]
    raise src.bad(
        path,
        f"no operation is called {key!r} (an api_name, operationId or 'METHOD /path')"
        + _hint(key, names),
        "known operation",
    )


# --- one operation ------------------------------------------------------------------------


def _apply_operation(
    state: _State, op: OperationPlan, entry: Mapping[str, Any], path: JsonPath, src: _Source
) -> None:
    if "title" in entry:
        op.title = entry["title"]
    if "description" in entry:
        op.operation = replace(op.operation, description=entry["description"])
    for key, field_entry in entry.get("fields", {}).items():
        field_path = (*path, "fields", key)
        found = _find_field(op, key, field_path, src)
        op.fields[op.fields.index(found)] = _apply_field(op, found, field_entry, field_path, src)
    if "output" in entry:
        _apply_output(state.plan.api.schemas, op, entry["output"], (*path, "output"), src)
    if "mcp" in entry:
        _apply_mcp(state.plan, op, entry["mcp"], (*path, "mcp"), src)
    if entry.get("hide") is True:
        state.hidden[id(op)] = (op, f"hidden by {src.rule((*path, 'hide'))}")
    elif entry.get("hide") is False:
        state.hidden.pop(id(op), None)


def _apply_mcp(
    plan: AppPlan, op: OperationPlan, entry: Mapping[str, Any], path: JsonPath, src: _Source
) -> None:
    """The operation's MCP tool: its name (unique among the tools) or none at all."""
    name = entry.get("name")
    if name is not None:
        other = next((o for o in plan.operations if o.mcp_name == name and o is not op), None)
        if other is not None:
            raise src.bad(
                (*path, "name"),
                f"{name!r} is already the MCP tool name of {other.operation.label}",
                "unique tool name",
            )
        op.mcp_name = name
    if "exclude" in entry:
        op.mcp_exclude = entry["exclude"]


def _find_field(op: OperationPlan, key: str, path: JsonPath, src: _Source) -> Field:
    """By api_param (`x_request_id`), name (`options.temperature`) or key (`path.id`)."""
    found = [f for f in op.fields if key in (f.api_param, f.key, f.key.split(".", 1)[1])]
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(f.api_param for f in found)
        raise src.bad(path, f"{key!r} names {len(found)} fields; use one of {names}", "one field")
    params = [f.api_param for f in op.fields]
    listed = ", ".join(params) or "none"
    raise src.bad(
        path,
        f"{op.operation.label} has no field {key!r}{_hint(key, params)} (its fields: {listed})",
        "known field",
    )


def _apply_output(
    schemas: Schemas, op: OperationPlan, entry: Mapping[str, Any], path: JsonPath, src: _Source
) -> None:
    output = replace(op.outputs[0]) if op.outputs else Output("auto")
    if "field" in entry:
        name = entry["field"]
        if name is not None:
            kind = _reply_field_kind(schemas, op, name, (*path, "field"), src)
            output.component = "json" if kind in ("object", "array") else "textbox"
        output.field = name
    if "component" in entry:
        output.component = entry["component"]
    output.rule = src.rule(path)
    op.outputs[:1] = [output]


def _reply_field_kind(
    schemas: Schemas, op: OperationPlan, name: str, path: JsonPath, src: _Source
) -> str:
    """The JSON type of the reply field `name` (its first segment must exist when the
    response schema lists its properties); "" when the schema does not say."""
    response = success_response(op.operation)
    media = pick_media(response.content) if response else None
    if media is None:
        return ""
    if not is_json(media.name):
        raise src.bad(path, f"the reply is {media.name}, not JSON: it has no fields", "JSON reply")
    schema, _ = prepare(schemas, media.schema)
    properties = schema.get("properties")
    if not isinstance(properties, Mapping) or not properties:
        return ""
    head = name.split(".", 1)[0]
    if head not in properties:
        raise src.bad(
            path,
            f"the reply has no field {head!r}{_hint(head, list(properties))} "
            f"(its fields: {', '.join(properties)})",
            "known reply field",
        )
    if "." in name:
        return ""
    return main_type(prepare(schemas, properties[head])[0])


# --- one field ----------------------------------------------------------------------------


def _apply_field(
    op: OperationPlan, old: Field, entry: Mapping[str, Any], path: JsonPath, src: _Source
) -> Field:
    new = replace(old)
    value = _decoded_default(old)
    if "choices" in entry:
        new.choices = list(entry["choices"])
    for bound in ("minimum", "maximum", "step"):
        if bound in entry:
            setattr(new, bound, float(entry[bound]))
    if "component" in entry or "encoding" in entry:
        key = "component" if "component" in entry else "encoding"
        _set_component(
            op, new, entry.get("component", old.component), entry.get("encoding"), (*path, key), src
        )
        new.rule = src.rule((*path, key))
    _check_widget(new, entry, path, src)
    if "examples" in entry:
        example = entry["examples"][0]
        _check_value(new, example, (*path, "examples", 0), src)
        new.placeholder = example if isinstance(example, str) else json.dumps(example)
        if new.required and "default" not in new.schema:
            value = example  # as the mapper does: an example pre-fills a required field
    if "default" in entry:
        value = entry["default"]
        _check_value(new, value, (*path, "default"), src)
    if "placeholder" in entry:
        new.placeholder = entry["placeholder"]
    if "label" in entry:
        new.label = entry["label"] + (" *" if new.required else "")
    if "info" in entry:
        new.info = entry["info"]
    new.default = _encoded_default(new, value)
    return new


def _set_component(
    op: OperationPlan,
    f: Field,
    component: str,
    encoding: str | None,
    path: JsonPath,
    src: _Source,
) -> None:
    """Change the component, and with it how the value travels; refuse what cannot work."""
    kind = f.value_type
    media = op.body_media_type or ""
    in_body = f.location == "body"
    whole_body = in_body and not f.body_path and not (is_json(media) or media in _FORMS)
    file_parts = whole_body or (in_body and media == "multipart/form-data")

    kind_of_field = KINDS[component]
    problem = kind_of_field.refuses(f)
    if kind_of_field.upload:
        if problem:
            raise src.bad(path, problem, "component suits the field")
        chosen = encoding or (f.encoding if f.encoding in FILE_ENCODINGS else None)
        chosen = chosen or ("file" if file_parts else "base64")
        if chosen == "file" and not file_parts:
            where = f"the {media} body" if in_body else f"a {f.location} parameter"
            raise src.bad(
                path,
                "encoding 'file' sends the upload as a multipart part or as the whole body, "
                f"but this field is part of {where}; use base64 or data_url",
                "encoding suits the body",
            )
        if whole_body and chosen != "file":
            raise src.bad(
                path,
                "the whole body is the file: only encoding 'file' fits",
                "encoding suits the body",
            )
        f.component, f.encoding = kind_of_field.name, chosen  # type: ignore[assignment]
        f.value_type = "array" if kind == "array" else "string"
        return
    if encoding is not None:
        uploads = [k.name for k in KINDS.values() if k.upload and k.in_config]
        raise src.bad(
            path,
            f"an encoding applies to {_spoken(uploads)} uploads, not to a {component}",
            "encoding suits the component",
        )
    if problem:
        raise src.bad(path, problem, "component suits the field")
    scalar = kind in SCALARS or (kind == "array" and f.item_type in SCALARS)
    text_of_any = kind_of_field.text and not scalar
    f.encoding = "json" if kind_of_field.json_text or text_of_any else "plain"
    f.component = kind_of_field.name  # type: ignore[assignment]


def _check_widget(f: Field, entry: Mapping[str, Any], path: JsonPath, src: _Source) -> None:
    limited = {key for kind in KINDS.values() for key in kind.keys}
    for key in entry:
        if key in limited and key not in kind_of(f).keys:
            takers = " or ".join(k.name for k in KINDS.values() if key in k.keys)
            applies = "apply" if key == "choices" else "applies"
            raise src.bad(
                (*path, key),
                f"{key} {applies} to a {takers}, not a {f.component}",
                "key suits the component",
            )
    lacking = kind_of(f).settle(f)
    if lacking is not None:
        raise src.bad(path, *lacking)


def _check_value(f: Field, value: Any, path: JsonPath, src: _Source) -> None:
    """A default or example must be something the field can send."""
    if f.encoding in FILE_ENCODINGS:
        raise src.bad(path, f"a {f.component} upload takes a file, not a value", "fits the field")
    if f.component == "dropdown" and f.choices and value not in f.choices:
        raise src.bad(path, f"{value!r} is not one of the choices {f.choices}", "fits the field")
    schema = {k: f.schema[k] for k in _VALUE_KEYWORDS if k in f.schema}
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(schema).iter_errors(value)
    )
    if error is not None:
        raise src.bad(
            path, f"does not fit the field's schema: {error.message}", f"schema: {error.validator}"
        )


def _decoded_default(f: Field) -> Any:
    if f.default is NO_DEFAULT or f.encoding in FILE_ENCODINGS:
        return NO_DEFAULT
    if kind_of(f).json_text and isinstance(f.default, str):
        try:
            return json.loads(f.default)
        except ValueError:
            return f.default
    return f.default


def _encoded_default(f: Field, value: Any) -> Any:
    """A value as the field's component shows it: JSON editors (and text boxes standing
    in for objects) show JSON text."""
    if value is NO_DEFAULT or f.encoding in FILE_ENCODINGS:
        return NO_DEFAULT
    if f.encoding == "json" and not (kind_of(f).text and isinstance(value, str)):
        return json.dumps(value, indent=2, ensure_ascii=False)
    return value


def _spoken(names: list[str]) -> str:
    """`a, b and c`."""
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def _hint(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


__all__ = ["HINT", "apply_overrides", "planned"]
