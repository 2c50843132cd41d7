"""`label`: a classification: labels with confidence bars.

`{"cat": 0.91, "dog": 0.07}`, or Hugging Face's `[{"label": "cat", "score": 0.91}]`, is
unreadable as JSON and obvious as labelled scores.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from autoui.mapper.kinds.base import Component
from autoui.mapper.output_kinds.base import Kind, never, no_field


def label_scores(value: Any) -> dict[str, float] | None:
    """`{label: score}` when `value` is a classification: an object of two or more scores
    between 0 and 1, or a list of `{"label", "score"}` objects."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        value = value[0]  # Hugging Face nests one list per input
    if isinstance(value, list) and value:
        if all(
            isinstance(item, Mapping)
            and isinstance(item.get("label"), str)
            and _is_score(item.get("score"))
            for item in value
        ):
            return {item["label"]: float(item["score"]) for item in value}
        return None
    if isinstance(value, Mapping) and len(value) >= 2 and all(map(_is_score, value.values())):
        return {str(k): float(v) for k, v in value.items()}
    return None


def _is_score(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


KIND = Kind(
    name="label",
    media=never,
    field_rule=no_field,
    text_value=False,
    holds="view",
    component=Component("Label"),
    shown_in="label",
    fallback="json",
    may_be=("table",),
    returns="any",
    in_config=False,
)
