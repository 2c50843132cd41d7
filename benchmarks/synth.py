"""A synthetic OpenAPI document with N operations, for measuring how pages scale.

Each operation has a summary, one of 8 tags and 3-6 fields (query parameters and a
JSON body: strings, integers, enums, booleans), the mix real APIs show.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from common import CACHE

TAGS = ["users", "orders", "billing", "search", "files", "admin", "reports", "teams"]


def operation(i: int) -> dict[str, Any]:
    fields = 3 + i % 4
    query = [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}},
        {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
    ][: fields // 3]
    properties: dict[str, Any] = {
        "name": {"type": "string", "description": f"The name of thing {i}."},
        "kind": {"type": "string", "enum": ["small", "medium", "large"]},
        "count": {"type": "integer"},
        "note": {"type": "string"},
    }
    body = dict(list(properties.items())[: fields - len(query)])
    return {
        "post": {
            "operationId": f"op{i:04d}",
            "summary": f"Operation number {i} on {TAGS[i % len(TAGS)]}",
            "tags": [TAGS[i % len(TAGS)]],
            "parameters": query,
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"type": "object", "required": ["name"], "properties": body}
                    }
                },
            },
            "responses": {
                "200": {
                    "description": "ok",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"result": {"type": "string"}},
                            }
                        }
                    },
                }
            },
        }
    }


def synthetic(n: int) -> Path:
    """The document with `n` operations, written to benchmarks/.cache."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"synthetic-{n}.json"
    document = {
        "openapi": "3.1.0",
        "info": {"title": f"Synthetic API ({n} operations)", "version": "1"},
        "paths": {f"/things/{i:04d}": operation(i) for i in range(n)},
    }
    path.write_text(json.dumps(document))
    return path
