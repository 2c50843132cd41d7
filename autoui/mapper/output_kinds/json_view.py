"""`json`: a JSON value shown as a tree (an object without one answer field, a list that is
no table)."""

from __future__ import annotations

from autoui.mapper.kinds.base import Component
from autoui.mapper.output_kinds.base import Kind, no_field
from autoui.mapper.plan import is_json

KIND = Kind(
    name="json",
    media=is_json,
    field_rule=no_field,
    text_value=False,
    holds="json",
    component=Component("JSON"),
    shown_in="json",
    fallback="file",  # never needed: every output area has a JSON view
    may_be=("gallery", "table", "label"),
    returns="any",
    in_config=True,
)
