"""The model picker: a `model` field offers the models the server itself lists.

A model server's spec usually has an operation that lists its models (OpenAI's and
vLLM's `GET /v1/models` answer `data[].id`, Ollama's `GET /api/tags` answers
`models[].name`, TGI's and TEI's `GET /info` answer one `model_id`). It is found by the
shape of its reply, not by its path: a GET that needs no parameter and answers a list
of objects named by `id`/`name`/`model` (under `models` or `data`, or anywhere on a path
that says `model`), or one `model_id`. Every `model` field then becomes a dropdown that
takes free text and is filled from that operation when the user opens it (the builder
calls it then, never unasked).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.ir import Api
from autoui.mapper.output_kinds.answer import success_response
from autoui.mapper.plan import EACH, NO_DEFAULT, AppPlan, Field, ModelList, OperationPlan
from autoui.mapper.rules import is_json
from autoui.mapper.shapes import documented_default, main_type, prepare

MODEL_FIELDS = frozenset({"model"})  # the wire names a picker is for
_NAME_KEYS = ("id", "name", "model", "model_id", "model_name")
_LIST_KEYS = ("models", "data")
_ONE_MODEL_KEYS = ("model_id",)


def attach_model_lists(app: AppPlan) -> None:
    """Turn every `model` field into a picker over the API's model list, if it has one."""
    found = model_list(app.api, app.operations)
    if found is None:
        return
    for plan in app.operations:
        for f in plan.fields:
            if _pickable(f):
                _make_picker(f, found)


def model_list(api: Api, plans: list[OperationPlan]) -> ModelList | None:
    """The operation whose reply lists the models: a list under `data`/`models` first
    (`/v1/models`, `/api/tags`), then a bare list, then a single model (`/info`); in the
    document's order among equals."""
    found = [(path, plan) for plan in plans if (path := _names_path(api, plan)) is not None]
    if not found:
        return None
    path, plan = min(found, key=lambda pair: _RANKS[len(pair[0])])
    return ModelList(plan, path)


_RANKS = {3: 0, 2: 1, 1: 2}  # (key, *, name) before (*, name) before (model_id,)


def _pickable(f: Field) -> bool:
    return (
        f.name in MODEL_FIELDS
        and f.location in ("body", "query")
        and f.value_type == "string"
        and f.component in ("textbox", "dropdown")
        and f.encoding == "plain"
    )


def _make_picker(f: Field, found: ModelList) -> None:
    f.component = "dropdown"
    f.rule = "model picker"
    f.custom_values = True
    f.options_from = found
    f.choices = list(f.choices or [])
    if f.required and documented_default(f.schema) is NO_DEFAULT:
        f.default = NO_DEFAULT  # an example's model is not one this server has


def _names_path(api: Api, plan: OperationPlan) -> tuple[str, ...] | None:
    operation = plan.operation
    if operation.method.upper() != "GET" or operation.body is not None:
        return None
    if any(p.required for p in operation.parameters):
        return None
    response = success_response(operation)
    media = (
        next((m for name, m in response.content.items() if is_json(name)), None)
        if response
        else None
    )
    if media is None:
        return None
    schema, _ = prepare(api.schemas, media.schema)
    about_models = "model" in operation.path.lower()
    if main_type(schema) == "array" and about_models:
        key = _name_key(api, schema)
        return (EACH, key) if key else None
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return None
    for name in _LIST_KEYS:
        if name in properties and (name == "models" or about_models):
            items, _ = prepare(api.schemas, properties[name])
            key = _name_key(api, items) if main_type(items) == "array" else None
            if key:
                return (name, EACH, key)
    for name in _ONE_MODEL_KEYS:
        if name in properties and main_type(prepare(api.schemas, properties[name])[0]) == "string":
            return (name,)
    return None


def _name_key(api: Api, array: Mapping[str, Any]) -> str | None:
    """The property that names each item of an array of objects (of every alternative,
    where the items are a `oneOf`: Mistral's base and fine-tuned model cards)."""
    item, _ = prepare(api.schemas, array.get("items", {}))
    alternatives = item.get("oneOf", item.get("anyOf"))
    members = (
        [prepare(api.schemas, a)[0] for a in alternatives]
        if isinstance(alternatives, list)
        else [item]
    )
    names: list[set[str]] = [
        set(m["properties"]) if isinstance(m.get("properties"), Mapping) else set() for m in members
    ]
    shared = set.intersection(*names) if names else set()
    return next((k for k in _NAME_KEYS if k in shared), None)
