"""Your own FastAPI app with autoui's UI mounted next to its API: one line, `autoui.mount`.

Run it, then open the UI at http://127.0.0.1:8000/ui (the API's own docs stay at /docs)::

    uvicorn autoui_examples.mounted_app:app --port 8000

The UI reads the app's `app.openapi()` in-process and sends its calls to the same
server over HTTP, so they pass through the app's middleware like any client's.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import FastAPI, Query
from pydantic import BaseModel, Field

import autoui

_METRES = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "ft": 0.3048}


class Unit(str, Enum):
    m = "m"
    km = "km"
    mi = "mi"
    ft = "ft"


class Length(BaseModel):
    value: float
    unit: Unit
    text: str = Field(description="The length in words, e.g. `5 km = 3.107 mi`.")


class Words(BaseModel):
    text: str = Field(description="Any text.", examples=["hello there"])
    upper: bool = Field(False, description="Shout it.")


class Counted(BaseModel):
    words: int
    text: str


app = FastAPI(title="Units and words", version="1.0.0")


@app.get("/convert", summary="Convert a length")
def convert(
    value: Annotated[float, Query(description="How long.")],
    from_: Annotated[Unit, Query(alias="from", description="Its unit.")],
    to: Annotated[Unit, Query(description="The unit wanted.")],
) -> Length:
    result = value * _METRES[from_.value] / _METRES[to.value]
    return Length(value=result, unit=to, text=f"{value:g} {from_.value} = {result:.4g} {to.value}")


@app.post("/count", summary="Count the words of a text")
def count(body: Words) -> Counted:
    text = body.text.upper() if body.upper else body.text
    return Counted(words=len(body.text.split()), text=text)


autoui.mount(app, "/ui", config={"title": "Units and words: the UI"})
