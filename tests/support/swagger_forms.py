"""A Swagger 2.0 operation with each `collectionFormat` outside the query, a multipart
form and a file: planned by tests/mapper/test_forms.py and sent for real by
tests/dispatcher/test_bodies.py, the same document in both."""

from __future__ import annotations

from typing import Any

OK = {"200": {"description": "OK"}}
SWAGGER: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "old", "version": "1"},
    "paths": {
        "/echo/items/{ids}": {
            "post": {
                "operationId": "items",
                "consumes": ["multipart/form-data"],
                "parameters": [
                    {
                        "name": "ids",
                        "in": "path",
                        "required": True,
                        "type": "array",
                        "items": {"type": "integer"},
                        "collectionFormat": "ssv",
                    },
                    {
                        "name": "X-Tags",
                        "in": "header",
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "pipes",
                    },
                    {
                        "name": "colors",
                        "in": "formData",
                        "type": "array",
                        "items": {"type": "string"},
                        "collectionFormat": "csv",
                    },
                    {
                        "name": "sizes",
                        "in": "formData",
                        "type": "array",
                        "items": {"type": "integer"},
                        "collectionFormat": "multi",
                    },
                    {"name": "doc", "in": "formData", "type": "file", "required": True},
                ],
                "responses": OK,
            }
        }
    },
}
