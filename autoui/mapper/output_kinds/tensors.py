"""Tensor inference (KServe V2, MLServer, Triton, the open inference protocol): the answer
is the `outputs` tensors, shown as a table of name, shape, datatype and data.

`{"model_name": "iris", "model_version": "1", "outputs": [{"name": "predict", "shape":
[2, 1], "datatype": "INT64", "data": [1, 1]}]}`: the model's name and version describe
the reply, the tensors answer it. A tensor is an object with `name`, `datatype`, `shape`
and `data` (the protocol's ResponseOutput); anything else is not one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from autoui.mapper.shapes import main_type, prepare
from autoui.schemas import Schemas

TENSOR_KEYS = frozenset({"name", "datatype", "shape", "data"})
COLUMNS = ("name", "shape", "datatype", "data")


def declares_tensors(schemas: Schemas, node: Any) -> bool:
    """Whether a response schema is an inference response: `outputs`, an array of tensors."""
    schema, _ = prepare(schemas, node)
    outputs = (schema.get("properties") or {}).get("outputs")
    if outputs is None:
        return False
    outputs, _ = prepare(schemas, outputs)
    if main_type(outputs) != "array" or not isinstance(outputs.get("items"), Mapping):
        return False
    items, _ = prepare(schemas, outputs["items"])
    return set(items.get("properties") or {}) >= TENSOR_KEYS


def tensors_in(data: Any) -> list[Mapping[str, Any]] | None:
    """The output tensors of an inference reply, or None when it is not one."""
    outputs = data.get("outputs") if isinstance(data, Mapping) else None
    if not isinstance(outputs, list) or not outputs:
        return None
    if all(isinstance(t, Mapping) and set(t) >= TENSOR_KEYS for t in outputs):
        return outputs
    return None


def tensors_table(tensors: list[Mapping[str, Any]]) -> dict[str, Any]:
    """One row per tensor; shape and data as JSON text (a cell holds text, not arrays)."""
    return {
        "headers": list(COLUMNS),
        "data": [
            [
                str(t["name"]),
                json.dumps(t["shape"]),
                str(t["datatype"]),
                json.dumps(t["data"], ensure_ascii=False),
            ]
            for t in tensors
        ],
    }
