"""What the Rust routers of TGI and TEI answer before their handlers run, and their
error replies: both read bodies with axum's `Json` extractor (serde), whose rejections
are text/plain, and answer handler errors as JSON `{"error", "error_type"}`."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response


class Rejected(Exception):
    """A request the router refuses, with the reply it sends: JSON
    `{"error": message, "error_type": kind}`, or plain text for an extractor rejection."""

    def __init__(self, status: int, message: str, kind: str, text: bool = False):
        super().__init__(message)
        self.status, self.message, self.kind, self.text = status, message, kind, text


def deserialize_error(detail: str) -> Rejected:
    # axum's JsonRejection::JsonDataError: 422 text/plain, serde's message with its path
    # (serde_path_to_error); serde adds "at line L column C", which is left out here.
    return Rejected(
        422, f"Failed to deserialize the JSON body into the target type: {detail}", "", text=True
    )


def body(raw: bytes) -> dict[str, Any]:
    """The JSON object of a request, or the rejection axum answers instead."""
    try:
        parsed = json.loads(raw)
    except ValueError as exc:
        # axum's JsonRejection::JsonSyntaxError: 400 text/plain
        raise Rejected(
            400, f"Failed to parse the request body as JSON: {exc}", "", text=True
        ) from exc
    if not isinstance(parsed, dict):
        raise deserialize_error(f"invalid type: {type(parsed).__name__}, expected a map")
    return parsed


def answer_rejections(app: FastAPI) -> None:
    @app.exception_handler(Rejected)
    async def rejected(_: Request, exc: Rejected) -> Response:
        if exc.text:
            return PlainTextResponse(exc.message, status_code=exc.status)
        return JSONResponse({"error": exc.message, "error_type": exc.kind}, status_code=exc.status)
