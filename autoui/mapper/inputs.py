"""An operation's parameters and request body as a flat list of form fields.

Body objects are opened into one field per property, nested objects into dotted
fields (`options.temperature`) down to MAX_DEPTH; below that, and at the first
recursive reference, a JSON editor takes the whole sub-tree, so nothing is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from autoui.ir import Api, Body, MediaType, Operation, Parameter
from autoui.mapper.naming import unique_params
from autoui.mapper.plan import NO_DEFAULT, Field, FieldLocation
from autoui.mapper.rules import Candidate, choose
from autoui.mapper.shapes import first_example, main_type, prepare, skeleton

MAX_DEPTH = 3  # path segments in a field name (a.b.c); deeper objects get a JSON editor
MAX_FIELDS = 60  # a body with more properties than this is edited as JSON
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


def body_media_type(body: Body | None) -> MediaType | None:
    """The media type to send: JSON first (richest form), then forms, then the first."""
    if body is None or not body.content:
        return None
    for test in (
        _is_json,
        lambda m: m == "multipart/form-data",
        lambda m: m == "application/x-www-form-urlencoded",
    ):
        for name, media in body.content.items():
            if test(name):
                return media
    return next(iter(body.content.values()))


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


class _Collector:
    """Walks one operation, gathering (candidate, field attributes) in form order."""

    def __init__(self, api: Api, operation: Operation) -> None:
        self.api = api
        self.operation = operation
        self.items: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.required_objects: list[tuple[str, ...]] = []  # body objects sent even if empty

    def parameters(self) -> None:
        for param in self.operation.parameters:
            schema, nullable = prepare(self.api.schemas, param.schema)
            if param.media_type is not None and main_type(schema) in ("object", "array", ""):
                schema = {**schema, "x-autoui-json": True}
            self.add(
                param.name,
                schema,
                param.location,
                None,
                param.required and not nullable,
                description=param.description or str(schema.get("description", "")),
                examples=[e.value for e in param.examples],
                parameter=param,
            )

    def body(self, media: MediaType, required: bool) -> None:
        schema, nullable = prepare(self.api.schemas, media.schema)
        examples = [e.value for e in media.examples]
        raw_body = not (_is_json(media.name) or media.name in _FORM_TYPES)
        if not raw_body and self._openable(schema, media.schema, ()):
            self._properties(
                schema,
                media,
                (),
                required and not nullable,
                tuple(filter(None, [self.api.schemas.ref_of(media.schema)])),
                examples[0] if examples and isinstance(examples[0], Mapping) else {},
            )
        else:
            self.add(
                "body",
                schema,
                "body",
                media.name,
                required and not nullable,
                description=str(schema.get("description", "")),
                examples=examples,
                body_path=(),
                raw=media.schema,
            )

    def _openable(self, schema: Mapping[str, Any], raw: Any, refs: tuple[str, ...]) -> bool:
        properties = schema.get("properties")
        ref = self.api.schemas.ref_of(raw)
        return (
            main_type(schema) == "object"
            and isinstance(properties, Mapping)
            and 0 < len(properties) <= MAX_FIELDS
            and not any(k in schema for k in ("oneOf", "anyOf"))
            and (ref is None or ref not in refs)
        )

    def _properties(
        self,
        schema: Mapping[str, Any],
        media: MediaType,
        path: tuple[str, ...],
        required: bool,
        refs: tuple[str, ...],
        example: Mapping[str, Any],
    ) -> None:
        if required:
            self.required_objects.append(path)
        required_names = schema.get("required", [])
        for name, raw in schema["properties"].items():
            prop, nullable = prepare(self.api.schemas, raw)
            if prop.get("readOnly") is True:
                continue
            sub_path = (*path, str(name))
            is_required = required and name in required_names and not nullable
            sub_example = example.get(name) if isinstance(example, Mapping) else None
            ref = self.api.schemas.ref_of(raw)
            if (
                len(sub_path) < MAX_DEPTH
                and media.name not in _FORM_TYPES
                and self._openable(prop, raw, refs)
            ):
                self._properties(
                    prop,
                    media,
                    sub_path,
                    is_required,
                    (*refs, ref) if ref else refs,
                    sub_example if isinstance(sub_example, Mapping) else {},
                )
                continue
            self.add(
                ".".join(sub_path),
                prop,
                "body",
                media.name,
                is_required,
                description=str(prop.get("description", "")),
                examples=[] if sub_example is None else [sub_example],
                body_path=sub_path,
                raw=raw,
                wire_name=str(name),
            )

    def add(
        self,
        label: str,
        schema: dict[str, Any],
        location: FieldLocation,
        media_type: str | None,
        required: bool,
        *,
        description: str,
        examples: list[Any],
        parameter: Parameter | None = None,
        body_path: tuple[str, ...] = (),
        raw: Any = None,
        wire_name: str | None = None,
    ) -> None:
        self.items.append(
            {
                "label": label,
                "schema": schema,
                "location": location,
                "media_type": media_type,
                "required": required,
                "description": description,
                "examples": examples,
                "parameter": parameter,
                "body_path": body_path,
                "raw": raw,
                "name": wire_name or (parameter.name if parameter else label),
            }
        )

    def fields(self) -> list[Field]:
        params = unique_params([(i["label"], i["location"]) for i in self.items])
        return [
            self._field(item, api_param) for item, api_param in zip(self.items, params, strict=True)
        ]

    def _field(self, item: dict[str, Any], api_param: str) -> Field:
        schema = item["schema"]
        candidate = Candidate(
            item["name"] if item["body_path"] else item["label"],
            schema,
            item["location"],
            item["media_type"],
            self.api.schemas,
            item["required"],
        )
        widget, rule = choose(candidate)
        location = item["location"]
        label = item["label"] if location == "body" else f"{item['label']} ({location})"
        field = Field(
            key=f"{location}.{item['label']}",
            api_param=api_param,
            label=label + (" *" if item["required"] else ""),
            location=location,
            name=item["name"],
            component=widget.component,
            value_type=widget.value_type,
            item_type=widget.item_type,
            encoding=widget.encoding,
            required=item["required"],
            info=" ".join(item["description"].split())[:500],
            choices=widget.choices,
            minimum=widget.minimum,
            maximum=widget.maximum,
            step=widget.step,
            schema=schema,
            body_path=item["body_path"],
            parameter=item["parameter"],
            rule=rule,
        )
        _prefill(field, schema, item["examples"], item["raw"], self.api)
        return field


def _prefill(
    field: Field, schema: Mapping[str, Any], examples: list[Any], raw: Any, api: Api
) -> None:
    """Defaults prefill every field; examples prefill required fields and are shown as
    placeholders in optional ones, so an optional example value is never sent unasked."""
    has_default = "default" in schema
    found, example = (
        (True, examples[0])
        if examples
        else first_example({k: v for k, v in schema.items() if k != "default"})
    )
    if field.encoding in ("base64", "file"):
        return
    if field.component == "json":
        value = (
            schema["default"]
            if has_default
            else example
            if found
            else (
                skeleton(api.schemas, raw if raw is not None else schema)
                if field.required
                else None
            )
        )
        if value is not None:
            field.default = json.dumps(value, indent=2, ensure_ascii=False)
        return
    if has_default:
        field.default = schema["default"]
    elif found and field.required:
        field.default = example
    if found and not isinstance(example, (dict, list)):
        field.placeholder = str(example)
    elif found:
        field.placeholder = json.dumps(example, ensure_ascii=False)[:200]


@dataclass
class Form:
    fields: list[Field]
    media_type: str | None  # the body's media type, None without a body
    required_objects: list[tuple[str, ...]]
    notes: list[str]


def plan_form(api: Api, operation: Operation) -> Form:
    collector = _Collector(api, operation)
    collector.parameters()
    media = body_media_type(operation.body)
    if media is not None and operation.body is not None:
        collector.body(media, operation.body.required)
    return Form(
        collector.fields(),
        media.name if media else None,
        collector.required_objects,
        collector.notes,
    )


__all__ = ["MAX_DEPTH", "NO_DEFAULT", "Form", "body_media_type", "plan_form"]
